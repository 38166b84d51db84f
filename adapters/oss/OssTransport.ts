/**
 * One OSS request over Effect's HTTP client: address it, sign it (V1 or V4, or not at all for an anonymous local
 * store), send it, and turn any failure into an `ObjectStoreError`.
 *
 * Clock skew is corrected here: on `RequestTimeTooSkewed` the offset to the server's clock (its `ServerTime`, else
 * its `Date` header) is remembered for every later request, and the request is signed again and retried once.
 *
 * @since 0.1.0
 */
import * as Clock from "effect/Clock"
import * as Effect from "effect/Effect"
import * as HttpClient from "effect/http/HttpClient"
import * as HttpClientRequest from "effect/http/HttpClientRequest"
import * as Ref from "effect/Ref"
import { ObjectStoreError, type Operation } from "../../core/ports/ObjectStore.ts"
import type { OssCredentials } from "./OssCredentials.ts"
import { type OssEndpoint, unaddressableKey, urlOf } from "./OssEndpoint.ts"
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
  readonly credentials: OssCredentials | undefined
}

/** @category models */
export interface OssCall {
  readonly operation: Operation
  readonly method: "GET" | "PUT" | "POST" | "DELETE" | "HEAD"
  readonly bucket: string
  readonly key?: string
  /** Sub-resources and parameters; `""` for a valueless one (`uploads`). */
  readonly query?: Readonly<Record<string, string>>
  /** Lowercase names. */
  readonly headers?: Readonly<Record<string, string>>
  readonly body?: Uint8Array
}

/** @category models */
export interface OssAnswer {
  readonly status: number
  readonly headers: Readonly<Record<string, string>>
  readonly body: Uint8Array
}

/** @category models */
export interface OssTransport {
  readonly execute: (call: OssCall) => Effect.Effect<OssAnswer, ObjectStoreError>
  /** The current correction added to the local clock when signing, in ms. */
  readonly clockOffsetMs: Effect.Effect<number>
}

const queryString = (query: Readonly<Record<string, string>>): string =>
  Object.entries(query)
    .map(([k, v]) => (v === "" ? encodeURIComponent(k) : `${encodeURIComponent(k)}=${encodeURIComponent(v)}`))
    .join("&")

const utf8 = new TextDecoder()

/** @category constructors */
export const make = (config: OssClientConfig): Effect.Effect<OssTransport, never, HttpClient.HttpClient> =>
  Effect.gen(function* () {
    const client = yield* HttpClient.HttpClient
    const offsetMs = yield* Ref.make(0)

    const signedHeaders = (call: OssCall, nowMs: number) => {
      const headers = { ...call.headers }
      if (config.credentials === undefined) return Effect.succeed(headers)
      const request = {
        method: call.method,
        bucket: call.bucket,
        key: call.key ?? "",
        query: call.query ?? {},
        headers,
        date: nowMs
      }
      const signed =
        config.signatureVersion === "v4"
          ? OssSignatureV4.sign(request, config.credentials, { region: config.region })
          : OssSignatureV1.sign(request, config.credentials)
      return Effect.map(signed, (added) => ({ ...headers, ...added }))
    }

    const once = (call: OssCall) =>
      Effect.gen(function* () {
        const nowMs = (yield* Clock.currentTimeMillis) + (yield* Ref.get(offsetMs))
        const headers = yield* signedHeaders(call, nowMs)
        const url = urlOf(config.endpoint, call.bucket, call.key, queryString(call.query ?? {}))
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

    const execute = (call: OssCall): Effect.Effect<OssAnswer, ObjectStoreError> =>
      Effect.gen(function* () {
        const unaddressable = unaddressableKey(call.operation, call.key)
        if (unaddressable !== undefined) return yield* Effect.fail(unaddressable)
        for (let attempt = 0; ; attempt++) {
          const answer = yield* once(call)
          if (answer.status < 300 || (answer.status === 304 && call.method === "HEAD")) return answer
          if (call.operation === "CompleteMultipartUpload" && answer.status === 203) return answer // callback failed, object exists
          const text = utf8.decode(answer.body)
          const error = toObjectStoreError(call.operation, answer.status, answer.headers, text)
          if (error.code !== "RequestTimeTooSkewed" || attempt > 0) return yield* Effect.fail(error)
          const serverMs = serverTimeMs(call.operation, answer.headers, text)
          if (serverMs === undefined) return yield* Effect.fail(error)
          const localMs = yield* Clock.currentTimeMillis
          yield* Ref.set(offsetMs, serverMs - localMs)
        }
      })

    return { execute, clockOffsetMs: Ref.get(offsetMs) }
  })

/** The server's clock from a skew error: `ServerTime` in the body, else the `Date` header. */
const serverTimeMs = (
  operation: Operation,
  headers: Readonly<Record<string, string>>,
  text: string
): number | undefined => {
  const fromBody = errorBodyOf(operation, headers, text)?.extras.ServerTime
  for (const candidate of [fromBody, headers.date]) {
    const ms = candidate === undefined ? Number.NaN : Date.parse(candidate)
    if (Number.isFinite(ms) && ms > 0) return ms
  }
  return undefined
}
