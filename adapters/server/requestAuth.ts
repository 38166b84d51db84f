/**
 * Who may talk to the local OSS server: clock skew first (protocol.md §6, so a client with a wrong clock learns the
 * server's time even when its signature is fine), then the V1 or V4 header signature (§3.1, §3.2) against the
 * configured credentials. An STS `x-oss-security-token` is accepted as is: it is an `x-oss-*` header, so it is covered
 * by the signature, and the pair it came with must be a configured one.
 *
 * With `credentials: "anonymous"` nothing is checked at all: the embedded default for tests and demos.
 *
 * @since 0.1.0
 */

import * as SignatureV1 from "@resumable-upload/oss/OssSignatureV1"
import * as SignatureV4 from "@resumable-upload/oss/OssSignatureV4"
import { type OssReceivedRequest, requestTimeMs } from "@resumable-upload/oss/OssSigning"
import type { ModelError } from "@resumable-upload/sim/MultipartModel"
import * as Effect from "effect/Effect"
import * as Redacted from "effect/Redacted"
import { errorOfVerify } from "./authErrors.ts"
import { presignedKind, verifyPresigned } from "./presignedAuth.ts"
import * as ServerErrors from "./serverErrors.ts"

/** @category models */
export interface AuthConfig {
  readonly credentials: ReadonlyMap<string, string> | "anonymous"
  readonly region: string
  readonly clockSkewMaxMs: number
}

/** The verifiers' secret lookup over the configured key pairs, shared by both dialects. @category utils */
export const secretLookup =
  (credentials: ReadonlyMap<string, string>) =>
  (accessKeyId: string): Effect.Effect<Redacted.Redacted<string> | undefined> =>
    Effect.sync(() => {
      const secret = credentials.get(accessKeyId)
      return secret === undefined ? undefined : Redacted.make(secret)
    })

/** `undefined` when the request may proceed, else the error to answer with. Rejects only on defects. @category utils */
export const authenticate = async (
  request: OssReceivedRequest,
  config: AuthConfig,
  nowMs: number
): Promise<ModelError | undefined> => {
  const { credentials } = config
  if (credentials === "anonymous") return undefined
  const lookupSecret = secretLookup(credentials)
  const presigned = presignedKind(request.query)
  if (presigned !== undefined) return verifyPresigned(presigned, request, lookupSecret, config.region, nowMs)

  const authorization = request.headers.authorization
  if (authorization === undefined) {
    return ServerErrors.accessDenied("You have no right to access this object because of bucket acl.")
  }
  const requestMs = requestTimeMs(request)
  if (requestMs !== undefined && Math.abs(requestMs - nowMs) > config.clockSkewMaxMs) {
    return ServerErrors.requestTimeTooSkewed(requestMs, nowMs, config.clockSkewMaxMs)
  }
  const verify = authorization.trimStart().startsWith("OSS4-HMAC-SHA256")
    ? SignatureV4.verify(request, lookupSecret, { region: config.region })
    : SignatureV1.verify(request, lookupSecret)
  return Effect.runPromise(
    Effect.match(verify, { onFailure: errorOfVerify, onSuccess: (): ModelError | undefined => undefined })
  )
}
