/**
 * The request loop both dialects share, over Effect's HTTP client (fetch-based, so it runs in Node, Deno, browsers
 * and workers): refuse a key no URL can carry, address and sign the call the dialect's way, send it, read the
 * answer, and turn a failure into an `ObjectStoreError` with the dialect's error mapping.
 *
 * Clock skew is corrected here: when the dialect reads a failure as the signing clock being off and finds the
 * server's clock in it, the offset to that clock is remembered for every later request, and the request is signed
 * again and retried once.
 *
 * Bodies go out as bytes, or wrapped in a `Blob` in browsers, where Chromium sends byte bodies ten times slower
 * (RequestBodyForm.ts says why and how to override it).
 *
 * @since 0.1.0
 */

import { ObjectStoreError } from "@resumable-upload/core/ports/ObjectStore"
import * as Clock from "effect/Clock"
import * as Effect from "effect/Effect"
import * as HttpClient from "effect/http/HttpClient"
import * as HttpClientRequest from "effect/http/HttpClientRequest"
import * as Ref from "effect/Ref"
import type { ErrorMapping } from "./RemoteErrors.ts"
import * as RequestBodyForm from "./RequestBodyForm.ts"
import { type StoreAnswer, type StoreCall, type StoreTransport, textOf, unaddressableKey } from "./StoreCall.ts"

/** Where one attempt goes and the headers it carries, signature included. @category models */
export interface SignedRequest {
  readonly url: string
  readonly headers: Readonly<Record<string, string>>
}

/** Signs one attempt of a call at a time (the local clock plus the skew correction), in ms. @category models */
export type Signer = (nowMs: number) => Effect.Effect<SignedRequest, ObjectStoreError>

/** A failed answer, as the skew check sees it. @category models */
export interface Failure {
  readonly call: StoreCall
  readonly answer: StoreAnswer
  readonly text: string
  readonly error: ObjectStoreError
  /** The clock the next request would be signed with (local clock plus the current correction), in ms. */
  readonly signingClockMs: number
}

/** What a dialect tells the executor. @category models */
export interface StoreDialect {
  /** Done once per call, before any attempt (what does not depend on the time, such as a payload hash). */
  readonly signer: (call: StoreCall) => Effect.Effect<Signer>
  /** Whether a status of 300 or more is an answer, not a failure (OSS: `304` to a HEAD). 2xx always is. */
  readonly accepts?: (call: StoreCall, answer: StoreAnswer) => boolean
  readonly toError: ErrorMapping
  /** The server's clock (ms since the epoch) when the failure says the signing clock was off; else `undefined`. */
  readonly skewedServerMs: (failure: Failure) => number | undefined
}

/** @category constructors */
export const make = (dialect: StoreDialect): Effect.Effect<StoreTransport, never, HttpClient.HttpClient> =>
  Effect.gen(function* () {
    const client = yield* HttpClient.HttpClient
    const offsetMs = yield* Ref.make(0)

    const once = (call: StoreCall, signer: Signer) =>
      Effect.gen(function* () {
        const nowMs = (yield* Clock.currentTimeMillis) + (yield* Ref.get(offsetMs))
        const { url, headers } = yield* signer(nowMs)
        let request = HttpClientRequest.make(call.method)(url).pipe(HttpClientRequest.setHeaders(headers))
        if (call.body !== undefined) {
          const form = yield* RequestBodyForm.RequestBodyForm // a Blob in browsers: see RequestBodyForm.ts
          const body = yield* RequestBodyForm.makeYielding(call.body, headers["content-type"], form)
          request = HttpClientRequest.setBody(request, body)
        }
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

    const execute = (call: StoreCall): Effect.Effect<StoreAnswer, ObjectStoreError> =>
      Effect.gen(function* () {
        const unaddressable = unaddressableKey(call.operation, call.key)
        if (unaddressable !== undefined) return yield* Effect.fail(unaddressable)
        const signer = yield* dialect.signer(call)
        for (let attempt = 0; ; attempt++) {
          const answer = yield* once(call, signer)
          if (answer.status < 300 || dialect.accepts?.(call, answer) === true) return answer
          const text = textOf(answer)
          const error = dialect.toError(call.operation, answer.status, answer.headers, text)
          if (attempt > 0) return yield* Effect.fail(error)
          const localMs = yield* Clock.currentTimeMillis
          const signingClockMs = localMs + (yield* Ref.get(offsetMs))
          const serverMs = dialect.skewedServerMs({ call, answer, text, error, signingClockMs })
          if (serverMs === undefined) return yield* Effect.fail(error)
          yield* Ref.set(offsetMs, serverMs - localMs)
        }
      })

    return { execute, clockOffsetMs: Ref.get(offsetMs) }
  })

/**
 * The server's clock from a skew error: the first of `candidates` (its `ServerTime`, its `Date` header) that
 * `parse` reads as a positive time, in ms since the epoch.
 *
 * @category utils
 */
export const firstTimeMs = (
  candidates: ReadonlyArray<string | undefined>,
  parse: (text: string) => number
): number | undefined => {
  for (const candidate of candidates) {
    const ms = candidate === undefined ? Number.NaN : parse(candidate)
    if (Number.isFinite(ms) && ms > 0) return ms
  }
  return undefined
}
