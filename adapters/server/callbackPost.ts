/**
 * Sends the upload callback POST (protocol.md §4) with `node:http`, which, unlike `fetch`, may set the `Host` header
 * `callbackHost` asks for. Bounded: one attempt per URL (OSS does not retry), a timeout per attempt, a capped reply.
 * Success is a 200 whose body is JSON, as OSS demands; the reply is relayed to the client.
 *
 * @since 0.1.0
 */
import { request } from "node:http"
import type { CallbackSpec } from "./uploadCallback.ts"

/** @category models */
export type CallbackOutcome =
  | { readonly ok: true; readonly body: Uint8Array }
  | { readonly ok: false; readonly message: string }

/** @category models */
export interface CallbackLimits {
  readonly timeoutMs: number
  readonly replyBytesMax: number
}

const postOnce = (url: URL, spec: CallbackSpec, body: string, limits: CallbackLimits): Promise<CallbackOutcome> =>
  new Promise((resolve) => {
    let settled = false
    const settle = (outcome: CallbackOutcome) => {
      if (settled) return
      settled = true
      resolve(outcome)
    }
    const payload = Buffer.from(body, "utf8")
    const req = request(url, {
      method: "POST",
      headers: {
        "Content-Type": spec.bodyType,
        "Content-Length": String(payload.length),
        ...(spec.host === undefined ? {} : { Host: spec.host })
      },
      timeout: limits.timeoutMs
    })
    req.on("timeout", () => {
      req.destroy()
      settle({ ok: false, message: "Error status : -1 (timeout)." })
    })
    req.on("error", (error) => settle({ ok: false, message: `Error status : -1 (${error.message}).` }))
    req.on("response", (res) => {
      if (res.statusCode !== 200) {
        res.resume()
        settle({ ok: false, message: `Error status : ${res.statusCode ?? 0}.` })
        return
      }
      const chunks: Array<Buffer> = []
      let receivedBytes = 0
      res.on("data", (chunk: Buffer) => {
        receivedBytes += chunk.length
        if (receivedBytes > limits.replyBytesMax) {
          res.destroy()
          settle({ ok: false, message: "Response body is too large." })
        } else chunks.push(chunk)
      })
      res.on("error", (error) => settle({ ok: false, message: `Error status : -1 (${error.message}).` }))
      res.on("end", () => {
        const reply = Buffer.concat(chunks)
        try {
          JSON.parse(reply.toString("utf8"))
        } catch {
          settle({ ok: false, message: "Response body is not valid json format." })
          return
        }
        settle({ ok: true, body: new Uint8Array(reply) })
      })
    })
    req.end(payload)
  })

/** POSTs `body` to each URL in turn until one succeeds; the last failure otherwise. @category utils */
export const postCallback = async (
  spec: CallbackSpec,
  body: string,
  limits: CallbackLimits
): Promise<CallbackOutcome> => {
  let outcome: CallbackOutcome = { ok: false, message: "No callback URL." }
  for (const url of spec.urls) {
    outcome = await postOnce(url, spec, body, limits)
    if (outcome.ok) return outcome
  }
  return outcome
}
