/**
 * Helpers for the local server's S3-dialect tests: requests signed with the project's own SigV4 signer (header or
 * presigned), aws-chunked bodies, and base64 checksums, on top of serverSupport.ts.
 */
import { createHash } from "node:crypto"
import * as Effect from "effect/Effect"
import * as S3Credentials from "../../adapters/s3/S3Credentials.ts"
import * as SigV4 from "../../adapters/s3/S3SignatureV4.ts"
import type { LocalOssServer } from "../../adapters/server/LocalOssServer.ts"
import { accessKeyId, accessKeySecret, bucket, urlOf } from "./serverSupport.ts"

export interface S3Request {
  readonly method: string
  readonly key?: string
  readonly query?: Readonly<Record<string, string>>
  readonly headers?: Readonly<Record<string, string>>
  readonly body?: Uint8Array<ArrayBuffer> | string
}

export interface S3Signing {
  readonly secret?: string
  readonly accessKeyId?: string
  readonly dateMs?: number
  /** Default: the body's SHA-256 (as the AWS SDK signs over plain HTTP). */
  readonly payload?: SigV4.S3Payload
}

const hostOf = (server: LocalOssServer): string => new URL(server.url).host

const pathOf = (key: string | undefined): string => `/${bucket}/${key ?? ""}`

const sha256Hex = (body: Uint8Array | string | undefined): string =>
  createHash("sha256")
    .update(body ?? "")
    .digest("hex")

/** A request signed with SigV4 header auth, region us-east-1. */
export const s3Fetch = async (
  server: LocalOssServer,
  request: S3Request,
  signing: S3Signing = {}
): Promise<Response> => {
  const credentials = S3Credentials.make({
    accessKeyId: signing.accessKeyId ?? accessKeyId,
    secretAccessKey: signing.secret ?? accessKeySecret
  })
  const query = request.query ?? {}
  const headers = { ...request.headers, host: hostOf(server) }
  const added = await Effect.runPromise(
    SigV4.sign(
      { method: request.method, path: pathOf(request.key), query, headers, date: signing.dateMs ?? Date.now() },
      credentials,
      { region: "us-east-1", payload: signing.payload ?? { sha256Hex: sha256Hex(request.body) } }
    )
  )
  const { host: _host, ...sent } = headers
  return fetch(urlOf(server, request.key, query), {
    method: request.method,
    headers: { ...sent, ...added },
    ...(request.body === undefined ? {} : { body: request.body })
  })
}

/** A presigned URL for `method` on `key`. */
export const presignedUrl = async (
  server: LocalOssServer,
  method: string,
  key: string,
  query: Readonly<Record<string, string>>,
  options: { readonly dateMs?: number; readonly expiresInSeconds?: number } = {}
): Promise<string> => {
  const credentials = S3Credentials.make({ accessKeyId, secretAccessKey: accessKeySecret })
  const added = await Effect.runPromise(
    SigV4.presign(
      { method, path: pathOf(key), query, headers: { host: hostOf(server) }, date: options.dateMs ?? Date.now() },
      credentials,
      { region: "us-east-1", expiresInSeconds: options.expiresInSeconds ?? 300 }
    )
  )
  return urlOf(server, key, { ...query, ...added })
}

/** An aws-chunked body: the chunks, a zero chunk, the trailer lines and the closing empty line. */
export const awsChunked = (
  chunks: ReadonlyArray<Uint8Array>,
  trailers: Readonly<Record<string, string>>
): Uint8Array<ArrayBuffer> =>
  Uint8Array.from(
    Buffer.concat([
      ...chunks.flatMap((chunk) => [Buffer.from(`${chunk.length.toString(16)}\r\n`), chunk, Buffer.from("\r\n")]),
      Buffer.from("0\r\n"),
      ...Object.entries(trailers).map(([name, value]) => Buffer.from(`${name}:${value}\r\n`)),
      Buffer.from("\r\n")
    ])
  )

/** The base64 of a big-endian 32-bit value, as `x-amz-checksum-crc32` carries it. */
export const base64U32 = (value: number): string => {
  const out = Buffer.alloc(4)
  out.writeUInt32BE(value >>> 0)
  return out.toString("base64")
}

/** The base64 of a big-endian 64-bit value (`x-amz-checksum-crc64nvme`). */
export const base64U64 = (value: bigint): string => {
  const out = Buffer.alloc(8)
  out.writeBigUInt64BE(value)
  return out.toString("base64")
}

export const base64Digest = (algorithm: "sha1" | "sha256" | "md5", bytes: Uint8Array | string): string =>
  createHash(algorithm).update(bytes).digest("base64")
