/**
 * One S3 request: addressed path-style or virtual-hosted ({@link ./S3Endpoint.ts}) and signed with SigV4 (or not
 * at all for an anonymous local store), then sent by the shared {@link ../http/StoreExecutor.ts}, which also turns
 * failures into `ObjectStoreError`s (with {@link ./S3ErrorMapping.ts}) and corrects clock skew.
 *
 * The payload is `UNSIGNED-PAYLOAD` by default (the body's integrity is Content-MD5's job, and hashing it twice
 * costs CPU), or its real SHA-256 with `payloadSigning: "signed"`, hashed once per call however often it is sent.
 * A signed request that fails with `RequestTimeTooSkewed` is retried with the server's clock (its `ServerTime`,
 * else its `Date` header). A HEAD's error has no body, so a bodiless `403` whose `Date` is more than five minutes
 * off counts as skew too.
 *
 * @since 0.1.0
 */

import * as CachedCredentials from "@resumable-upload/http/CachedCredentials"
import { toHex } from "@resumable-upload/http/Crypto"
import * as RemoteSigner from "@resumable-upload/http/RemoteSigner"
import type { StoreCall, StoreTransport } from "@resumable-upload/http/StoreCall"
import * as StoreExecutor from "@resumable-upload/http/StoreExecutor"
import { uriEncode } from "@resumable-upload/http/UriEncoding"
import * as Effect from "effect/Effect"
import type * as HttpClient from "effect/http/HttpClient"
import { emptyPayloadSha256, encodePath, parseAmzDate, unsignedPayload } from "./S3Canonical.ts"
import * as S3Credentials from "./S3Credentials.ts"
import { type S3Endpoint, targetOf } from "./S3Endpoint.ts"
import { errorBodyOf, toObjectStoreError } from "./S3ErrorMapping.ts"
import * as S3SignatureV4 from "./S3SignatureV4.ts"
import type { S3Payload } from "./S3Signing.ts"

/** @category models */
export interface S3ClientConfig {
  readonly endpoint: S3Endpoint
  /** The SigV4 scope region, e.g. `us-east-1`. */
  readonly region: string
  /** `undefined` sends unsigned requests (an anonymous local store). */
  readonly credentials: S3Credentials.S3Credentials | undefined
  /** Temporary credentials, fetched when needed and refreshed shortly before they expire; replaces `credentials`. */
  readonly credentialsProvider?: CachedCredentials.CredentialsProvider
  /**
   * Presigned mode: a signing endpoint's URL or a function that answers each request's URL, so the page holds no
   * keys (`credentials` and `credentialsProvider` are then unused, and clock skew is the endpoint's business).
   */
  readonly signer?: RemoteSigner.SignerOption
  /** `"unsigned"` (default): `UNSIGNED-PAYLOAD`; `"signed"`: the body's SHA-256 is signed. */
  readonly payloadSigning?: "unsigned" | "signed"
}

/** The wire query, encoded exactly as the canonical query encodes it, so URL and signature cannot diverge. */
const queryString = (query: Readonly<Record<string, string>>): string =>
  Object.entries(query)
    .map(([k, v]) => (v === "" ? uriEncode(k) : `${uriEncode(k)}=${uriEncode(v)}`))
    .join("&")

const sha256Hex = (bytes: Uint8Array): Effect.Effect<string> =>
  Effect.promise(async () => toHex(new Uint8Array(await crypto.subtle.digest("SHA-256", new Uint8Array(bytes)))))

/** S3 refuses requests 15 minutes off; a bodiless 403 with a server clock 5 minutes off is taken as skew. */
const suspiciousSkewMs = 5 * 60_000

/** @category constructors */
export const make = (config: S3ClientConfig): Effect.Effect<StoreTransport, never, HttpClient.HttpClient> =>
  config.signer === undefined
    ? signingTransport(config)
    : RemoteSigner.transport(config.signer, { toError: toObjectStoreError })

const signingTransport = (config: S3ClientConfig): Effect.Effect<StoreTransport, never, HttpClient.HttpClient> => {
  const provided =
    config.credentialsProvider === undefined
      ? undefined
      : Effect.map(CachedCredentials.make(config.credentialsProvider), S3Credentials.make)
  const credentialsNow = provided ?? Effect.succeed(config.credentials)
  const payloadOf = (call: StoreCall): Effect.Effect<S3Payload> => {
    if (config.payloadSigning !== "signed") return Effect.succeed(unsignedPayload)
    if (call.body === undefined || call.body.length === 0) return Effect.succeed({ sha256Hex: emptyPayloadSha256 })
    return Effect.map(sha256Hex(call.body), (hex) => ({ sha256Hex: hex }))
  }

  const signer = (call: StoreCall) =>
    Effect.map(payloadOf(call), (payload) => (nowMs: number) => {
      const target = targetOf(config.endpoint, call.bucket, call.key)
      const query = call.query ?? {}
      const search = queryString(query)
      const url = `${target.origin}${encodePath(target.path)}${search === "" ? "" : `?${search}`}`
      const headers = { ...call.headers }
      const request = { method: call.method, path: target.path, query, headers: { ...headers, host: target.host } }
      return Effect.flatMap(credentialsNow, (credentials) =>
        credentials === undefined
          ? Effect.succeed({ url, headers })
          : Effect.map(
              S3SignatureV4.sign({ ...request, date: nowMs }, credentials, { region: config.region, payload }),
              // `host` is signed but not set: fetch writes it from the URL, and browsers refuse to let a page set it.
              (added) => ({ url, headers: { ...headers, ...added } })
            )
      )
    })

  return StoreExecutor.make({
    signer,
    toError: toObjectStoreError,
    skewedServerMs: ({ call, answer, text, error, signingClockMs }) => {
      if (config.credentials === undefined && provided === undefined) return undefined
      // Not `RequestTime`: S3 echoes the client's own (skewed) time there. `ServerTime` is ISO 8601, basic or extended.
      const serverMs = StoreExecutor.firstTimeMs(
        [errorBodyOf(call.operation, text)?.extras.ServerTime, answer.headers.date],
        (candidate) => parseAmzDate(candidate) ?? Date.parse(candidate)
      )
      if (serverMs === undefined) return undefined
      // A HEAD's 403 has no body to say why; a `Date` this far off says it (the AWS SDKs judge it the same way).
      const skewed =
        error.code === "RequestTimeTooSkewed" ||
        (answer.status === 403 && text.trim() === "" && Math.abs(serverMs - signingClockMs) > suspiciousSkewMs)
      return skewed ? serverMs : undefined
    }
  })
}
