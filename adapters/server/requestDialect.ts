/**
 * Which dialect a request speaks, and so which dialect answers it: the signature decides (SigV4 header or presigned
 * query → S3; an `OSS` / `OSS4-HMAC-SHA256` header or an OSS presigned query → OSS), and an unsigned request gets the
 * listener's default. Decided from the raw request before anything else, so even an address or parse error is
 * answered in the client's own dialect.
 *
 * @since 0.1.0
 */
import type { Dialect } from "@resumable-upload/core/Limits"

// Query parameters that mark a presigned URL of each dialect (SigV2's `AWSAccessKeyId` is S3, refused later).
const s3QueryMarks = ["X-Amz-Algorithm", "X-Amz-Signature", "AWSAccessKeyId"]
const ossQueryMarks = ["x-oss-signature", "x-oss-signature-version", "OSSAccessKeyId"]

/** The names of a raw query string's parameters, tolerating bad escapes (detection only, nothing is decoded). */
const parameterNames = (rawUrl: string): ReadonlySet<string> => {
  const mark = rawUrl.indexOf("?")
  if (mark === -1) return new Set()
  return new Set(new URLSearchParams(rawUrl.slice(mark + 1)).keys())
}

/**
 * The dialect of one request. `authorization` is the raw header; `AWS ` (SigV2) counts as S3 so that its refusal is
 * an S3 error.
 *
 * @category utils
 */
export const requestDialect = (authorization: string | undefined, rawUrl: string, fallback: Dialect): Dialect => {
  const scheme = authorization?.trimStart() ?? ""
  if (scheme.startsWith("AWS4-HMAC-SHA256") || scheme.startsWith("AWS ")) return "s3"
  if (scheme.startsWith("OSS ") || scheme.startsWith("OSS4-HMAC-SHA256")) return "oss"
  const names = parameterNames(rawUrl)
  if (s3QueryMarks.some((name) => names.has(name))) return "s3"
  if (ossQueryMarks.some((name) => names.has(name))) return "oss"
  return fallback
}
