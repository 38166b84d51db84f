/**
 * Turns an S3 error response into the port's {@link ObjectStoreError}: code, message and request id from the
 * `<Error>` body (`RequestId`, else the `x-amz-request-id` header), the code from the status when there is no body
 * (HEAD answers never have one), and a region hint when the store names the region it expected.
 *
 * The `<Error>` envelope is the OSS one minus OSS's `EC` and `x-oss-err`, so the XML reading is shared with the OSS
 * adapter ({@link ../http/XmlErrorBody.ts}); the headers and codes here are S3's.
 *
 * @since 0.1.0
 */
import type { Operation } from "@resumable-upload/core/ports/ObjectStore"
import { codeFromStatus, type ErrorMapping, fallbackMessage, remoteError } from "@resumable-upload/http/RemoteErrors"
import { type ErrorBody, errorBodyIn } from "@resumable-upload/http/XmlErrorBody"

/** The parsed `<Error>` of a body, `undefined` when the body is empty or not an error document. @category decoding */
export const errorBodyOf = (operation: Operation, bodyText: string): ErrorBody | undefined =>
  errorBodyIn(operation, bodyText)

// Codes S3 documents as server-side (5xx) faults; used for a `200` whose body is an `<Error>` (Complete), so that
// the engine's retry policy sees a 5xx where S3 itself would have sent one.
const serverCodes: Readonly<Record<string, number>> = {
  InternalError: 500,
  ServiceUnavailable: 503,
  SlowDown: 503
}

/** The status an `<Error>` code stands for when it came in a `200` (Complete keep-alive). @category errors */
export const statusOfCode = (code: string): number => serverCodes[code] ?? 400

const regionCodes = new Set(["AuthorizationHeaderMalformed", "PermanentRedirect", "IllegalLocationConstraintException"])

/**
 * The port error for a non-success response (or a success status with an `<Error>` body).
 *
 * @category errors
 */
export const toObjectStoreError: ErrorMapping = (operation, status, headers, bodyText) => {
  const body = errorBodyOf(operation, bodyText)
  const code = body?.code || codeFromStatus(operation, status) || (status === 301 ? "PermanentRedirect" : "")
  const requestId = body?.requestId || headers["x-amz-request-id"] || undefined
  const region = body?.extras.Region || headers["x-amz-bucket-region"]
  const hint =
    region !== undefined && region !== "" && (regionCodes.has(code) || status === 301)
      ? ` (the bucket's region is ${region}; configure that region${status === 301 ? " and its endpoint" : ""})`
      : ""
  const base = body?.message || fallbackMessage(operation, status, code, bodyText, body !== undefined)
  return remoteError({ operation, status, code, message: `${base}${hint}`, requestId })
}
