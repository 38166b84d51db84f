/**
 * OSS signature V1 (`Authorization: OSS <AccessKeyId>:<Signature>`, base64 HMAC-SHA1 of the string-to-sign built
 * in {@link ./OssCanonicalV1.ts}): signing headers and presigned URLs for a client, verifying for the emulator.
 *
 * V1 is still what many deployed SDKs and proxies send; prefer V4 for new clients.
 *
 * @since 0.1.0
 */

import { constantTimeEqual } from "@resumable-upload/http/Crypto"
import { headerMap, withHeaders } from "@resumable-upload/http/HeaderMap"
import * as Effect from "effect/Effect"
import * as Redacted from "effect/Redacted"
import { epochMillis, formatHttpDate } from "./OssCanonical.ts"
import { dateSlot, stringToSign } from "./OssCanonicalV1.ts"
import type { OssCredentials } from "./OssCredentials.ts"
import { hmacSha1, toBase64 } from "./OssCrypto.ts"
import {
  type LookupSecret,
  MalformedAuthorization,
  type OssReceivedRequest,
  type OssRequest,
  type OssSigner,
  type PresignOptions,
  SignatureMismatch,
  UnknownAccessKey,
  type VerifyError
} from "./OssSigning.ts"

export * from "./OssCanonicalV1.ts"

/** @category models */
export interface V1Options {
  /**
   * Where `sign` puts the timestamp. `"x-oss-date"` (default) works in browsers, which cannot set `Date`; its
   * RFC 1123 value then fills the Date slot (ali-oss). `"date"` is what GOv2 and PYv2 send.
   */
  readonly dateHeader?: "x-oss-date" | "date"
  /** Further query keys to sign, e.g. `resourceGroup` (GOv2 `SigningContext.SubResource`). */
  readonly additionalSubResources?: ReadonlyArray<string>
}

/** @category models */
export interface V1VerifyOptions {
  readonly additionalSubResources?: ReadonlyArray<string>
}

/** base64(HMAC-SHA1(secret, stringToSign)). @category signing */
export const signatureOf = (secret: Redacted.Redacted<string>, text: string): Effect.Effect<string> =>
  Effect.map(hmacSha1(Redacted.value(secret), text), toBase64)

/** Headers to add: `authorization`, the timestamp, `x-oss-security-token` for STS. @category signing */
export const sign = (
  request: OssRequest,
  credentials: OssCredentials,
  options: V1Options = {}
): Effect.Effect<Record<string, string>> =>
  Effect.suspend(() => {
    const added: Record<string, string> = {
      [options.dateHeader ?? "x-oss-date"]: formatHttpDate(epochMillis(request.date))
    }
    if (credentials.securityToken !== undefined) {
      added["x-oss-security-token"] = Redacted.value(credentials.securityToken)
    }
    const headers = withHeaders(request.headers, added)
    const text = stringToSign({ ...request, headers }, dateSlot(headers) ?? "", options.additionalSubResources)
    return Effect.map(signatureOf(credentials.accessKeySecret, text), (signature) => ({
      ...added,
      authorization: `OSS ${credentials.accessKeyId}:${signature}`
    }))
  })

/**
 * Query parameters to add for a presigned URL: `OSSAccessKeyId`, `Expires` (absolute Unix seconds), `Signature`,
 * and `security-token` for STS.
 *
 * @category signing
 */
export const presign = (
  request: OssRequest,
  credentials: OssCredentials,
  options: V1Options & PresignOptions
): Effect.Effect<Record<string, string>> =>
  Effect.suspend(() => {
    const expires = String(Math.floor(epochMillis(request.date) / 1000) + options.expiresInSeconds)
    const added: Record<string, string> = {}
    // A signed sub-resource, so it must be in the query before the string-to-sign is built.
    if (credentials.securityToken !== undefined) added["security-token"] = Redacted.value(credentials.securityToken)
    const query = { ...request.query, ...added }
    const text = stringToSign({ ...request, query }, expires, options.additionalSubResources)
    return Effect.map(signatureOf(credentials.accessKeySecret, text), (signature) => ({
      ...added,
      OSSAccessKeyId: credentials.accessKeyId,
      Expires: expires,
      Signature: signature
    }))
  })

const authorizationPattern = /^OSS ([^:\s]+):(\S+)$/

/** Recomputes the V1 signature of a received request (header auth) and compares it in constant time. @category verifying */
export const verify = <E = never, R = never>(
  request: OssReceivedRequest,
  lookupSecret: LookupSecret<E, R>,
  options: V1VerifyOptions = {}
): Effect.Effect<void, VerifyError | E, R> =>
  Effect.gen(function* () {
    const authorization = headerMap(request.headers).get("authorization")
    if (authorization === undefined) return yield* new MalformedAuthorization({ reason: "no authorization header" })
    const [accessKeyId, signatureProvided] = authorizationPattern.exec(authorization.trim())?.slice(1) ?? []
    if (accessKeyId === undefined || signatureProvided === undefined) {
      return yield* new MalformedAuthorization({ reason: "expected 'OSS <AccessKeyId>:<Signature>'", authorization })
    }
    const date = dateSlot(request.headers)
    if (date === undefined) {
      return yield* new MalformedAuthorization({ reason: "no Date or x-oss-date header", authorization })
    }
    const secret = yield* lookupSecret(accessKeyId)
    if (secret === undefined) return yield* new UnknownAccessKey({ accessKeyId })
    const text = stringToSign(request, date, options.additionalSubResources)
    const expected = yield* signatureOf(secret, text)
    if (!constantTimeEqual(expected, signatureProvided)) {
      return yield* new SignatureMismatch({ accessKeyId, signatureProvided, stringToSign: text })
    }
  })

/** @category signing */
export const signer: OssSigner<V1Options, V1VerifyOptions> = { sign, presign, verify }
