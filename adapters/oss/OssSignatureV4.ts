/**
 * OSS signature V4 (`OSS4-HMAC-SHA256`): signing headers and presigned URLs for a client, verifying for the emulator
 * (/work/shared/docs/protocol.md §3.2; canonical texts in {@link ./OssCanonicalV4.ts}).
 *
 * The key is scoped to a day, a region and a product: HMAC-SHA256 chained over `"aliyun_v4" + secret`, `yyyymmdd`,
 * the region, the product and `aliyun_v4_request`. The payload is not hashed (`x-oss-content-sha256:
 * UNSIGNED-PAYLOAD`), so streaming a part never waits for its digest.
 *
 * @since 0.1.0
 */

import { constantTimeEqual, hmacSha256, toHex } from "@resumable-upload/http/Crypto"
import { headerMap, withHeaders } from "@resumable-upload/http/HeaderMap"
import * as Effect from "effect/Effect"
import * as Redacted from "effect/Redacted"
import { epochMillis, formatIso8601Basic } from "./OssCanonical.ts"
import {
  algorithm,
  canonicalRequest,
  normalizeAdditionalHeaders,
  scope,
  standardRegion,
  stringToSign,
  unsignedPayload
} from "./OssCanonicalV4.ts"
import type { OssCredentials } from "./OssCredentials.ts"
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

export * from "./OssCanonicalV4.ts"

/** @category models */
export interface V4Options {
  /** Region id (`cn-hangzhou`); a leading `oss-` is stripped, as ali-oss does. */
  readonly region: string
  /** `oss` (default), or `oss-cloudbox` with the box id as the region. */
  readonly product?: string
  /** Extra headers to sign (e.g. `host`); default-signed and absent ones are dropped, as in GOv2. */
  readonly additionalHeaders?: ReadonlyArray<string>
}

/** The server's own region and product; when omitted, the client's credential scope is trusted. @category models */
export interface V4VerifyOptions {
  readonly region?: string
  readonly product?: string
}

/** The intermediate texts, for tests and for `SignatureDoesNotMatch` bodies. @category models */
export interface V4Computation {
  readonly canonicalRequest: string
  readonly stringToSign: string
  readonly signature: string
}

/** Canonical request, string-to-sign and hex signature of a request whose headers and query are final. @category signing */
export const compute = (
  request: OssReceivedRequest,
  secret: Redacted.Redacted<string>,
  datetime: string,
  credentialScope: string,
  additionalHeaders: ReadonlyArray<string>
): Effect.Effect<V4Computation> =>
  Effect.gen(function* () {
    const canonical = canonicalRequest(request, additionalHeaders)
    const text = yield* stringToSign(datetime, credentialScope, canonical)
    // The scope day/region/product/aliyun_v4_request is exactly the chain of HMAC inputs after the first key.
    const [day = "", ...rest] = credentialScope.split("/")
    let key = yield* hmacSha256(`aliyun_v4${Redacted.value(secret)}`, day)
    for (const part of rest) key = yield* hmacSha256(key, part)
    return { canonicalRequest: canonical, stringToSign: text, signature: toHex(yield* hmacSha256(key, text)) }
  })

/** Headers to add: `x-oss-date`, `x-oss-content-sha256`, `authorization`, `x-oss-security-token` for STS. @category signing */
export const sign = (
  request: OssRequest,
  credentials: OssCredentials,
  options: V4Options
): Effect.Effect<Record<string, string>> =>
  Effect.gen(function* () {
    const datetime = formatIso8601Basic(epochMillis(request.date))
    // A caller that did hash the body keeps its hex digest; everyone else signs UNSIGNED-PAYLOAD.
    const payload = headerMap(request.headers).get("x-oss-content-sha256") || unsignedPayload
    const added: Record<string, string> = { "x-oss-date": datetime, "x-oss-content-sha256": payload }
    if (credentials.securityToken !== undefined) {
      added["x-oss-security-token"] = Redacted.value(credentials.securityToken)
    }
    const headers = withHeaders(request.headers, added)
    const extra = normalizeAdditionalHeaders(headers, options.additionalHeaders ?? [])
    const credentialScope = scope(datetime, standardRegion(options.region), options.product ?? "oss")
    const secret = credentials.accessKeySecret
    const { signature } = yield* compute({ ...request, headers }, secret, datetime, credentialScope, extra)
    const additional = extra.length === 0 ? "" : `,AdditionalHeaders=${extra.join(";")}`
    const credential = `Credential=${credentials.accessKeyId}/${credentialScope}`
    return { ...added, authorization: `${algorithm} ${credential}${additional},Signature=${signature}` }
  })

