/**
 * Credentials for signing OSS requests: an AccessKey pair, plus the security token when the pair is temporary (STS).
 *
 * The secret and the token are {@link Redacted.Redacted} so that logging, `String(...)`, `JSON.stringify` or an error
 * report that captured the credentials prints `<redacted>` instead of the value; only the signers unwrap them.
 *
 * @since 0.1.0
 */
import * as Redacted from "effect/Redacted"

/** @category models */
export interface OssCredentials {
  readonly accessKeyId: string
  readonly accessKeySecret: Redacted.Redacted<string>
  /** STS token; sent as `x-oss-security-token` (header auth) and therefore signed. */
  readonly securityToken?: Redacted.Redacted<string>
}

/** Plain-string input, as read from configuration or an STS response. @category models */
export interface OssCredentialsInput {
  readonly accessKeyId: string
  readonly accessKeySecret: string
  /** An empty string counts as absent, as in the SDKs (GOv2 `Credentials.SecurityToken != ""`). */
  readonly securityToken?: string | undefined
}

/**
 * Wraps plain strings; from here on the secret and token only leave `Redacted` inside the signers.
 *
 * @category constructors
 */
export const make = (input: OssCredentialsInput): OssCredentials => {
  const base = {
    accessKeyId: input.accessKeyId,
    accessKeySecret: Redacted.make(input.accessKeySecret, { label: "accessKeySecret" })
  }
  return input.securityToken === undefined || input.securityToken === ""
    ? base
    : { ...base, securityToken: Redacted.make(input.securityToken, { label: "securityToken" }) }
}
