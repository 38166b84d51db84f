/**
 * Who may talk to the local server in the S3 dialect: SigV4 header auth (clock skew checked first, protocol.md §6)
 * or a presigned URL (expiry checked against the server's clock), verified with the project's own SigV4 verifier
 * (adapters/s3/S3SignatureV4.ts) against the credentials the OSS dialect uses too. Any region in the credential
 * scope is accepted (as Ceph RGW does); the service must be `s3`. The payload hash is checked later, once the body
 * has arrived (s3Payload.ts). With `credentials: "anonymous"` nothing is checked.
 *
 * @since 0.1.0
 */

import { requestTimeMs } from "@resumable-upload/s3/S3Canonical"
import { type S3ReceivedRequest, type S3VerifyError, verify } from "@resumable-upload/s3/S3SignatureV4"
import type { ModelError } from "@resumable-upload/sim/MultipartModel"
import * as Clock from "effect/Clock"
import * as Effect from "effect/Effect"
import { type AuthConfig, secretLookup } from "./requestAuth.ts"
import * as S3Errors from "./s3Errors.ts"
import * as ServerErrors from "./serverErrors.ts"

/** The hex of each UTF-8 byte, space separated, as S3's `StringToSignBytes`. */
const bytesOf = (text: string): string =>
  Array.from(new TextEncoder().encode(text), (b) => b.toString(16).padStart(2, "0")).join(" ")

const errorOf = (error: S3VerifyError, presigned: boolean): ModelError => {
  switch (error._tag) {
    case "S3SignatureMismatch":
      return ServerErrors.signatureDoesNotMatch({
        AWSAccessKeyId: error.accessKeyId,
        StringToSign: error.stringToSign,
        SignatureProvided: error.signatureProvided,
        StringToSignBytes: bytesOf(error.stringToSign),
        CanonicalRequest: error.canonicalRequest,
        CanonicalRequestBytes: bytesOf(error.canonicalRequest)
      })
    case "S3UnknownAccessKey":
      return S3Errors.invalidAccessKeyId(error.accessKeyId)
    case "S3MalformedAuthorization":
      return S3Errors.authorizationMalformed(presigned, error.reason)
    case "S3RequestExpired":
      return S3Errors.requestExpired(error.expiredAtMs, error.serverTimeMs)
  }
}

/** The server's clock (tests inject one), for the verifier's expiry check. */
const fixedClock = (nowMs: number): Clock.Clock => ({
  currentTimeMillisUnsafe: () => nowMs,
  currentTimeMillis: Effect.succeed(nowMs),
  currentTimeNanosUnsafe: () => BigInt(nowMs) * 1_000_000n,
  currentTimeNanos: Effect.succeed(BigInt(nowMs) * 1_000_000n),
  monotonicTimeNanosUnsafe: () => BigInt(nowMs) * 1_000_000n,
  monotonicTimeNanos: Effect.succeed(BigInt(nowMs) * 1_000_000n),
  sleep: () => Effect.void
})

/** `undefined` when the S3 request may proceed, else the error to answer with. Rejects only on defects. @category utils */
export const authenticateS3 = async (
  request: S3ReceivedRequest,
  config: AuthConfig,
  nowMs: number
): Promise<ModelError | undefined> => {
  const { credentials } = config
  if (credentials === "anonymous") return undefined
  const presigned = request.query["X-Amz-Algorithm"] !== undefined
  const authorization = request.headers.authorization
  if (!presigned) {
    if (authorization === undefined) {
      return request.query.AWSAccessKeyId === undefined
        ? ServerErrors.accessDenied("Access Denied")
        : S3Errors.unsupportedAuthorization()
    }
    if (!authorization.trimStart().startsWith("AWS4-HMAC-SHA256")) return S3Errors.unsupportedAuthorization()
    const requestMs = requestTimeMs(request)
    if (requestMs === undefined) return S3Errors.missingRequestTime()
    if (Math.abs(requestMs - nowMs) > config.clockSkewMaxMs) {
      return ServerErrors.requestTimeTooSkewed(requestMs, nowMs, config.clockSkewMaxMs)
    }
  }
  return Effect.runPromise(
    verify(request, secretLookup(credentials), { service: "s3" }).pipe(
      Effect.match({
        onFailure: (error) => errorOf(error, presigned),
        onSuccess: (): ModelError | undefined => undefined
      }),
      Effect.provideService(Clock.Clock, fixedClock(nowMs))
    )
  )
}
