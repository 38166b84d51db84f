/**
 * Valid signatures for raw requests, made with the project's own signers (OSS V1 and V4 in adapters/oss, SigV4 in
 * adapters/s3), header auth or presigned, so the hostile-input test can send a correctly signed request, or one
 * that was correct and then tampered with. Paths are path-style, `/bucket/key`, the key encoded as the adapters do.
 */
import { createHash } from "node:crypto"
import * as Effect from "effect/Effect"
import { uriEncode } from "../../adapters/http/UriEncoding.ts"
import * as OssCredentials from "../../adapters/oss/OssCredentials.ts"
import * as OssV1 from "../../adapters/oss/OssSignatureV1.ts"
import * as OssV4 from "../../adapters/oss/OssSignatureV4.ts"
import * as S3Credentials from "../../adapters/s3/S3Credentials.ts"
import * as SigV4 from "../../adapters/s3/S3SignatureV4.ts"

export type Auth = "ossV1" | "ossV4" | "sigV4"
export const auths: ReadonlyArray<Auth> = ["ossV1", "ossV4", "sigV4"]

export const keyId = "hostile-ak"
export const keySecret = "hostile-secret-0123456789"

export interface Unsigned {
  readonly method: string
  readonly bucket: string
  readonly key?: string
  readonly query: Readonly<Record<string, string>>
  /** Lowercase names. */
  readonly headers: Readonly<Record<string, string>>
  readonly body: Buffer
}

export interface SigningOptions {
  readonly host: string
  readonly dateMs?: number
  readonly secret?: string
}

const ossCredentials = (secret: string) => OssCredentials.make({ accessKeyId: keyId, accessKeySecret: secret })
const s3Credentials = (secret: string) => S3Credentials.make({ accessKeyId: keyId, secretAccessKey: secret })
const s3Path = (r: Unsigned) => `/${r.bucket}/${r.key ?? ""}`
const ossRequest = (r: Unsigned, dateMs: number) => ({
  method: r.method,
  bucket: r.bucket,
  ...(r.key === undefined ? {} : { key: r.key }),
  query: r.query,
  headers: r.headers,
  date: dateMs
})

/** Headers to add for header auth (`authorization`, the date, the payload hash for SigV4). */
export const signHeaders = (auth: Auth, r: Unsigned, o: SigningOptions): Promise<Record<string, string>> => {
  const dateMs = o.dateMs ?? Date.now()
  const secret = o.secret ?? keySecret
  if (auth === "ossV1") return Effect.runPromise(OssV1.sign(ossRequest(r, dateMs), ossCredentials(secret)))
  if (auth === "ossV4") {
    return Effect.runPromise(OssV4.sign(ossRequest(r, dateMs), ossCredentials(secret), { region: "cn-hangzhou" }))
  }
  const sha256Hex = createHash("sha256").update(r.body).digest("hex")
  return Effect.runPromise(
    SigV4.sign(
      { method: r.method, path: s3Path(r), query: r.query, headers: { ...r.headers, host: o.host }, date: dateMs },
      s3Credentials(secret),
      { region: "us-east-1", payload: { sha256Hex } }
    )
  )
}

/** Query parameters to add for a presigned URL valid `expiresInSeconds` after `dateMs`. */
export const presignQuery = (
  auth: Auth,
  r: Unsigned,
  o: SigningOptions & { readonly expiresInSeconds: number }
): Promise<Record<string, string>> => {
  const dateMs = o.dateMs ?? Date.now()
  const secret = o.secret ?? keySecret
  const expiresInSeconds = o.expiresInSeconds
  if (auth === "ossV1") {
    return Effect.runPromise(OssV1.presign(ossRequest(r, dateMs), ossCredentials(secret), { expiresInSeconds }))
  }
  if (auth === "ossV4") {
    return Effect.runPromise(
      OssV4.presign(ossRequest(r, dateMs), ossCredentials(secret), { region: "cn-hangzhou", expiresInSeconds })
    )
  }
  return Effect.runPromise(
    SigV4.presign(
      { method: r.method, path: s3Path(r), query: r.query, headers: { host: o.host }, date: dateMs },
      s3Credentials(secret),
      { region: "us-east-1", expiresInSeconds }
    )
  )
}

/** `/bucket/key?query`, RFC 3986 encoded as the adapters send it (`/` kept in the key). */
export const pathOf = (bucket: string, key: string | undefined, query: Readonly<Record<string, string>>): string => {
  const qs = Object.entries(query)
    .map(([k, v]) => (v === "" ? uriEncode(k) : `${uriEncode(k)}=${uriEncode(v)}`))
    .join("&")
  return `/${bucket}/${key === undefined ? "" : uriEncode(key, true)}${qs === "" ? "" : `?${qs}`}`
}
