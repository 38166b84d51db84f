/**
 * One OSS request: addressed by {@link ./OssEndpoint.ts} and signed V1 or V4 (or not at all for an anonymous local
 * store), then sent by the shared {@link ../http/StoreExecutor.ts}, which also turns failures into
 * `ObjectStoreError`s (with {@link ./OssErrorMapping.ts}) and corrects clock skew.
 *
 * OSS's skew error is `RequestTimeTooSkewed`; the server's clock is its `ServerTime`, else its `Date` header. A
 * `304` to a HEAD is an answer, not a failure.
 *
 * @since 0.1.0
 */

import * as CachedCredentials from "@resumable-upload/http/CachedCredentials"
import * as RemoteSigner from "@resumable-upload/http/RemoteSigner"
import type { StoreCall, StoreTransport } from "@resumable-upload/http/StoreCall"
import * as StoreExecutor from "@resumable-upload/http/StoreExecutor"
import * as Effect from "effect/Effect"
import type * as HttpClient from "effect/http/HttpClient"
import * as OssCredentials from "./OssCredentials.ts"
import { type OssEndpoint, urlOf } from "./OssEndpoint.ts"
import { errorBodyOf, toObjectStoreError } from "./OssErrorMapping.ts"
import * as OssSignatureV1 from "./OssSignatureV1.ts"
import * as OssSignatureV4 from "./OssSignatureV4.ts"

/** @category models */
export interface OssClientConfig {
  readonly endpoint: OssEndpoint
  /** Region id for V4 scopes, e.g. `cn-hangzhou`. */
  readonly region: string
  readonly signatureVersion: "v1" | "v4"
  /** `undefined` sends unsigned requests (the embedded local store). */
  readonly credentials: OssCredentials.OssCredentials | undefined
  /** Temporary credentials (STS), fetched when needed and refreshed shortly before they expire; replaces `credentials`. */
  readonly credentialsProvider?: CachedCredentials.CredentialsProvider
  /**
   * Presigned mode: a signing endpoint's URL or a function that answers each request's URL, so the page holds no
   * keys (`credentials` and `credentialsProvider` are then unused).
   */
  readonly signer?: RemoteSigner.SignerOption
}

const queryString = (query: Readonly<Record<string, string>>): string =>
  Object.entries(query)
    .map(([k, v]) => (v === "" ? encodeURIComponent(k) : `${encodeURIComponent(k)}=${encodeURIComponent(v)}`))
    .join("&")

/** OSS answers a conditional HEAD with 304, which is an answer, not a failure. */
const notModified = (call: StoreCall, answer: { readonly status: number }): boolean =>
  answer.status === 304 && call.method === "HEAD"

/** @category constructors */
export const make = (config: OssClientConfig): Effect.Effect<StoreTransport, never, HttpClient.HttpClient> =>
  config.signer === undefined
    ? signingTransport(config)
    : RemoteSigner.transport(config.signer, { toError: toObjectStoreError, accepts: notModified })

const fromTemporary = (fresh: CachedCredentials.TemporaryCredentials): OssCredentials.OssCredentials =>
  OssCredentials.make({
    accessKeyId: fresh.accessKeyId,
    accessKeySecret: fresh.secretAccessKey,
    securityToken: fresh.sessionToken
  })

const signingTransport = (config: OssClientConfig): Effect.Effect<StoreTransport, never, HttpClient.HttpClient> => {
  const credentialsNow =
    config.credentialsProvider === undefined
      ? Effect.succeed(config.credentials)
      : Effect.map(CachedCredentials.make(config.credentialsProvider), fromTemporary)
  const signedHeaders = (call: StoreCall, nowMs: number): Effect.Effect<Readonly<Record<string, string>>> =>
    Effect.flatMap(credentialsNow, (credentials) => signWith(call, nowMs, credentials))
  const signWith = (
    call: StoreCall,
    nowMs: number,
    credentials: OssCredentials.OssCredentials | undefined
  ): Effect.Effect<Readonly<Record<string, string>>> => {
    const headers = { ...call.headers }
    if (credentials === undefined) return Effect.succeed(headers)
    const request = {
      method: call.method,
      // A service-level call (ListBuckets) names no bucket: the resource is `/`.
      ...(call.bucket === "" ? {} : { bucket: call.bucket }),
      key: call.key ?? "",
      query: call.query ?? {},
      headers,
      date: nowMs
    }
    const signed =
      config.signatureVersion === "v4"
        ? OssSignatureV4.sign(request, credentials, { region: config.region })
        : OssSignatureV1.sign(request, credentials)
    return Effect.map(signed, (added) => ({ ...headers, ...added }))
  }
  return StoreExecutor.make({
    signer: (call) =>
      Effect.succeed((nowMs: number) =>
        Effect.map(signedHeaders(call, nowMs), (headers) => ({
          url: urlOf(
            config.endpoint,
            call.bucket === "" ? undefined : call.bucket,
            call.key,
            queryString(call.query ?? {})
          ),
          headers
        }))
      ),
    accepts: notModified,
    toError: toObjectStoreError,
    // The server's clock from a skew error: `ServerTime` in the body, else the `Date` header.
    skewedServerMs: ({ call, answer, text, error }) =>
      error.code === "RequestTimeTooSkewed"
        ? StoreExecutor.firstTimeMs(
            [errorBodyOf(call.operation, answer.headers, text)?.extras.ServerTime, answer.headers.date],
            Date.parse
          )
        : undefined
  })
}
