/**
 * A scripted `HttpClient` for adapter unit tests: it records every request (method, URL, headers, body) and answers
 * each with the next canned reply, so request shapes and response handling are tested without a server.
 */
import * as Effect from "effect/Effect"
import * as HttpClient from "effect/http/HttpClient"
import * as HttpClientError from "effect/http/HttpClientError"
import * as HttpClientResponse from "effect/http/HttpClientResponse"
import * as Layer from "effect/Layer"

/** One request as the client sent it; header names lowercase, `host` as fetch would write it. */
export interface Recorded {
  readonly method: string
  readonly url: URL
  readonly headers: Readonly<Record<string, string>>
  readonly body: Uint8Array
}

/** A canned answer; `"network"` fails the request as a transport error. */
export type Reply =
  | { readonly status?: number; readonly headers?: Readonly<Record<string, string>>; readonly body?: string }
  | "network"

/** The client, its layer and what it recorded; replies are used in order (a function sees the request). */
export const make = (replies: ReadonlyArray<Reply | ((request: Recorded) => Reply)>) => {
  const recorded: Array<Recorded> = []
  const client = HttpClient.make((request, url) =>
    Effect.suspend(() => {
      const body = request.body._tag === "Uint8Array" ? request.body.body : new Uint8Array()
      const headers: Record<string, string> = { host: url.host }
      for (const [name, value] of Object.entries(request.headers)) headers[name.toLowerCase()] = String(value)
      const entry = { method: request.method, url, headers, body }
      recorded.push(entry)
      const next = replies[recorded.length - 1] ?? { status: 599, body: "script exhausted" }
      const reply = typeof next === "function" ? next(entry) : next
      if (reply === "network") {
        return Effect.fail(
          new HttpClientError.HttpClientError({
            reason: new HttpClientError.TransportError({ request, description: "connection reset" })
          })
        )
      }
      const status = reply.status ?? 200
      const text = status === 204 || status === 304 || reply.body === undefined ? null : reply.body
      return Effect.succeed(
        HttpClientResponse.fromWeb(request, new Response(text, { status, headers: reply.headers ?? {} }))
      )
    })
  )
  return { client, layer: Layer.succeed(HttpClient.HttpClient, client), recorded }
}
