/**
 * SigV4 verification for the emulator's S3 dialect: header auth (`Authorization: AWS4-HMAC-SHA256 …`) and query
 * auth (presigned URLs). It recomputes the signature with {@link ./S3Sign.ts}'s `compute` over the request as
 * received and compares in constant time.
 *
 * Signatures must be lowercase hex, as AWS compares them: an uppercase one is refused as malformed, naming the fix.
 * It does not read the body: a server that got a hex `x-amz-content-sha256` must still hash what arrived and answer
 * `XAmzContentSHA256Mismatch` itself. Any other payload value (`UNSIGNED-PAYLOAD`, `STREAMING-…`) is signed as the
 * literal it is; decoding aws-chunked bodies is the server's business. The 15-minute skew check of header auth is
 * also left to the server (`requestTimeMs`), which owns the clock offset switch of §6.
 *
 * @since 0.1.0
 */

import { constantTimeEqual } from "@resumable-upload/http/Crypto"
import { headerMap } from "@resumable-upload/http/HeaderMap"
import * as Clock from "effect/Clock"
import * as Effect from "effect/Effect"
import { algorithm, maxPresignSeconds, parseAmzDate, scope, unsignedPayload } from "./S3Canonical.ts"
import { compute } from "./S3Sign.ts"
import {
  type LookupSecret,
  S3MalformedAuthorization,
  type S3ReceivedRequest,
  S3RequestExpired,
  S3SignatureMismatch,
  S3UnknownAccessKey,
  type S3VerifyError,
  type S3VerifyOptions
} from "./S3Signing.ts"

/** What either auth form claims, once parsed. */
interface Claim {
  readonly accessKeyId: string
  readonly claimedScope: string
  readonly datetime: string
  readonly signedHeaders: ReadonlyArray<string>
  readonly payloadHash: string
  readonly provided: string
  readonly request: S3ReceivedRequest
  readonly expiresAtMs?: number
}

const credentialPattern = /^([^/,\s]+)\/(\d{8}\/[^/,\s]+\/[^/,\s]+\/aws4_request)$/
const headerPattern = new RegExp(
  `^${algorithm}\\s+Credential=(\\S+?)\\s*,\\s*SignedHeaders=([^,\\s]+)\\s*,\\s*Signature=(\\S+)$`
)
/** SigV4 signatures are lowercase hex (AWS compares them as strings); an uppercase one is a client bug to name. */
const signaturePattern = /^[0-9a-f]{64}$/
const signatureReason = (name: string) =>
  `${name} must be 64 lowercase hex digits: hex-encode the HMAC-SHA256 in lowercase`

/** A canonical request with the session token blanked: it is a credential, and error bodies end up in logs. */
const redactSessionToken = (canonical: string): string =>
  canonical
    .replace(/^x-amz-security-token:.*$/m, "x-amz-security-token:<redacted>")
    .replace(/X-Amz-Security-Token=[^&\n]*/, "X-Amz-Security-Token=<redacted>")

const malformed = (reason: string, authorization?: string) =>
  new S3MalformedAuthorization(authorization === undefined ? { reason } : { reason, authorization })

const names = (list: string): ReadonlyArray<string> => list.split(";").map((name) => name.toLowerCase())

const parseHeaderAuth = (request: S3ReceivedRequest, authorization: string): Effect.Effect<Claim, S3VerifyError> => {
  const headers = headerMap(request.headers)
  const [credential = "", signedList = "", provided = ""] = headerPattern.exec(authorization.trim())?.slice(1) ?? []
  const [accessKeyId, claimedScope] = credentialPattern.exec(credential)?.slice(1) ?? []
  if (accessKeyId === undefined || claimedScope === undefined || provided === "") {
    const expected = `expected '${algorithm} Credential=<AK>/<scope>, SignedHeaders=<h;…>, Signature=<hex>'`
    return Effect.fail(malformed(expected, authorization))
  }
  if (!signaturePattern.test(provided)) return Effect.fail(malformed(signatureReason("Signature"), authorization))
  const datetime = headers.get("x-amz-date")?.trim() ?? ""
  if (parseAmzDate(datetime) === undefined) return Effect.fail(malformed("x-amz-date must be yyyymmddTHHMMSSZ"))
  const payloadHash = headers.get("x-amz-content-sha256")?.trim()
  if (payloadHash === undefined) return Effect.fail(malformed("missing required header x-amz-content-sha256"))
  const signedHeaders = names(signedList)
  if (!signedHeaders.includes("host")) return Effect.fail(malformed("SignedHeaders must include host", authorization))
  return Effect.succeed({ accessKeyId, claimedScope, datetime, signedHeaders, payloadHash, provided, request })
}

