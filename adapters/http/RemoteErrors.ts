/**
 * The parts of a store's error answer that both dialects read alike (protocol.md §1.0): the shape of an error
 * mapping, the port error it builds, and what that error says when the response's `<Error>` body does not say it:
 * a code derived from the HTTP status (HEAD answers never have a body), and a message naming the operation, the
 * status and what the body was instead (nothing, or an excerpt of an HTML page from a proxy).
 *
 * @since 0.1.0
 */
import { ObjectStoreError, type Operation } from "@resumable-upload/core/ports/ObjectStore"

/** Response headers (lowercase names as Effect's HTTP client gives them; the OSS mapping accepts any case). @category models */
export type ResponseHeaders = Readonly<Record<string, string | undefined>>

/** Turns a non-success response into the port error; total: never throws. @category models */
export type ErrorMapping = (
  operation: Operation,
  status: number,
  headers: ResponseHeaders,
  bodyText: string
) => ObjectStoreError

/** A `Remote` port error; an empty or missing request id or EC is left out. @category constructors */
export const remoteError = (fields: {
  readonly operation: Operation
  readonly status: number
  readonly code: string
  readonly message: string
  readonly requestId?: string | undefined
  readonly ec?: string | undefined
}): ObjectStoreError =>
  new ObjectStoreError({
    operation: fields.operation,
    reason: "Remote",
    status: fields.status,
    code: fields.code,
    message: fields.message,
    ...(fields.requestId ? { requestId: fields.requestId } : {}),
    ...(fields.ec ? { ec: fields.ec } : {})
  })

const uploadScoped: ReadonlySet<Operation> = new Set([
  "UploadPart",
  "ListParts",
  "CompleteMultipartUpload",
  "AbortMultipartUpload"
])
const bucketScoped: ReadonlySet<Operation> = new Set([
  "InitiateMultipartUpload",
  "ListMultipartUploads",
  "ListObjects",
  "DeleteObjects"
])

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

/** A short, single-line excerpt of a body that is not an error document. */
const excerpt = (bodyText: string): string => {
  const flat = bodyText.replace(/\s+/g, " ").trim()
  return flat.length > 120 ? `${flat.slice(0, 120)}…` : flat
}

/**
 * The message of an error whose body gave none: `isErrorDocument` tells whether the body parsed as an `<Error>`
 * (one without a `<Message>`).
 *
 * @category errors
 */
export const fallbackMessage = (
  operation: Operation,
  status: number,
  code: string,
  bodyText: string,
  isErrorDocument: boolean
): string =>
  bodyText.trim() === ""
    ? `${operation} failed: HTTP ${status}${code === "" ? "" : ` ${code}`} (no error body)`
    : `${operation} failed: HTTP ${status}${isErrorDocument ? ` ${code}` : `, body is not an error document: ${excerpt(bodyText)}`}`
