/**
 * SigV4-signed `fetch` from Node, with the project's own signer (adapters/s3/S3SignatureV4.ts): the tests read the
 * uploaded object back through it, byte for byte, and set up (and tear down) the RGW bucket and its CORS rules.
 * The body, when there is one, is signed (its SHA-256 in `x-amz-content-sha256`) and goes with its `Content-MD5`,
 * which S3 requires for PutBucketCors.
 */
import { createHash } from "node:crypto"
import * as Effect from "effect/Effect"
import { uriEncode } from "../../adapters/http/UriEncoding.ts"
import * as S3Credentials from "../../adapters/s3/S3Credentials.ts"
import { encodePath, sign, unsignedPayload } from "../../adapters/s3/S3SignatureV4.ts"

const requestTimeoutMs = 15_000

export interface SignedRequest {
  readonly method: "GET" | "PUT" | "DELETE"
  /** `/bucket` or `/bucket/key` (path-style), not encoded. */
  readonly path: string
  readonly query?: Readonly<Record<string, string>>
  readonly body?: string
}

export interface S3Access {
  readonly origin: string
  readonly region: string
  readonly accessKeyId: string
  readonly secretAccessKey: string
}

/** Sends `request` to `access.origin`, signed with `access`'s keys. */
export const signedFetch = async (access: S3Access, request: SignedRequest): Promise<Response> => {
  const query = request.query ?? {}
  const body = request.body === undefined ? undefined : new TextEncoder().encode(request.body)
  const bodyHeaders: Record<string, string> =
    body === undefined ? {} : { "content-md5": createHash("md5").update(body).digest("base64") }
  const host = new URL(access.origin).host
  const signed = await Effect.runPromise(
    sign(
      { method: request.method, path: request.path, query, headers: { ...bodyHeaders, host }, date: Date.now() },
      S3Credentials.make({ accessKeyId: access.accessKeyId, secretAccessKey: access.secretAccessKey }),
      {
        region: access.region,
        payload: body === undefined ? unsignedPayload : { sha256Hex: createHash("sha256").update(body).digest("hex") }
      }
    )
  )
  const search = Object.entries(query)
    .map(([k, v]) => (v === "" ? uriEncode(k) : `${uriEncode(k)}=${uriEncode(v)}`))
    .join("&")
  const url = `${access.origin}${encodePath(request.path)}${search === "" ? "" : `?${search}`}`
  return fetch(url, {
    method: request.method,
    // A store that stops answering fails the request with a clear error rather than the test by its timeout.
    signal: AbortSignal.timeout(requestTimeoutMs),
    headers: { ...bodyHeaders, ...signed },
    ...(body === undefined ? {} : { body })
  })
}

/** GETs an object and returns its bytes; any status but 200 is an error carrying the S3 error body. */
export const getObjectBytes = async (access: S3Access, bucket: string, key: string): Promise<Uint8Array> => {
  const response = await signedFetch(access, { method: "GET", path: `/${bucket}/${key}` })
  const bytes = new Uint8Array(await response.arrayBuffer())
  if (response.status !== 200) {
    throw new Error(`GET /${bucket}/${key}: ${response.status} ${new TextDecoder().decode(bytes).slice(0, 500)}`)
  }
  return bytes
}
