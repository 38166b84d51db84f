/**
 * One S3 request over Effect's HTTP client: address it (path-style or virtual-hosted), sign it with SigV4 (or not
 * at all for an anonymous local store), send it, and turn any failure into an `ObjectStoreError`.
 *
 * The payload is `UNSIGNED-PAYLOAD` by default (the body's integrity is Content-MD5's job, and hashing it twice
 * costs CPU), or its real SHA-256 with `payloadSigning: "signed"`. Clock skew is corrected here, as in the OSS
 * transport: on `RequestTimeTooSkewed` the offset to the server's clock (its `ServerTime`, else its `Date` header)
 * is kept for every later request, and the request is signed again and retried once. A HEAD's error has no body,
 * so a bodiless `403` whose `Date` is more than five minutes off counts as skew too.
 *
 * @since 0.1.0
 */
import * as Clock from "effect/Clock"
import * as Effect from "effect/Effect"
import * as HttpClient from "effect/http/HttpClient"
import * as HttpClientRequest from "effect/http/HttpClientRequest"
import * as Ref from "effect/Ref"
import { ObjectStoreError, type Operation } from "../../core/ports/ObjectStore.ts"
import { uriEncode } from "../oss/OssCanonical.ts"
import { toHex } from "../oss/OssCrypto.ts"
import { unaddressableKey } from "../oss/OssEndpoint.ts"
import { emptyPayloadSha256, encodePath, parseAmzDate, unsignedPayload } from "./S3Canonical.ts"
import type { S3Credentials } from "./S3Credentials.ts"
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
  readonly credentials: S3Credentials | undefined
  /** `"unsigned"` (default): `UNSIGNED-PAYLOAD`; `"signed"`: the body's SHA-256 is signed. */
  readonly payloadSigning?: "unsigned" | "signed"
}

/** @category models */
export interface S3Call {
  readonly operation: Operation
  readonly method: "GET" | "PUT" | "POST" | "DELETE" | "HEAD"
  readonly bucket: string
  readonly key?: string
  /** Decoded parameters; `""` for a valueless one (`uploads`). */
  readonly query?: Readonly<Record<string, string>>
  /** Lowercase names. */
  readonly headers?: Readonly<Record<string, string>>
  readonly body?: Uint8Array
}

/** @category models */
export interface S3Answer {
  readonly status: number
  readonly headers: Readonly<Record<string, string>>
  readonly body: Uint8Array
}

/** @category models */
export interface S3Transport {
  readonly execute: (call: S3Call) => Effect.Effect<S3Answer, ObjectStoreError>
  /** The current correction added to the local clock when signing, in ms. */
  readonly clockOffsetMs: Effect.Effect<number>
}

/** The wire query, encoded exactly as the canonical query encodes it, so URL and signature cannot diverge. */
const queryString = (query: Readonly<Record<string, string>>): string =>
  Object.entries(query)
    .map(([k, v]) => (v === "" ? uriEncode(k) : `${uriEncode(k)}=${uriEncode(v)}`))
    .join("&")

const sha256Hex = (bytes: Uint8Array): Effect.Effect<string> =>
  Effect.promise(async () => toHex(new Uint8Array(await crypto.subtle.digest("SHA-256", new Uint8Array(bytes)))))

const utf8 = new TextDecoder()

/** S3 refuses requests 15 minutes off; a bodiless 403 with a server clock 5 minutes off is taken as skew. */
const suspiciousSkewMs = 5 * 60_000

