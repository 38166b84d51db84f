/**
 * A signing endpoint's S3 presigner: the target addressed like the S3 store addresses it ({@link
 * @resumable-upload/s3/S3Endpoint}) and signed with SigV4 query auth (`X-Amz-*`, every given header signed).
 *
 * @since 0.2.0
 */
import * as S3Canonical from "@resumable-upload/s3/S3Canonical"
import * as S3Credentials from "@resumable-upload/s3/S3Credentials"
import * as S3Endpoint from "@resumable-upload/s3/S3Endpoint"
import * as S3SignatureV4 from "@resumable-upload/s3/S3SignatureV4"
import * as Effect from "effect/Effect"
import type { Presign } from "./SignTarget.ts"

/** @category models */
export interface S3PresignConfig {
  readonly endpoint: string
  /** Default `us-east-1`. */
  readonly region?: string
  readonly addressing?: S3Endpoint.S3Addressing
}

/** @category constructors */
export const make = (config: S3PresignConfig): Presign => {
  const endpoint = S3Endpoint.make(config.endpoint, config.addressing)
  const region = config.region ?? "us-east-1"
  return (target, keys) => {
    const at = S3Endpoint.targetOf(endpoint, target.bucket, target.key)
    const request = {
      method: target.method,
      path: at.path,
      query: target.query,
      headers: { ...target.headers, host: at.host },
      date: target.dateMs
    }
    const credentials = S3Credentials.make(keys)
    return Effect.runPromise(
      Effect.map(
        S3SignatureV4.presign(request, credentials, { region, expiresInSeconds: target.expiresInSeconds }),
        (added) =>
          `${at.origin}${S3Canonical.encodePath(at.path)}?${S3Canonical.toQueryString({ ...target.query, ...added })}`
      )
    )
  }
}
