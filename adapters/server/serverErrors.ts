/**
 * The protocol errors the local OSS server raises itself, beside the ones the multipart model returns.
 *
 * They share the model's {@link ModelError} shape (status, code, message, extra elements of the `<Error>` body), so
 * one writer turns any refusal into an OSS error response. Codes and statuses follow
 * /work/shared/docs/protocol.md §1.7, §3 and §6; where OSS is undocumented (411, 413-ish limits) the S3 code is used.
 *
 * @since 0.1.0
 */
import type { ModelError } from "@resumable-upload/sim/MultipartModel"

/** @category errors */
export const accessDenied = (message: string): ModelError => ({ status: 403, code: "AccessDenied", message })

/** @category errors */
export const invalidAccessKeyId = (accessKeyId: string): ModelError => ({
  status: 403,
  code: "InvalidAccessKeyId",
  message: "The OSS Access Key Id you provided does not exist in our records.",
  extra: { OSSAccessKeyId: accessKeyId }
})

/** `extra` carries `StringToSign` and friends so a client can diff its own string-to-sign. @category errors */
export const signatureDoesNotMatch = (extra: Readonly<Record<string, string>>): ModelError => ({
  status: 403,
  code: "SignatureDoesNotMatch",
  message:
    "The request signature we calculated does not match the signature you provided. Check your key and signing method.",
  extra
})

/** §6: ali-oss and GOv2 read `ServerTime` (and the response `Date`) to correct their clocks. @category errors */
export const requestTimeTooSkewed = (requestTimeMs: number, serverTimeMs: number, maxSkewMs: number): ModelError => ({
  status: 403,
  code: "RequestTimeTooSkewed",
  message: "The difference between the request time and the current time is too large.",
  extra: {
    RequestTime: new Date(requestTimeMs).toISOString(),
    ServerTime: new Date(serverTimeMs).toISOString(),
    MaxAllowedSkewMilliseconds: String(maxSkewMs)
  }
})

/** @category errors */
export const missingContentLength = (): ModelError => ({
  status: 411,
  code: "MissingContentLength",
  message: "You must provide the Content-Length HTTP header."
})

/** A body over the server's configured cap (below the dialect's 5 GB part limit). @category errors */
export const entityTooLarge = (sizeBytes: number | undefined, maxBytes: number): ModelError => ({
  status: 400,
  code: "EntityTooLarge",
  message: "Your proposed upload exceeds the maximum allowed size.",
  extra: { ...(sizeBytes === undefined ? {} : { ProposedSize: String(sizeBytes) }), MaxSizeAllowed: String(maxBytes) }
})

/** A Complete body over the XML cap: OSS answers MalformedXML for bodies it refuses to parse. @category errors */
export const xmlTooLarge = (maxBytes: number): ModelError => ({
  status: 400,
  code: "MalformedXML",
  message: `The XML you provided was larger than the ${maxBytes} bytes this server accepts.`
})

/** @category errors */
export const invalidArgument = (name: string, value: string, message: string): ModelError => ({
  status: 400,
  code: "InvalidArgument",
  message,
  extra: { ArgumentName: name, ArgumentValue: value }
})

/** @category errors */
export const invalidBucketName = (bucket: string): ModelError => ({
  status: 400,
  code: "InvalidBucketName",
  message: "The specified bucket is not valid.",
  extra: { BucketName: bucket }
})

/** @category errors */
export const invalidObjectName = (reason: string): ModelError => ({
  status: 400,
  code: "InvalidObjectName",
  message: `The specified object is not valid: ${reason}.`
})

/** A path or query that is not valid percent-encoded UTF-8. @category errors */
export const invalidUri = (): ModelError => ({
  status: 400,
  code: "InvalidURI",
  message: "Couldn't parse the specified URI."
})

/** @category errors */
export const noSuchKey = (key: string): ModelError => ({
  status: 404,
  code: "NoSuchKey",
  message: "The specified key does not exist.",
  extra: { Key: key }
})

/** @category errors */
export const fileAlreadyExists = (): ModelError => ({
  status: 409,
  code: "FileAlreadyExists",
  message: "The object you specified already exists and can not be overwritten."
})

/** @category errors */
export const invalidRange = (sizeBytes: number): ModelError => ({
  status: 416,
  code: "InvalidRange",
  message: "The requested range cannot be satisfied.",
  extra: { ActualObjectSize: String(sizeBytes) }
})

/** @category errors */
export const methodNotAllowed = (method: string): ModelError => ({
  status: 405,
  code: "MethodNotAllowed",
  message: "The specified method is not allowed against this resource.",
  extra: { Method: method }
})

/** An operation the stores have but this server does not serve (bucket ACLs, versioning, …). @category errors */
export const notImplemented = (what: string): ModelError => ({
  status: 501,
  code: "NotImplemented",
  // Both dialects answer with it, so it names neither store.
  message: `This local server does not implement ${what}.`
})

/** @category errors */
export const noSuchBucket = (bucket: string): ModelError => ({
  status: 404,
  code: "NoSuchBucket",
  message: "The specified bucket does not exist.",
  extra: { BucketName: bucket }
})

/** @category errors */
export const bucketNotEmpty = (bucket: string): ModelError => ({
  status: 409,
  code: "BucketNotEmpty",
  message: "The bucket you tried to delete is not empty: delete its objects and abort its multipart uploads first.",
  extra: { BucketName: bucket }
})

/** Too many request bytes in flight at once; a well-behaved client backs off and retries. @category errors */
export const serverBusy = (): ModelError => ({
  status: 503,
  code: "ServiceUnavailable",
  message: "Too many request bytes in flight; please retry."
})

/** Anything unexpected; the message never carries a stack or a file path. @category errors */
export const internalError = (): ModelError => ({
  status: 500,
  code: "InternalError",
  message: "We encountered an internal error. Please try again."
})

/** @category errors */
export const callbackFailed = (message: string): ModelError => ({ status: 203, code: "CallbackFailed", message })