const parseQueryAuth = (request: S3ReceivedRequest): Effect.Effect<Claim, S3VerifyError> => {
  const { "X-Amz-Signature": provided, ...query } = request.query
  const get = (name: string) => query[`X-Amz-${name}`]
  const [accessKeyId, claimedScope] = credentialPattern.exec(get("Credential") ?? "")?.slice(1) ?? []
  const datetime = get("Date") ?? ""
  const dateMs = parseAmzDate(datetime)
  const expires = Number(get("Expires") ?? Number.NaN)
  const signedList = get("SignedHeaders")
  if (get("Algorithm") !== algorithm) return Effect.fail(malformed(`X-Amz-Algorithm must be ${algorithm}`))
  if (accessKeyId === undefined || claimedScope === undefined) return Effect.fail(malformed("bad X-Amz-Credential"))
  if (dateMs === undefined) return Effect.fail(malformed("X-Amz-Date must be yyyymmddTHHMMSSZ"))
  if (!Number.isInteger(expires) || expires < 1 || expires > maxPresignSeconds) {
    return Effect.fail(malformed(`X-Amz-Expires must be an integer 1 … ${maxPresignSeconds}`))
  }
  if (signedList === undefined || !names(signedList).includes("host")) {
    return Effect.fail(malformed("X-Amz-SignedHeaders must include host"))
  }
  if (provided === undefined || !signaturePattern.test(provided)) {
    return Effect.fail(malformed(signatureReason("X-Amz-Signature")))
  }
  const signedHeaders = names(signedList)
  const expiresAtMs = dateMs + expires * 1000
  const claim = { accessKeyId, claimedScope, datetime, signedHeaders, provided, expiresAtMs }
  return Effect.succeed({ ...claim, payloadHash: unsignedPayload, request: { ...request, query } })
}

/**
 * Verifies header auth, or query auth when `X-Amz-Algorithm` is in the query (both at once is malformed, as in S3).
 * The signature is recomputed with the server's region and service, so a wrong day, region or service fails like a
 * wrong key. A presigned URL is checked for expiry against the Effect `Clock` after its signature.
 *
 * @category verifying
 */
export const verify = <E = never, R = never>(
  request: S3ReceivedRequest,
  lookupSecret: LookupSecret<E, R>,
  options: S3VerifyOptions = {}
): Effect.Effect<void, S3VerifyError | E, R> =>
  Effect.gen(function* () {
    const authorization = headerMap(request.headers).get("authorization")
    const presigned = request.query["X-Amz-Algorithm"] !== undefined
    if (presigned && authorization !== undefined) {
      return yield* malformed("only one auth mechanism allowed (authorization header or X-Amz-* query)")
    }
    if (!presigned && authorization === undefined) return yield* malformed("no authorization header")
    const claim = yield* authorization === undefined ? parseQueryAuth(request) : parseHeaderAuth(request, authorization)
    const { accessKeyId, claimedScope, datetime } = claim
    const secret = yield* lookupSecret(accessKeyId)
    if (secret === undefined) return yield* new S3UnknownAccessKey({ accessKeyId })
    const [, claimedRegion = "", claimedService = ""] = claimedScope.split("/")
    const serverScope = scope(datetime, options.region ?? claimedRegion, options.service ?? claimedService)
    const { signedHeaders, payloadHash } = claim
    const computed = yield* compute(claim.request, secret, datetime, serverScope, signedHeaders, payloadHash)
    if (!constantTimeEqual(computed.signature, claim.provided) || claimedScope !== serverScope) {
      return yield* new S3SignatureMismatch({
        accessKeyId,
        signatureProvided: claim.provided,
        stringToSign: computed.stringToSign,
        canonicalRequest: redactSessionToken(computed.canonicalRequest)
      })
    }
    if (claim.expiresAtMs !== undefined) {
      const now = yield* Clock.currentTimeMillis
      if (now > claim.expiresAtMs)
        return yield* new S3RequestExpired({ expiredAtMs: claim.expiresAtMs, serverTimeMs: now })
    }
  })
