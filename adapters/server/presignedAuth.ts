/**
 * Presigned URLs (protocol.md §3.4): V1 `?OSSAccessKeyId=&Expires=&Signature=` and V4 `?x-oss-signature-version=…
 * &x-oss-signature=`, so a browser can PUT a part with a URL signed elsewhere. The signature must match and the URL
 * must not have expired; expiry replaces the clock-skew check, as on OSS.
 *
 * @since 0.1.0
 */

import { constantTimeEqual } from "@resumable-upload/http/Crypto"
import * as SignatureV1 from "@resumable-upload/oss/OssSignatureV1"
import * as SignatureV4 from "@resumable-upload/oss/OssSignatureV4"
import {
  type OssReceivedRequest,
  SignatureMismatch,
  UnknownAccessKey,
  type VerifyError
} from "@resumable-upload/oss/OssSigning"
import type { ModelError } from "@resumable-upload/sim/MultipartModel"
import * as Effect from "effect/Effect"
import type * as Redacted from "effect/Redacted"
import { errorOfVerify } from "./authErrors.ts"
import * as ServerErrors from "./serverErrors.ts"

/** @category models */
export type PresignedKind = "v1" | "v4"

/** Which presigned form the query carries, if any. @category utils */
export const presignedKind = (query: Readonly<Record<string, string>>): PresignedKind | undefined =>
  query["x-oss-signature"] !== undefined ? "v4" : query.Signature !== undefined ? "v1" : undefined

type Lookup = (accessKeyId: string) => Effect.Effect<Redacted.Redacted<string> | undefined>

const expired = (): ModelError => ServerErrors.accessDenied("Request has expired.")
const malformed = (name: string): ModelError =>
  ServerErrors.invalidArgument(name, "", `The presigned URL lacks a valid ${name}.`)

const withoutParams = (request: OssReceivedRequest, names: ReadonlyArray<string>): OssReceivedRequest => ({
  ...request,
  query: Object.fromEntries(Object.entries(request.query).filter(([k]) => !names.includes(k)))
})

const verifyV1 = (
  request: OssReceivedRequest,
  lookup: Lookup,
  nowMs: number
): Effect.Effect<ModelError | undefined, VerifyError> =>
  Effect.gen(function* () {
    const { Expires: expires, OSSAccessKeyId: accessKeyId, Signature: provided } = request.query
    if (accessKeyId === undefined || provided === undefined) return malformed("OSSAccessKeyId")
    if (expires === undefined || !/^\d{1,12}$/.test(expires)) return malformed("Expires")
    if (Number(expires) * 1000 < nowMs) return expired()
    const secret = yield* lookup(accessKeyId)
    if (secret === undefined) return yield* new UnknownAccessKey({ accessKeyId })
    const text = SignatureV1.stringToSign(request, expires)
    if (!constantTimeEqual(yield* SignatureV1.signatureOf(secret, text), provided)) {
      return yield* new SignatureMismatch({ accessKeyId, signatureProvided: provided, stringToSign: text })
    }
    return undefined
  })

const credentialPattern = /^([^/]+)\/(\d{8})\/([^/]+)\/([^/]+)\/aliyun_v4_request$/

const verifyV4 = (
  request: OssReceivedRequest,
  lookup: Lookup,
  region: string,
  nowMs: number
): Effect.Effect<ModelError | undefined, VerifyError> =>
  Effect.gen(function* () {
    const query = request.query
    const provided = query["x-oss-signature"] ?? ""
    const datetime = query["x-oss-date"] ?? ""
    const expires = query["x-oss-expires"] ?? ""
    if (!SignatureV4.signaturePattern.test(provided)) {
      return ServerErrors.invalidArgument(
        "x-oss-signature",
        provided,
        `In a presigned URL, ${SignatureV4.signatureReason}.`
      )
    }
    const credential = credentialPattern.exec(query["x-oss-credential"] ?? "")
    if (credential === null) return malformed("x-oss-credential")
    const [, accessKeyId = "", day = "", , product = ""] = credential
    const signedAtMs = Date.parse(
      datetime.replace(/^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z$/, "$1-$2-$3T$4:$5:$6Z")
    )
    if (!Number.isFinite(signedAtMs) || !datetime.startsWith(day)) return malformed("x-oss-date")
    if (!/^\d{1,9}$/.test(expires)) return malformed("x-oss-expires")
    if (signedAtMs + Number(expires) * 1000 < nowMs) return expired()
    const secret = yield* lookup(accessKeyId)
    if (secret === undefined) return yield* new UnknownAccessKey({ accessKeyId })
    const extra = (query["x-oss-additional-headers"] ?? "").split(";").filter((name) => name !== "")
    const serverScope = SignatureV4.scope(datetime, SignatureV4.standardRegion(region), product)
    const signed = withoutParams(request, ["x-oss-signature"])
    const computed = yield* SignatureV4.compute(signed, secret, datetime, serverScope, extra)
    if (!constantTimeEqual(computed.signature, provided)) {
      const { canonicalRequest, stringToSign } = computed
      return yield* new SignatureMismatch({ accessKeyId, signatureProvided: provided, stringToSign, canonicalRequest })
    }
    return undefined
  })

/** `undefined` when the presigned request may proceed, else the error to answer with. @category utils */
export const verifyPresigned = (
  kind: PresignedKind,
  request: OssReceivedRequest,
  lookup: Lookup,
  region: string,
  nowMs: number
): Promise<ModelError | undefined> =>
  Effect.runPromise(
    Effect.catch(kind === "v1" ? verifyV1(request, lookup, nowMs) : verifyV4(request, lookup, region, nowMs), (error) =>
      Effect.succeed(errorOfVerify(error))
    )
  )
