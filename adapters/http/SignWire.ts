/**
 * What a page asks a signing endpoint for, and what it gets back: the JSON both sides of `@resumable-upload/signer`
 * speak, shared here so the stores' presigned mode and the handler cannot drift apart. Dialect-neutral: the same
 * request is signed as an S3 SigV4 or an OSS V4 presigned URL, whichever store the endpoint fronts.
 *
 * The page names the operation and what it will send (MD5, content type, body size); the endpoint decides the
 * method and query from the operation and signs those headers, so a URL cannot be reused for another body.
 *
 * @since 0.2.0
 */
import type { Operation } from "@resumable-upload/core/ports/ObjectStore"

/** A request to sign. @category models */
export interface SignRequest {
  readonly operation: Operation
  readonly bucket: string
  readonly key: string
  readonly uploadId?: string
  readonly partNumber?: number
  /** Base64 MD5 of the body, signed (the store rejects another body). */
  readonly contentMd5?: string
  /**
   * Signed. OSS V4 signs `content-type` whenever one is sent, and `fetch` labels a string body `text/plain`, so a
   * page sending a string (the Complete XML) names its type here.
   */
  readonly contentType?: string
  /** Body size; required for PutObject and UploadPart (signed as `content-length`). */
  readonly sizeBytes?: number
  /** Other query parameters the operation allows (`max-parts`, `part-number-marker`). */
  readonly query?: Readonly<Record<string, string>>
  /** Other headers to sign (`x-amz-checksum-*`, `x-oss-forbid-overwrite`, metadata); lowercase names. */
  readonly headers?: Readonly<Record<string, string>>
  /** How long the URL should live; the endpoint's policy bounds it. */
  readonly expiresInSeconds?: number
}

/** A signed request: send `method` to `url` with exactly `headers` (the browser adds `host`, `content-length`). @category models */
export interface SignAnswer {
  readonly url: string
  readonly method: "GET" | "PUT" | "POST" | "DELETE" | "HEAD"
  readonly headers: Readonly<Record<string, string>>
  readonly expiresAtMs: number
}

/** Which policy rule refused a request (the 403 body's `rule`). @category models */
export type SignRule =
  | "authorize"
  | "operation"
  | "bucket"
  | "keyPrefix"
  | "maxObjectSize"
  | "contentType"
  | "expiry"
  | "header"
  | "query"

/** The endpoint's refusal (403, rule broken) or rejection of malformed input (400). @category models */
export interface SignRefusal {
  readonly error: "PolicyRefused" | "BadSignRequest"
  readonly rule?: SignRule
  readonly message: string
}

/** The JSON answered for one HTTP status. @category models */
export type SignResponseBody = SignAnswer | SignRefusal
