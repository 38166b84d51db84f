/**
 * The S3-only protocol errors of the local server's S3 dialect (the shared ones live in serverErrors.ts and the
 * model): signature and payload-hash failures, additional-checksum failures, and aws-chunked framing. Codes, statuses
 * and extra elements as AWS documents them ("Error responses", "Checking object integrity").
 *
 * @since 0.1.0
 */
import type { ModelError } from "@resumable-upload/sim/MultipartModel"

/** @category errors */
export const invalidAccessKeyId = (accessKeyId: string): ModelError => ({
  status: 403,
  code: "InvalidAccessKeyId",
  message: "The AWS Access Key Id you provided does not exist in our records.",
  extra: { AWSAccessKeyId: accessKeyId }
})

/** @category errors */
export const authorizationMalformed = (presigned: boolean, reason: string): ModelError =>
  presigned
    ? { status: 400, code: "AuthorizationQueryParametersError", message: reason }
    : { status: 400, code: "AuthorizationHeaderMalformed", message: `The authorization header is malformed; ${reason}` }

/** SigV2 and anything else that is not SigV4. @category errors */
export const unsupportedAuthorization = (): ModelError => ({
  status: 400,
  code: "InvalidRequest",
  message: "The authorization mechanism you have provided is not supported. Please use AWS4-HMAC-SHA256."
})

/** @category errors */
export const missingRequestTime = (): ModelError => ({
  status: 403,
  code: "AccessDenied",
  message: "AWS authentication requires a valid Date or x-amz-date header"
})

/** @category errors */
export const requestExpired = (expiredAtMs: number, serverTimeMs: number): ModelError => ({
  status: 403,
  code: "AccessDenied",
  message: "Request has expired",
  extra: { Expires: new Date(expiredAtMs).toISOString(), ServerTime: new Date(serverTimeMs).toISOString() }
})

/** @category errors */
export const contentSha256Mismatch = (claimedHex: string, computedHex: string): ModelError => ({
  status: 400,
  code: "XAmzContentSHA256Mismatch",
  message:
    "The provided 'x-amz-content-sha256' header does not match what was computed: sign the SHA-256 (lowercase hex) of the exact body sent, or UNSIGNED-PAYLOAD.",
  extra: { ClientComputedContentSHA256: claimedHex, S3ComputedContentSHA256: computedHex }
})

/** @category errors */
export const invalidContentSha256 = (value: string): ModelError => ({
  status: 400,
  code: "InvalidArgument",
  message:
    "x-amz-content-sha256 must be UNSIGNED-PAYLOAD, STREAMING-UNSIGNED-PAYLOAD-TRAILER or the body's SHA-256 in lowercase hex: send one of those.",
  extra: { ArgumentName: "x-amz-content-sha256", ArgumentValue: value }
})

/** aws-chunked with per-chunk signatures: not decoded by this server (unsigned-trailer chunking is). @category errors */
export const signedChunksNotImplemented = (value: string): ModelError => ({
  status: 501,
  code: "NotImplemented",
  message: `This local server does not implement ${value} (aws-chunked with chunk signatures); send UNSIGNED-PAYLOAD, a hex SHA-256 or STREAMING-UNSIGNED-PAYLOAD-TRAILER.`,
  extra: { Header: "x-amz-content-sha256" }
})

/** @category errors */
export const malformedChunks = (reason: string): ModelError => ({
  status: 400,
  code: "IncompleteBody",
  message: `The aws-chunked body could not be decoded: ${reason}.`
})

/** `x-amz-checksum-<algorithm>` that is not the base64 of a digest of the right length, or more than one of them. @category errors */
export const invalidChecksum = (message: string): ModelError => ({ status: 400, code: "InvalidRequest", message })

/** @category errors */
export const checksumMismatch = (algorithm: string): ModelError => ({
  status: 400,
  code: "BadDigest",
  message: `The ${algorithm.toUpperCase()} you specified did not match the calculated checksum.`
})
