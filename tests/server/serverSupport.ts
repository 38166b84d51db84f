/**
 * Helpers for the local OSS server tests: start a server per test, address it path-style, sign requests with the
 * project's own V1/V4 signers, send raw requests (custom Host, unnormalised paths, no Content-Length) that `fetch`
 * cannot, and read fields out of XML bodies.
 */
import { request as httpRequest } from "node:http"
import * as Effect from "effect/Effect"
import { uriEncode } from "../../adapters/http/UriEncoding.ts"
import * as OssCredentials from "../../adapters/oss/OssCredentials.ts"
import * as SignatureV1 from "../../adapters/oss/OssSignatureV1.ts"
import * as SignatureV4 from "../../adapters/oss/OssSignatureV4.ts"
import { type LocalOssServer, type LocalOssServerOptions, start } from "../../adapters/server/LocalOssServer.ts"

export const bucket = "test-bucket"
export const accessKeyId = "test-ak"
export const accessKeySecret = "test-sk"

/** A memory server, anonymous unless told otherwise, with a tiny part minimum so tests stay small. */
export const startServer = (options: Partial<LocalOssServerOptions> = {}): Promise<LocalOssServer> =>
  start(
    {
      storage: { kind: "memory" },
      credentials: "anonymous",
      ...options,
      storeLimits: { partSizeBytesMin: 4, ...options.storeLimits }
    },
    { onInternalError: (cause) => console.error("server internal error", cause) }
  )

/** Runs `body` against a fresh server, closing it afterwards. */
export const withServer = async <A>(
  options: Partial<LocalOssServerOptions>,
  body: (server: LocalOssServer) => Promise<A>
): Promise<A> => {
  const server = await startServer(options)
  try {
    return await body(server)
  } finally {
    await server.close()
  }
}

/** `k=v&k2` with RFC 3986 encoding, as SDKs send it. */
export const queryString = (query: Readonly<Record<string, string>>): string =>
  Object.entries(query)
    .map(([k, v]) => (v === "" ? uriEncode(k) : `${uriEncode(k)}=${uriEncode(v)}`))
    .join("&")

/** Path-style URL of an object (`/` kept in the key) or of the bucket. */
export const urlOf = (
  server: LocalOssServer,
  key: string | undefined,
  query: Readonly<Record<string, string>> = {},
  bucketName = bucket
): string => {
  const qs = queryString(query)
  return `${server.url}/${bucketName}/${key === undefined ? "" : uriEncode(key, true)}${qs === "" ? "" : `?${qs}`}`
}

export interface SignedRequest {
  readonly method: string
  readonly key?: string
  readonly query?: Readonly<Record<string, string>>
  readonly headers?: Readonly<Record<string, string>>
  readonly body?: Uint8Array<ArrayBuffer> | string
}

export interface SigningOptions {
  readonly version: "v1" | "v4"
  readonly secret?: string
  readonly accessKeyId?: string
  readonly dateMs?: number
  readonly securityToken?: string
  readonly region?: string
}

/** Sends a request signed like an SDK would; `key` absent for bucket-level requests. */
export const signedFetch = async (
  server: LocalOssServer,
  request: SignedRequest,
  signing: SigningOptions
): Promise<Response> => {
  const credentials = OssCredentials.make({
    accessKeyId: signing.accessKeyId ?? accessKeyId,
    accessKeySecret: signing.secret ?? accessKeySecret,
    securityToken: signing.securityToken
  })
  const query = request.query ?? {}
  const headers = request.headers ?? {}
  const toSign = {
    method: request.method,
    bucket,
    ...(request.key === undefined ? {} : { key: request.key }),
    query,
    headers,
    date: signing.dateMs ?? Date.now()
  }
  const added = await Effect.runPromise(
    signing.version === "v1"
      ? SignatureV1.sign(toSign, credentials)
      : SignatureV4.sign(toSign, credentials, { region: signing.region ?? "cn-hangzhou" })
  )
  return fetch(urlOf(server, request.key, query), {
    method: request.method,
    headers: { ...headers, ...added },
    ...(request.body === undefined ? {} : { body: request.body })
  })
}

export interface RawResponse {
  readonly status: number
  readonly headers: Readonly<Record<string, string | Array<string> | undefined>>
  readonly body: string
}

/** A request exactly as given: raw path, any Host, optional body without a declared length (chunked). */
export const rawRequest = (
  server: LocalOssServer,
  options: {
    readonly method: string
    readonly path: string
    readonly headers?: Readonly<Record<string, string>>
    readonly body?: Uint8Array<ArrayBuffer> | string
    readonly chunked?: boolean
  }
): Promise<RawResponse> =>
  new Promise((resolve, reject) => {
    const req = httpRequest(
      { host: server.host, port: server.port, method: options.method, path: options.path, headers: options.headers },
      (res) => {
        const chunks: Array<Buffer> = []
        res.on("data", (chunk: Buffer) => chunks.push(chunk))
        res.on("end", () =>
          resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks).toString("utf8") })
        )
        res.on("error", reject)
      }
    )
    req.on("error", reject)
    if (options.chunked === true && options.body !== undefined) {
      req.write(options.body)
      req.end()
    } else req.end(options.body)
  })

/** The text of the first `<name>` element, XML entities decoded enough for tests. */
export const xmlField = (xml: string, name: string): string | undefined => {
  const match = new RegExp(`<${name}>([\\s\\S]*?)</${name}>`).exec(xml)
  return match?.[1]
    ?.replace(/&quot;/g, '"')
    .replace(/&lt;/g, "<")
    .replace(/&gt;/g, ">")
    .replace(/&amp;/g, "&")
}

/** Every `<name>` text in document order. */
export const xmlFields = (xml: string, name: string): Array<string> =>
  [...xml.matchAll(new RegExp(`<${name}>([\\s\\S]*?)</${name}>`, "g"))].map((m) => m[1] ?? "")

/** Deterministic bytes. */
export const bytesOf = (sizeBytes: number, seed: number): Uint8Array<ArrayBuffer> =>
  Uint8Array.from({ length: sizeBytes }, (_, i) => (i * 31 + seed * 17) & 0xff)

/** Initiates an upload on an anonymous server; returns its id. */
export const initiate = async (server: LocalOssServer, key: string): Promise<string> => {
  const response = await fetch(urlOf(server, key, { uploads: "" }), { method: "POST" })
  const uploadId = xmlField(await response.text(), "UploadId")
  if (response.status !== 200 || uploadId === undefined) throw new Error(`initiate failed: ${response.status}`)
  return uploadId
}

/** Uploads one part; returns the response. */
export const putPart = (
  server: LocalOssServer,
  key: string,
  uploadId: string,
  partNumber: number,
  body: Uint8Array<ArrayBuffer> | string,
  headers: Readonly<Record<string, string>> = {}
): Promise<Response> =>
  fetch(urlOf(server, key, { partNumber: String(partNumber), uploadId }), { method: "PUT", body, headers })

/** A Complete body in ali-oss's layout. */
export const completeBody = (parts: ReadonlyArray<{ readonly partNumber: number; readonly etag: string }>): string =>
  `<?xml version="1.0" encoding="UTF-8"?>\n<CompleteMultipartUpload>\n${parts
    .map((p) => `<Part>\n<PartNumber>${p.partNumber}</PartNumber>\n<ETag>${p.etag}</ETag>\n</Part>\n`)
    .join("")}</CompleteMultipartUpload>`