/** Query parameters to add for a presigned URL, `x-oss-signature` last (GOv2 `authQuery`). @category signing */
export const presign = (
  request: OssRequest,
  credentials: OssCredentials,
  options: V4Options & PresignOptions
): Effect.Effect<Record<string, string>> =>
  Effect.gen(function* () {
    const datetime = formatIso8601Basic(epochMillis(request.date))
    const credentialScope = scope(datetime, standardRegion(options.region), options.product ?? "oss")
    const extra = normalizeAdditionalHeaders(request.headers, options.additionalHeaders ?? [])
    const added: Record<string, string> = {}
    if (credentials.securityToken !== undefined) {
      added["x-oss-security-token"] = Redacted.value(credentials.securityToken)
    }
    added["x-oss-signature-version"] = algorithm
    added["x-oss-date"] = datetime
    added["x-oss-expires"] = String(options.expiresInSeconds)
    added["x-oss-credential"] = `${credentials.accessKeyId}/${credentialScope}`
    if (extra.length > 0) added["x-oss-additional-headers"] = extra.join(";")
    const query = { ...request.query, ...added }
    const secret = credentials.accessKeySecret
    const { signature } = yield* compute({ ...request, query }, secret, datetime, credentialScope, extra)
    return { ...added, "x-oss-signature": signature }
  })

/** V4 signatures are lowercase hex; an uppercase one is refused (as malformed, naming the fix), not case-folded. @category verifying */
export const signaturePattern = /^[0-9a-f]{64}$/
/** @category verifying */
export const signatureReason = "the signature must be 64 lowercase hex digits: hex-encode the HMAC-SHA256 in lowercase"

const authorizationPattern = new RegExp(
  `^${algorithm} Credential=([^/,\\s]+)/(\\d{8}/[^/,\\s]+/[^/,\\s]+/aliyun_v4_request)\\s*,\\s*` +
    "(?:AdditionalHeaders=([^,\\s]*)\\s*,\\s*)?Signature=(\\S+)$"
)

/** Recomputes the V4 signature of a received request (header auth) and compares it in constant time. @category verifying */
export const verify = <E = never, R = never>(
  request: OssReceivedRequest,
  lookupSecret: LookupSecret<E, R>,
  options: V4VerifyOptions = {}
): Effect.Effect<void, VerifyError | E, R> =>
  Effect.gen(function* () {
    const headers = headerMap(request.headers)
    const authorization = headers.get("authorization")
    if (authorization === undefined) return yield* new MalformedAuthorization({ reason: "no authorization header" })
    const [accessKeyId, claimedScope, additionalList, provided] =
      authorizationPattern.exec(authorization.trim())?.slice(1) ?? []
    if (accessKeyId === undefined || claimedScope === undefined || provided === undefined) {
      const reason = `expected '${algorithm} Credential=<AK>/<scope>[,AdditionalHeaders=<h;…>],Signature=<hex>'`
      return yield* new MalformedAuthorization({ reason, authorization })
    }
    if (!signaturePattern.test(provided))
      return yield* new MalformedAuthorization({ reason: signatureReason, authorization })
    const datetime = headers.get("x-oss-date")?.trim()
    if (datetime === undefined || !/^\d{8}T\d{6}Z$/.test(datetime)) {
      return yield* new MalformedAuthorization({ reason: "x-oss-date must be yyyymmddTHHMMSSZ", authorization })
    }
    const secret = yield* lookupSecret(accessKeyId)
    if (secret === undefined) return yield* new UnknownAccessKey({ accessKeyId })
    const [, claimedRegion = "", claimedProduct = ""] = claimedScope.split("/")
    const region = options.region === undefined ? claimedRegion : standardRegion(options.region)
    // Sign with the server's scope, not the claimed one: a wrong day, region or product fails like a wrong key.
    const serverScope = scope(datetime, region, options.product ?? claimedProduct)
    const extra = (additionalList ?? "").split(";").flatMap((name) => (name === "" ? [] : [name.toLowerCase()]))
    const computed = yield* compute(request, secret, datetime, serverScope, extra)
    if (!constantTimeEqual(computed.signature, provided) || claimedScope !== serverScope) {
      const { canonicalRequest, stringToSign } = computed
      return yield* new SignatureMismatch({ accessKeyId, signatureProvided: provided, stringToSign, canonicalRequest })
    }
  })

/** @category signing */
export const signer: OssSigner<V4Options, V4VerifyOptions> = { sign, presign, verify }
