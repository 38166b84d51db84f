/**
 * Turns an OSS (or S3) error response into the port's {@link ObjectStoreError}: code, message, request id and EC
 * from the `<Error>` body, falling back to headers and finally to the HTTP status (protocol.md §1.0).
 *
 * Where the body comes from, in order: the response body; for a HEAD (whose body is always empty) the base64
 * `x-oss-err` header, as GOv2 reads it; else nothing, and the code is derived from the status (404 → `NoSuchKey`,
 * …). It is total: any status, headers and body text give an error value, never a throw.
 *
 * @since 0.1.0
 */
import type { Operation } from "@resumable-upload/core/ports/ObjectStore"
import {
  codeFromStatus,
  type ErrorMapping,
  fallbackMessage,
  type ResponseHeaders,
  remoteError
} from "@resumable-upload/http/RemoteErrors"
import { type ErrorBody, errorBodyIn } from "@resumable-upload/http/XmlErrorBody"

const headerOf = (headers: ResponseHeaders, name: string): string | undefined => {
  for (const [key, value] of Object.entries(headers)) {
    if (key.toLowerCase() === name && typeof value === "string" && value !== "") return value
  }
  return undefined
}

/** Base64 → UTF-8 text; `undefined` for anything that is not base64. */
const fromBase64 = (encoded: string): string | undefined => {
  try {
    const binary = atob(encoded.trim())
    return new TextDecoder().decode(Uint8Array.from(binary, (char) => char.charCodeAt(0)))
  } catch {
    return undefined
  }
}

/**
 * The parsed `<Error>` of a response, from the body or (empty body) the `x-oss-err` header; `undefined` when
 * neither holds one. Exposed for callers that need an extra such as `ServerTime`.
 *
 * @category decoding
 */
export const errorBodyOf = (
  operation: Operation,
  headers: ResponseHeaders,
  bodyText: string
): ErrorBody | undefined => {
  const fromHeader = bodyText.trim() === "" ? headerOf(headers, "x-oss-err") : undefined
  return errorBodyIn(operation, fromHeader === undefined ? bodyText : fromBase64(fromHeader))
}

/**
 * The port error for a non-success response.
 *
 * @category errors
 */
export const toObjectStoreError: ErrorMapping = (operation, status, headers, bodyText) => {
  const body = errorBodyOf(operation, headers, bodyText)
  const code = body?.code || codeFromStatus(operation, status)
  const requestId = body?.requestId || headerOf(headers, "x-oss-request-id") || headerOf(headers, "x-amz-request-id")
  const ec = headerOf(headers, "x-oss-ec") || body?.ec || undefined
  const message = body?.message || fallbackMessage(operation, status, code, bodyText, body !== undefined)
  return remoteError({ operation, status, code, message, requestId, ec })
}
