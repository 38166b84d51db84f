/**
 * The shape of the S3 SigV4 signer ({@link ./S3SignatureV4.ts}): the request description it signs, the options, the
 * verification errors and the {@link S3Signer} contract, mirroring the OSS signers so the ObjectStore adapter and
 * the emulator's S3 dialect use both the same way.
 *
 * A client signs an {@link S3Request} and adds the returned headers (or query parameters, when presigning) to the
 * HTTP request it sends. A server rebuilds an {@link S3ReceivedRequest} from what arrived and calls `verify`, which
 * recomputes the signature and compares in constant time.
 *
 * @since 0.1.0
 */
import * as Data from "effect/Data"
import type * as Effect from "effect/Effect"
import type * as Redacted from "effect/Redacted"
import type { S3Credentials } from "./S3Credentials.ts"

/**
 * A request as it arrives at the server, or is about to leave the client. Unlike OSS, SigV4 signs the real path
 * and host (protocol.md §5), so both are here.
 *
 * @category models
 */
export interface S3ReceivedRequest {
  readonly method: string
  /**
   * The request path, decoded: `/<key>` virtual-hosted, `/<bucket>/<key>` path-style, `/` for the service. The signer
   * encodes it (`encodePath`); a server passes `decodePath(rawPath)`.
   */
  readonly path: string
  /** Decoded query parameters; `""` for a valueless one (`?uploads`). */
  readonly query: Readonly<Record<string, string>>
  /**
   * Any case (lowercased here, repeats joined with `,`). Must hold `host` as sent on the wire: with `:port` unless
   * it is the scheme's default, as `fetch` and `URL.host` write it.
   */
  readonly headers: Readonly<Record<string, string>>
}

/** A request to sign: the received shape plus the signing time. @category models */
export interface S3Request extends S3ReceivedRequest {
  /** Signing time; a clock-skew-corrected `now` in practice (§6). */
  readonly date: Date | number
}

/** What `x-amz-content-sha256` says about the body: not hashed, or its hex SHA-256. @category models */
export type S3Payload = "UNSIGNED-PAYLOAD" | { readonly sha256Hex: string }

/** @category models */
export interface S3SignOptions {
  readonly region: string
  /** `s3` (default). */
  readonly service?: string
  readonly payload: S3Payload
}

/** Presigned URLs always sign `UNSIGNED-PAYLOAD`: whoever uses the URL chooses the body. @category models */
export interface S3PresignOptions {
  readonly region: string
  readonly service?: string
  /** 1 … 604800 (seven days). */
  readonly expiresInSeconds: number
}

/** The server's own region and service; when omitted, the client's credential scope is trusted. @category models */
export interface S3VerifyOptions {
  readonly region?: string
  readonly service?: string
}

/**
 * How a server finds the secret for an access key id; `undefined` when the key is unknown. Its own failure `E`
 * passes through `verify` untouched.
 *
 * @category models
 */
export type LookupSecret<E = never, R = never> = (
  accessKeyId: string
) => Effect.Effect<Redacted.Redacted<string> | undefined, E, R>

/**
 * S3 `SignatureDoesNotMatch`, with what S3 returns in that body (`StringToSign`, `CanonicalRequest`,
 * `SignatureProvided`, `AWSAccessKeyId`) so a client can diff; never the secret, and the session token blanked.
 *
 * @category errors
 */
export class S3SignatureMismatch extends Data.TaggedError("S3SignatureMismatch")<{
  readonly accessKeyId: string
  readonly signatureProvided: string
  readonly stringToSign: string
  readonly canonicalRequest: string
}> {
  override get message(): string {
    return "The request signature we calculated does not match the signature you provided. Check your key and signing method."
  }
}

/** S3 `InvalidAccessKeyId`: the lookup knows no such key. @category errors */
export class S3UnknownAccessKey extends Data.TaggedError("S3UnknownAccessKey")<{ readonly accessKeyId: string }> {
  override get message(): string {
    return `The AWS Access Key Id you provided does not exist in our records: ${this.accessKeyId}`
  }
}

/**
 * No or an unparsable `authorization` / `X-Amz-*` set, or a required header missing (S3
 * `AuthorizationHeaderMalformed`, `AuthorizationQueryParametersError`).
 *
 * @category errors
 */
export class S3MalformedAuthorization extends Data.TaggedError("S3MalformedAuthorization")<{
  readonly reason: string
  readonly authorization?: string
}> {
  override get message(): string {
    return `Malformed S3 authorization: ${this.reason}`
  }
}

/** A presigned URL used after `X-Amz-Date + X-Amz-Expires` (S3 `AccessDenied`, "Request has expired"). @category errors */
export class S3RequestExpired extends Data.TaggedError("S3RequestExpired")<{
  readonly expiredAtMs: number
  readonly serverTimeMs: number
}> {
  override get message(): string {
    return `Request has expired (at ${new Date(this.expiredAtMs).toISOString()})`
  }
}

/** @category errors */
export type S3VerifyError = S3SignatureMismatch | S3UnknownAccessKey | S3MalformedAuthorization | S3RequestExpired

/**
 * - `sign` returns the headers to add (lowercase): `authorization`, `x-amz-date`, `x-amz-content-sha256`, and
 *   `x-amz-security-token` with a session token.
 * - `presign` returns the query parameters to add, `X-Amz-Signature` last.
 * - `verify` checks header auth, or query auth (presigned URL, expiry against the Effect `Clock`).
 *
 * @category models
 */
export interface S3Signer {
  readonly sign: (
    request: S3Request,
    credentials: S3Credentials,
    options: S3SignOptions
  ) => Effect.Effect<Record<string, string>>
  readonly presign: (
    request: S3Request,
    credentials: S3Credentials,
    options: S3PresignOptions
  ) => Effect.Effect<Record<string, string>>
  readonly verify: <E, R>(
    request: S3ReceivedRequest,
    lookupSecret: LookupSecret<E, R>,
    options?: S3VerifyOptions
  ) => Effect.Effect<void, S3VerifyError | E, R>
}
