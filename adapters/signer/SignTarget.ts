/**
 * The request a signing endpoint presigns, once the policy allowed it: method, bucket, key, decoded query, the
 * headers to sign (lowercase) and the credentials, dialect-neutral. {@link ./S3Presign.ts} and
 * {@link ./OssPresign.ts} turn it into a URL.
 *
 * @since 0.2.0
 */
import type { SignAnswer, SignRequest } from "@resumable-upload/http/SignWire"
import { operations } from "./SignOperations.ts"

/** Plain keys as the endpoint holds them (never sent to the page). @category models */
export interface SigningKeys {
  readonly accessKeyId: string
  readonly secretAccessKey: string
  readonly sessionToken?: string
}

/** @category models */
export interface SignTarget {
  readonly method: SignAnswer["method"]
  readonly bucket: string
  readonly key: string
  readonly query: Readonly<Record<string, string>>
  /** Signed; the page must send them (plus `content-length`, which the browser writes itself). */
  readonly headers: Readonly<Record<string, string>>
  readonly dateMs: number
  readonly expiresInSeconds: number
}

/** A presigned URL for a target. @category models */
export type Presign = (target: SignTarget, keys: SigningKeys) => Promise<string>

/** The target of an allowed request; `expiresInSeconds` already bounded by the policy. @category constructors */
export const targetOf = (request: SignRequest, dateMs: number, expiresInSeconds: number): SignTarget => {
  const shape = operations[request.operation]
  if (shape === undefined) throw new Error(`BUG: ${request.operation} passed the policy but is not signable`)
  const query: Record<string, string> = { ...request.query, ...shape.fixedQuery }
  if (request.partNumber !== undefined) query.partNumber = String(request.partNumber)
  if (request.uploadId !== undefined) query.uploadId = request.uploadId
  const headers: Record<string, string> = { ...request.headers }
  if (request.contentMd5 !== undefined) headers["content-md5"] = request.contentMd5
  if (request.contentType !== undefined) headers["content-type"] = request.contentType
  // Signed so the URL carries exactly the declared body; `fetch` writes this header from the body it sends.
  if (shape.needsSize && request.sizeBytes !== undefined) headers["content-length"] = String(request.sizeBytes)
  return { method: shape.method, bucket: request.bucket, key: request.key, query, headers, dateMs, expiresInSeconds }
}

/** The headers the page sets itself: the signed ones but `content-length` (browsers refuse to set it). @category utils */
export const pageHeaders = (target: SignTarget): Record<string, string> =>
  Object.fromEntries(Object.entries(target.headers).filter(([name]) => name !== "content-length"))
