/**
 * The shape shared by the OSS signers ({@link ./OssSignatureV1.ts}, {@link ./OssSignatureV4.ts}): the request
 * description they sign, the verification errors, and the {@link OssSigner} contract both modules implement.
 *
 * A client signs an {@link OssRequest} and adds the returned headers (or query parameters, when presigning) to the
 * HTTP request it sends. A server (the emulator) rebuilds an {@link OssReceivedRequest} from what arrived, including
 * the `authorization` header, and calls `verify`, which recomputes the signature and compares in constant time.
 *
 * @since 0.1.0
 */

import { headerMap } from "@resumable-upload/http/HeaderMap"
import * as Data from "effect/Data"
import type * as Effect from "effect/Effect"
import type * as Redacted from "effect/Redacted"
import { parseOssDate } from "./OssCanonical.ts"
import type { OssCredentials } from "./OssCredentials.ts"

/**
 * A request as it arrives at the server, or is about to leave the client.
 *
 * `bucket` and `key` are raw (not URL-encoded). Both signatures sign `/bucket/key` whatever the addressing style
 * (virtual-hosted, path-style, IP endpoint: protocol.md §5), so the URL host and path are not part of this.
 *
 * @category models
 */
export interface OssReceivedRequest {
  readonly method: string
  /** Absent for service-level requests (`GET /`). */
  readonly bucket?: string
  /** Absent (or `""`) for bucket-level requests (`GET /bucket/?uploads`). */
  readonly key?: string
  /** Decoded query parameters, sub-resources included; `""` for a valueless one (`?uploads`). */
  readonly query: Readonly<Record<string, string>>
  /** Header names in lowercase (other spellings are lowercased; repeats joined with `,`). */
  readonly headers: Readonly<Record<string, string>>
}

/** A request to sign: the received shape plus the signing time. @category models */
export interface OssRequest extends OssReceivedRequest {
  /** Signing time; a clock-skew-corrected `now` in practice (§6). */
  readonly date: Date | number
}

/** Presigned URLs (§3.4): how long the URL stays valid after `date`. @category models */
export interface PresignOptions {
  readonly expiresInSeconds: number
}

/**
 * How a server finds the secret for an AccessKeyId; `undefined` when the key is unknown. Its own failure `E` passes
 * through `verify` untouched.
 *
 * @category models
 */
export type LookupSecret<E = never, R = never> = (
  accessKeyId: string
) => Effect.Effect<Redacted.Redacted<string> | undefined, E, R>

const signatureMismatchMessage =
  "The request signature we calculated does not match the signature you provided. Check your key and signing method."

/**
 * The signature does not match. Carries what OSS returns in a `SignatureDoesNotMatch` body (`StringToSign`,
 * `SignatureProvided`, `OSSAccessKeyId`, and for V4 the canonical request) so a client can diff it against its own
 * string-to-sign; never the secret.
 *
 * @category errors
 */
export class SignatureMismatch extends Data.TaggedError("SignatureMismatch")<{
  readonly accessKeyId: string
  readonly signatureProvided: string
  readonly stringToSign: string
  readonly canonicalRequest?: string
}> {
  override get message(): string {
    return signatureMismatchMessage
  }
}

/** OSS `InvalidAccessKeyId`: the lookup knows no such key. @category errors */
export class UnknownAccessKey extends Data.TaggedError("UnknownAccessKey")<{ readonly accessKeyId: string }> {
  override get message(): string {
    return `The OSS Access Key Id you provided does not exist in our records: ${this.accessKeyId}`
  }
}

/**
 * The request cannot be checked at all: no or unparsable `authorization`, an algorithm we do not speak, or no
 * timestamp to sign against.
 *
 * @category errors
 */
export class MalformedAuthorization extends Data.TaggedError("MalformedAuthorization")<{
  readonly reason: string
  readonly authorization?: string
}> {
  override get message(): string {
    return `Malformed OSS authorization: ${this.reason}`
  }
}

/** @category errors */
export type VerifyError = SignatureMismatch | UnknownAccessKey | MalformedAuthorization

/**
 * What both signature versions provide.
 *
 * - `sign` returns the headers to add (lowercase names): `authorization`, the timestamp header, `x-oss-security-token`
 *   for STS, and for V4 `x-oss-content-sha256`.
 * - `presign` returns the query parameters to add for a presigned URL.
 * - `verify` checks header authentication.
 *
 * @category models
 */
export interface OssSigner<Options, VerifyOptions> {
  readonly sign: (
    request: OssRequest,
    credentials: OssCredentials,
    options: Options
  ) => Effect.Effect<Record<string, string>>
  readonly presign: (
    request: OssRequest,
    credentials: OssCredentials,
    options: Options & PresignOptions
  ) => Effect.Effect<Record<string, string>>
  readonly verify: <E, R>(
    request: OssReceivedRequest,
    lookupSecret: LookupSecret<E, R>,
    options: VerifyOptions
  ) => Effect.Effect<void, VerifyError | E, R>
}

/**
 * The request's own timestamp for the 15-minute skew check (§6): `x-oss-date` (either format) or else `Date`, in ms.
 * `undefined` when neither header holds a parsable time.
 *
 * @category dates
 */
export const requestTimeMs = (request: OssReceivedRequest): number | undefined => {
  const headers = headerMap(request.headers)
  const ossDate = headers.get("x-oss-date")
  const parsed = ossDate === undefined ? undefined : parseOssDate(ossDate)
  if (parsed !== undefined) return parsed
  const date = headers.get("date")
  return date === undefined ? undefined : parseOssDate(date)
}
