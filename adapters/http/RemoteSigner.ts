/**
 * The stores' presigned mode: instead of holding keys, a store asks a signing endpoint (a URL speaking
 * {@link ./SignWire.ts}, e.g. `@resumable-upload/signer`) or a function for each request's URL, then sends the
 * request there. Both dialects use it, which is why it lives here and not in either.
 *
 * A call becomes a {@link SignRequest}: `uploadId`/`partNumber` lifted out of the query, `content-md5` and
 * `content-type` out of the headers, the body's length as `sizeBytes`. An endpoint's 403 (a policy refusal) is a
 * `Remote` error with code `SignerRefused` naming the rule, which no retry fixes; an unreachable endpoint or a 5xx
 * is a `Transport` error, retried like any other.
 *
 * @since 0.2.0
 */
import { ObjectStoreError } from "@resumable-upload/core/ports/ObjectStore"
import * as Effect from "effect/Effect"
import * as HttpClient from "effect/http/HttpClient"
import * as HttpClientRequest from "effect/http/HttpClientRequest"
import type { SignAnswer, SignRefusal, SignRequest } from "./SignWire.ts"
import type { StoreCall, StoreTransport } from "./StoreCall.ts"
import type { SignedRequest } from "./StoreExecutor.ts"
import * as StoreExecutor from "./StoreExecutor.ts"

/**
 * A signing endpoint's URL, or a function answering a URL (the call's own headers are then sent), a
 * {@link SignAnswer}, or the endpoint's {@link SignRefusal} (failed as a refusal, not retried). @category models
 */
export type SignerOption = string | ((request: SignRequest) => Promise<string | SignAnswer | SignRefusal>)

/** Longest signing-endpoint answer read. @category constants */
export const maxAnswerBytes = 64 * 1024

/** The sign request for a store call. @category utils */
export const signRequestOf = (call: StoreCall): SignRequest => {
  const { uploadId, partNumber, uploads: _, ...query } = call.query ?? {}
  const {
    "content-md5": contentMd5,
    "content-type": contentType,
    "content-length": __,
    ...headers
  } = call.headers ?? {}
  return {
    operation: call.operation,
    bucket: call.bucket,
    key: call.key ?? "",
    ...(uploadId === undefined ? {} : { uploadId }),
    ...(partNumber === undefined ? {} : { partNumber: Number(partNumber) }),
    ...(contentMd5 === undefined ? {} : { contentMd5 }),
    ...(contentType === undefined ? {} : { contentType }),
    ...(call.body === undefined ? {} : { sizeBytes: call.body.length }),
    ...(Object.keys(query).length === 0 ? {} : { query }),
    ...(Object.keys(headers).length === 0 ? {} : { headers })
  }
}

const failure = (call: StoreCall, reason: "Transport" | "Remote", status: number, code: string, message: string) =>
  new ObjectStoreError({ operation: call.operation, reason, status, code, message })

const isAnswer = (value: unknown): value is SignAnswer =>
  typeof value === "object" &&
  value !== null &&
  typeof (value as SignAnswer).url === "string" &&
  typeof (value as SignAnswer).headers === "object"

// A function may answer the endpoint's refusal as it came (403 body), so a policy refusal reads the same either way.
const isRefusal = (value: unknown): value is SignRefusal =>
  typeof value === "object" &&
  value !== null &&
  ((value as SignRefusal).error === "PolicyRefused" || (value as SignRefusal).error === "BadSignRequest") &&
  typeof (value as SignRefusal).message === "string"

const refused = (call: StoreCall, status: number, refusal: SignRefusal): ObjectStoreError => {
  const rule = refusal.rule === undefined ? "" : `, rule ${refusal.rule}`
  const message = `signing endpoint refused ${call.operation} (${status}${rule}): ${refusal.message}`
  return failure(call, "Remote", status, refusal.rule === undefined ? "SignerRejected" : "SignerRefused", message)
}

/**
 * A function from a store call to its signed URL and headers, asking `option`. Needs the `HttpClient` the store
 * sends with (the endpoint is reached the same way).
 *
 * @category constructors
 */
export const make = (
  option: SignerOption
): Effect.Effect<(call: StoreCall) => Effect.Effect<SignedRequest, ObjectStoreError>, never, HttpClient.HttpClient> =>
  Effect.gen(function* () {
    const client = yield* HttpClient.HttpClient
    return (call: StoreCall) => signWith(client, option, call)
  })

const signWith = (
  client: HttpClient.HttpClient,
  option: SignerOption,
  call: StoreCall
): Effect.Effect<SignedRequest, ObjectStoreError> => {
  const sign = signRequestOf(call)
  if (typeof option === "function") {
    return Effect.tryPromise({
      try: () => option(sign),
      catch: (e) => failure(call, "Transport", 0, "SignerFailed", `signer function failed: ${String(e)}`)
    }).pipe(
      Effect.flatMap((answer) =>
        typeof answer === "string" && /^https?:\/\//.test(answer)
          ? Effect.succeed({ url: answer, headers: call.headers ?? {} })
          : isAnswer(answer)
            ? Effect.succeed({ url: answer.url, headers: answer.headers })
            : isRefusal(answer)
              ? Effect.fail(refused(call, 403, answer))
              : Effect.fail(
                  failure(
                    call,
                    "Remote",
                    0,
                    "SignerRejected",
                    `signer function answered ${JSON.stringify(answer).slice(0, 200)} for ${call.operation}, ` +
                      "not an http(s) URL or { url, headers }"
                  )
                )
      )
    )
  }
  const request = HttpClientRequest.post(option).pipe(HttpClientRequest.bodyJsonUnsafe(sign))
  return Effect.gen(function* () {
    const transport = (e: { readonly message: string }) =>
      failure(call, "Transport", 0, "SignerUnreachable", `signing endpoint ${option}: ${e.message}`)
    const response = yield* client.execute(request).pipe(Effect.mapError(transport))
    const text = yield* response.text.pipe(Effect.mapError(transport))
    if (text.length > maxAnswerBytes) {
      return yield* failure(call, "Transport", response.status, "SignerAnswer", "signing endpoint answer too large")
    }
    let body: unknown
    try {
      body = JSON.parse(text)
    } catch {
      body = undefined
    }
    if (response.status === 200 && isAnswer(body)) return { url: body.url, headers: body.headers }
    const refusal = body as Partial<SignRefusal> | undefined
    const judged = { error: "BadSignRequest", ...refusal, message: refusal?.message ?? text.slice(0, 200) } as const
    const { status } = response
    // 4xx: the endpoint judged this request (policy, bad input); asking again gets the same answer.
    return yield* status >= 400 && status < 500
      ? refused(call, status, judged)
      : failure(call, "Transport", status, "SignerUnavailable", refused(call, status, judged).message)
  })
}

/**
 * A store's transport in presigned mode, the same for both dialects: every call is signed by `option` and sent by
 * the executor like any other. There is no clock to correct: the signer's clock is the one the store judges.
 *
 * @category constructors
 */
export const transport = (
  option: SignerOption,
  dialect: Pick<StoreExecutor.StoreDialect, "toError" | "accepts">
): Effect.Effect<StoreTransport, never, HttpClient.HttpClient> =>
  Effect.flatMap(make(option), (remote) =>
    StoreExecutor.make({
      ...dialect,
      signer: (call) => Effect.succeed(() => remote(call)),
      skewedServerMs: () => undefined
    })
  )
