/**
 * Reads a page's JSON into a {@link SignRequest}, or says which field is wrong: the endpoint faces the internet, so
 * every field is checked for type and size before the policy or a signer sees it, and nothing unexpected passes.
 *
 * @since 0.2.0
 */
import type { Operation } from "@resumable-upload/core/ports/ObjectStore"
import type { SignRequest } from "@resumable-upload/http/SignWire"
import { operations } from "./SignOperations.ts"

/** Longest key (S3 and OSS: 1024 bytes) and bucket name accepted. @category constants */
export const maxKeyLength = 1024
const maxBucketLength = 63
const maxEntries = 16
const maxValueLength = 2048

/** A request that is not a SignRequest: the message names the field and what it must be. @category errors */
export class BadSignRequest extends Error {
  override readonly name = "BadSignRequest"
}

const bad = (message: string): never => {
  throw new BadSignRequest(message)
}

const text = (value: unknown, name: string, maxLength: number): string =>
  typeof value === "string" && value.length >= 1 && value.length <= maxLength
    ? value
    : bad(`${name} must be a string of 1 … ${maxLength} characters`)

const integer = (value: unknown, name: string, min: number): number =>
  typeof value === "number" && Number.isSafeInteger(value) && value >= min
    ? value
    : bad(`${name} must be an integer ≥ ${min}`)

const entries = (value: unknown, name: string): Readonly<Record<string, string>> => {
  if (typeof value !== "object" || value === null || Array.isArray(value)) return bad(`${name} must be an object`)
  const list = Object.entries(value)
  if (list.length > maxEntries) bad(`${name} has more than ${maxEntries} entries`)
  for (const [k, v] of list) {
    if (typeof v !== "string" || v.length > maxValueLength) bad(`${name}.${k} must be a string ≤ ${maxValueLength}`)
  }
  return Object.fromEntries(list.map(([k, v]) => [k.toLowerCase() === k ? k : bad(`${name}.${k}: lowercase`), v]))
}

/** Decodes parsed JSON; throws {@link BadSignRequest} naming the first bad field. @category utils */
export const decodeSignRequest = (json: unknown): SignRequest => {
  if (typeof json !== "object" || json === null) return bad("the body must be a JSON object")
  const input = json as Record<string, unknown>
  const operation = input.operation
  if (typeof operation !== "string" || !/^[A-Za-z]{1,40}$/.test(operation)) {
    return bad(`operation must be one of ${Object.keys(operations).join(", ")}`)
  }
  // An operation that is not signable decodes, so that the policy refuses it by name (403, rule `operation`).
  const shape = operations[operation as Operation] ?? { needsUploadId: false, needsPartNumber: false, needsSize: false }
  const request: { -readonly [K in keyof SignRequest]: SignRequest[K] } = {
    operation: operation as Operation,
    bucket: text(input.bucket, "bucket", maxBucketLength),
    key: text(input.key, "key", maxKeyLength)
  }
  if (shape.needsUploadId || input.uploadId !== undefined) {
    request.uploadId = text(input.uploadId, "uploadId", maxValueLength)
  }
  if (shape.needsPartNumber || input.partNumber !== undefined) {
    request.partNumber = integer(input.partNumber, "partNumber", 1)
  }
  if (shape.needsSize || input.sizeBytes !== undefined) request.sizeBytes = integer(input.sizeBytes, "sizeBytes", 0)
  if (input.contentMd5 !== undefined) {
    const md5 = text(input.contentMd5, "contentMd5", 24)
    request.contentMd5 = /^[A-Za-z0-9+/]{22}==$/.test(md5) ? md5 : bad("contentMd5 must be a base64 MD5 digest")
  }
  if (input.contentType !== undefined) request.contentType = text(input.contentType, "contentType", 256)
  if (input.expiresInSeconds !== undefined) {
    request.expiresInSeconds = integer(input.expiresInSeconds, "expiresInSeconds", 1)
  }
  if (input.query !== undefined) request.query = entries(input.query, "query")
  if (input.headers !== undefined) request.headers = entries(input.headers, "headers")
  return request
}
