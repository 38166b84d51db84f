/**
 * A signing endpoint's OSS presigner: the target addressed like the OSS store addresses it ({@link
 * @resumable-upload/oss/OssEndpoint}) and signed with OSS V4 query auth; `content-length` is an additional signed
 * header, so the URL only accepts the declared body size.
 *
 * @since 0.2.0
 */
import { uriEncode } from "@resumable-upload/http/UriEncoding"
import * as OssCredentials from "@resumable-upload/oss/OssCredentials"
import * as OssEndpoint from "@resumable-upload/oss/OssEndpoint"
import * as OssSignatureV4 from "@resumable-upload/oss/OssSignatureV4"
import * as Effect from "effect/Effect"
import type { Presign } from "./SignTarget.ts"

/** @category models */
export interface OssPresignConfig {
  readonly endpoint: string
  /** Region id, e.g. `cn-hangzhou`. */
  readonly region: string
  readonly addressing?: OssEndpoint.Addressing
}

const queryString = (query: Readonly<Record<string, string>>): string =>
  Object.entries(query)
    .map(([k, v]) => (v === "" ? uriEncode(k) : `${uriEncode(k)}=${uriEncode(v)}`))
    .join("&")

/** @category constructors */
export const make = (config: OssPresignConfig): Presign => {
  const endpoint = OssEndpoint.make(config.endpoint, config.addressing)
  return (target, keys) => {
    const request = {
      method: target.method,
      bucket: target.bucket,
      key: target.key,
      query: target.query,
      headers: target.headers,
      date: target.dateMs
    }
    const credentials = OssCredentials.make({
      accessKeyId: keys.accessKeyId,
      accessKeySecret: keys.secretAccessKey,
      securityToken: keys.sessionToken
    })
    const options = {
      region: config.region,
      expiresInSeconds: target.expiresInSeconds,
      additionalHeaders: ["content-length"]
    }
    return Effect.runPromise(
      Effect.map(OssSignatureV4.presign(request, credentials, options), (added) =>
        OssEndpoint.urlOf(endpoint, target.bucket, target.key, queryString({ ...target.query, ...added }))
      )
    )
  }
}
