/**
 * Credentials for signing S3 requests (SigV4): an access key pair, plus the session token when the pair is temporary
 * (STS, SSO, instance roles).
 *
 * The secret and the token are {@link Redacted.Redacted} so that logging, `String(...)`, `JSON.stringify` or an error
 * report that captured the credentials prints `<redacted>` instead of the value; only the signers unwrap them.
 *
 * @since 0.1.0
 */
import * as Redacted from "effect/Redacted"

/** @category models */
export interface S3Credentials {
  readonly accessKeyId: string
  readonly secretAccessKey: Redacted.Redacted<string>
  /** Sent as `x-amz-security-token` (header auth) or `X-Amz-Security-Token` (presigned URL); signed either way. */
  readonly sessionToken?: Redacted.Redacted<string>
}

/** Plain-string input, as read from configuration, the environment or an STS response. @category models */
export interface S3CredentialsInput {
  readonly accessKeyId: string
  readonly secretAccessKey: string
  /** An empty string counts as absent, as `AWS_SESSION_TOKEN=` does in the AWS SDKs. */
  readonly sessionToken?: string | undefined
}

/**
 * Wraps plain strings; from here on the secret and token only leave `Redacted` inside the signers.
 *
 * @category constructors
 */
export const make = (input: S3CredentialsInput): S3Credentials => {
  const base = {
    accessKeyId: input.accessKeyId,
    secretAccessKey: Redacted.make(input.secretAccessKey, { label: "secretAccessKey" })
  }
  return input.sessionToken === undefined || input.sessionToken === ""
    ? base
    : { ...base, sessionToken: Redacted.make(input.sessionToken, { label: "sessionToken" }) }
}
