/**
 * SigV4 signing for S3 clients: header auth (`sign`) and presigned URLs (`presign`), plus the `compute` step the
 * verifier ({@link ./S3Verify.ts}) shares, so a client and the emulator cannot drift apart.
 *
 * The signing key is HMAC-SHA256 chained over `"AWS4" + secret`, `yyyymmdd`, the region, the service and
 * `aws4_request` (protocol.md §3.3). A caller bug (no `host`, a payload hash that is not 64 hex digits, an expiry
 * outside 1 … 604800 s) is a defect, not a typed failure: no retry or fallback could fix it.
 *
 * @since 0.1.0
 */

import { hmacSha256, sha256Hex, toHex } from "@resumable-upload/http/Crypto"
import { headerMap, withHeaders } from "@resumable-upload/http/HeaderMap"
import * as Effect from "effect/Effect"
import * as Redacted from "effect/Redacted"
import {
  algorithm,
  type CanonicalInput,
  canonicalRequest,
  formatAmzDate,
  maxPresignSeconds,
  scope,
  signableHeaders,
  unsignedPayload
} from "./S3Canonical.ts"
import type { S3Credentials } from "./S3Credentials.ts"
import type { S3Payload, S3PresignOptions, S3Request, S3SignOptions } from "./S3Signing.ts"

/** The intermediate texts, for tests and for `SignatureDoesNotMatch` bodies. @category models */
export interface S3Computation {
  readonly canonicalRequest: string
  readonly stringToSign: string
  readonly signature: string
}

/** Canonical request, string-to-sign and hex signature of a request whose headers and query are final. @category signing */
export const compute = (
  request: CanonicalInput,
  secret: Redacted.Redacted<string>,
  datetime: string,
  credentialScope: string,
  signedHeaders: ReadonlyArray<string>,
  payloadHash: string
): Effect.Effect<S3Computation> =>
  Effect.gen(function* () {
    const canonical = canonicalRequest(request, signedHeaders, payloadHash)
    const text = `${algorithm}\n${datetime}\n${credentialScope}\n${yield* sha256Hex(canonical)}`
    // The scope day/region/service/aws4_request is exactly the chain of HMAC inputs after the first key.
    const [day = "", ...rest] = credentialScope.split("/")
    let key = yield* hmacSha256(`AWS4${Redacted.value(secret)}`, day)
    for (const part of rest) key = yield* hmacSha256(key, part)
    return { canonicalRequest: canonical, stringToSign: text, signature: toHex(yield* hmacSha256(key, text)) }
  })

/** The `x-amz-content-sha256` value; S3 compares hex digests case-sensitively, so lowercase it. @category signing */
export const payloadHash = (payload: S3Payload): string => {
  if (payload === unsignedPayload) return unsignedPayload
  const hex = payload.sha256Hex.toLowerCase()
  if (!/^[0-9a-f]{64}$/.test(hex)) throw new TypeError("S3 signing: payload sha256Hex must be 64 hex digits")
  return hex
}

const requireHost = (headers: Readonly<Record<string, string>>): Effect.Effect<void> =>
  headerMap(headers).has("host")
    ? Effect.void
    : Effect.die(new TypeError("S3 signing: the request needs a host header (with :port when not the default)"))

/** Headers to add: `x-amz-date`, `x-amz-content-sha256`, `x-amz-security-token` (session), `authorization`. @category signing */
export const sign = (
  request: S3Request,
  credentials: S3Credentials,
  options: S3SignOptions
): Effect.Effect<Record<string, string>> =>
  Effect.gen(function* () {
    yield* requireHost(request.headers)
    const datetime = formatAmzDate(request.date)
    const payload = payloadHash(options.payload)
    const added: Record<string, string> = { "x-amz-date": datetime, "x-amz-content-sha256": payload }
    if (credentials.sessionToken !== undefined) {
      added["x-amz-security-token"] = Redacted.value(credentials.sessionToken)
    }
    // Replaces any spelling the caller already had, so a stale `X-Amz-Date` is not joined into the signed value.
    const headers = withHeaders(request.headers, added)
    const signed = signableHeaders(headers)
    const credentialScope = scope(datetime, options.region, options.service ?? "s3")
    const secret = credentials.secretAccessKey
    const { signature } = yield* compute({ ...request, headers }, secret, datetime, credentialScope, signed, payload)
    const authorization =
      `${algorithm} Credential=${credentials.accessKeyId}/${credentialScope}, ` +
      `SignedHeaders=${signed.join(";")}, Signature=${signature}`
    return { ...added, authorization }
  })

/**
 * Query parameters to add for a presigned URL, in the order AWS writes them (`X-Amz-Signature` last); the session
 * token is among the signed parameters, as S3 requires. Every header given is signed, so whoever uses the URL must
 * send the same ones (normally just `host`).
 *
 * @category signing
 */
export const presign = (
  request: S3Request,
  credentials: S3Credentials,
  options: S3PresignOptions
): Effect.Effect<Record<string, string>> =>
  Effect.gen(function* () {
    yield* requireHost(request.headers)
    const expires = options.expiresInSeconds
    if (!Number.isInteger(expires) || expires < 1 || expires > maxPresignSeconds) {
      return yield* Effect.die(new RangeError(`S3 presign: expiresInSeconds must be 1 … ${maxPresignSeconds}`))
    }
    const datetime = formatAmzDate(request.date)
    const credentialScope = scope(datetime, options.region, options.service ?? "s3")
    const signed = signableHeaders(request.headers)
    const added: Record<string, string> = {
      "X-Amz-Algorithm": algorithm,
      "X-Amz-Credential": `${credentials.accessKeyId}/${credentialScope}`,
      "X-Amz-Date": datetime,
      "X-Amz-Expires": String(expires),
      "X-Amz-SignedHeaders": signed.join(";")
    }
    if (credentials.sessionToken !== undefined) {
      added["X-Amz-Security-Token"] = Redacted.value(credentials.sessionToken)
    }
    const query = { ...request.query, ...added }
    const secret = credentials.secretAccessKey
    const { signature } = yield* compute(
      { ...request, query },
      secret,
      datetime,
      credentialScope,
      signed,
      unsignedPayload
    )
    return { ...added, "X-Amz-Signature": signature }
  })
