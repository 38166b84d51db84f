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
import * as Result from "effect/Result"
import { ObjectStoreError, type Operation } from "../../core/ports/ObjectStore.ts"
import { type OssErrorBody, parseErrorBody } from "./OssXmlError.ts"

/** Response headers, any case. @category models */
export type ResponseHeaders = Readonly<Record<string, string | undefined>>

const headerOf = (headers: ResponseHeaders, name: string): string | undefined => {
  for (const [key, value] of Object.entries(headers)) {
    if (key.toLowerCase() === name && typeof value === "string" && value !== "") return value
  }
  return undefined
}

const uploadScoped: ReadonlySet<Operation> = new Set([
  "UploadPart",
  "ListParts",
  "CompleteMultipartUpload",
  "AbortMultipartUpload"
])
const bucketScoped: ReadonlySet<Operation> = new Set(["InitiateMultipartUpload", "ListMultipartUploads"])

/**
 * The code a body-less error most likely carries. A 404 names what the request was about: the upload for
 * multipart calls, the bucket for bucket-level ones, else the object. Unknown statuses give `""` (no code).
 *
 * @category errors
 */
export const codeFromStatus = (operation: Operation, status: number): string => {
  switch (status) {
    case 400:
      return "BadRequest"
    case 403:
      return "AccessDenied"
    case 404:
      return uploadScoped.has(operation) ? "NoSuchUpload" : bucketScoped.has(operation) ? "NoSuchBucket" : "NoSuchKey"
    case 405:
      return "MethodNotAllowed"
    case 409:
      return "Conflict"
    case 411:
      return "MissingContentLength"
    case 412:
      return "PreconditionFailed"
    case 416:
      return "InvalidRange"
    case 429:
      return "TooManyRequests"
    case 500:
      return "InternalError"
    case 503:
      return "ServiceUnavailable"
    default:
      return ""
  }
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
): OssErrorBody | undefined => {
  const fromHeader = bodyText.trim() === "" ? headerOf(headers, "x-oss-err") : undefined
  const text = fromHeader === undefined ? bodyText : fromBase64(fromHeader)
  if (text === undefined || text.trim() === "") return undefined
  const parsed = parseErrorBody(operation, text)
  return Result.isSuccess(parsed) ? parsed.success : undefined
}

/** A short, single-line excerpt of a body that is not an error document (an HTML page from a proxy, …). */
const excerpt = (bodyText: string): string => {
  const flat = bodyText.replace(/\s+/g, " ").trim()
  return flat.length > 120 ? `${flat.slice(0, 120)}…` : flat
}

/**
 * The port error for a non-success response.
 *
 * @category errors
 */
export const toObjectStoreError = (
  operation: Operation,
  status: number,
  headers: ResponseHeaders,
  bodyText: string
): ObjectStoreError => {
  const body = errorBodyOf(operation, headers, bodyText)
  const code = body?.code || codeFromStatus(operation, status)
  const requestId = body?.requestId || headerOf(headers, "x-oss-request-id") || headerOf(headers, "x-amz-request-id")
  const ec = headerOf(headers, "x-oss-ec") || body?.ec || undefined
  const message =
    body?.message ||
    (bodyText.trim() === ""
      ? `${operation} failed: HTTP ${status}${code === "" ? "" : ` ${code}`} (no error body)`
      : `${operation} failed: HTTP ${status}${body === undefined ? `, body is not an error document: ${excerpt(bodyText)}` : ` ${code}`}`)
  return new ObjectStoreError({
    operation,
    reason: "Remote",
    status,
    code,
    message,
    ...(requestId ? { requestId } : {}),
    ...(ec ? { ec } : {})
  })
}