/** @category constructors */
export const make = (config: S3ClientConfig): Effect.Effect<S3Transport, never, HttpClient.HttpClient> =>
  Effect.gen(function* () {
    const client = yield* HttpClient.HttpClient
    const offsetMs = yield* Ref.make(0)

    const payloadOf = (call: S3Call): Effect.Effect<S3Payload> => {
      if (config.payloadSigning !== "signed") return Effect.succeed(unsignedPayload)
      if (call.body === undefined || call.body.length === 0) return Effect.succeed({ sha256Hex: emptyPayloadSha256 })
      return Effect.map(sha256Hex(call.body), (hex) => ({ sha256Hex: hex }))
    }

    const once = (call: S3Call, payload: S3Payload) =>
      Effect.gen(function* () {
        const target = targetOf(config.endpoint, call.bucket, call.key)
        const query = call.query ?? {}
        let headers: Record<string, string> = { ...call.headers }
        if (config.credentials !== undefined) {
          const date = (yield* Clock.currentTimeMillis) + (yield* Ref.get(offsetMs))
          const request = { method: call.method, path: target.path, query, headers: { ...headers, host: target.host } }
          const added = yield* S3SignatureV4.sign({ ...request, date }, config.credentials, {
            region: config.region,
            payload
          })
          // `host` is signed but not set: fetch writes it from the URL, and browsers refuse to let a page set it.
          headers = { ...headers, ...added }
        }
        const search = queryString(query)
        const url = `${target.origin}${encodePath(target.path)}${search === "" ? "" : `?${search}`}`
        let request = HttpClientRequest.make(call.method)(url).pipe(HttpClientRequest.setHeaders(headers))
        if (call.body !== undefined)
          request = HttpClientRequest.bodyUint8Array(request, call.body, headers["content-type"])
        const transport = (e: { readonly message: string }) =>
          new ObjectStoreError({
            operation: call.operation,
            reason: "Transport",
            status: 0,
            code: "",
            message: e.message
          })
        const response = yield* client.execute(request).pipe(Effect.mapError(transport))
        const body = new Uint8Array(yield* response.arrayBuffer.pipe(Effect.mapError(transport)))
        return { status: response.status, headers: response.headers as Readonly<Record<string, string>>, body }
      })

    const execute = (call: S3Call): Effect.Effect<S3Answer, ObjectStoreError> =>
      Effect.gen(function* () {
        const unaddressable = unaddressableKey(call.operation, call.key)
        if (unaddressable !== undefined) return yield* Effect.fail(unaddressable)
        const payload = yield* payloadOf(call)
        for (let attempt = 0; ; attempt++) {
          const answer = yield* once(call, payload)
          if (answer.status < 300) return answer
          const text = utf8.decode(answer.body)
          const error = toObjectStoreError(call.operation, answer.status, answer.headers, text)
          if (attempt > 0 || config.credentials === undefined) return yield* Effect.fail(error)
          const serverMs = serverTimeMs(call.operation, answer.headers, text)
          if (serverMs === undefined) return yield* Effect.fail(error)
          const localMs = yield* Clock.currentTimeMillis
          const skewMs = serverMs - localMs - (yield* Ref.get(offsetMs))
          // A HEAD's 403 has no body to say why; a `Date` this far off says it (the AWS SDKs judge it the same way).
          const skewed =
            error.code === "RequestTimeTooSkewed" ||
            (answer.status === 403 && text.trim() === "" && Math.abs(skewMs) > suspiciousSkewMs)
          if (!skewed) return yield* Effect.fail(error)
          yield* Ref.set(offsetMs, serverMs - localMs)
        }
      })

    return { execute, clockOffsetMs: Ref.get(offsetMs) }
  })

/** The server's clock from a skew error: `ServerTime` in the body (ISO 8601, basic or extended), else `Date`. */
const serverTimeMs = (
  operation: Operation,
  headers: Readonly<Record<string, string>>,
  text: string
): number | undefined => {
  // Not `RequestTime`: S3 echoes the client's own (skewed) time there.
  for (const candidate of [errorBodyOf(operation, text)?.extras.ServerTime, headers.date]) {
    const ms = candidate === undefined ? Number.NaN : (parseAmzDate(candidate) ?? Date.parse(candidate))
    if (Number.isFinite(ms) && ms > 0) return ms
  }
  return undefined
}
