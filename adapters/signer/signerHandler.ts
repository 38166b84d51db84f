/**
 * `signerHandler(options)`: a signing endpoint as a web-standard `(request: Request) => Promise<Response>`, so the
 * same function serves from Node (`http` + a Request adapter, or any framework), Deno (`Deno.serve`) and workerd
 * (`export default { fetch }`). The page POSTs a {@link SignRequest} as JSON; the handler checks the policy and
 * answers a presigned URL ({@link SignAnswer}), or 403 `{ error: "PolicyRefused", rule, message }`, or 400 for a
 * malformed request. The store keys never leave the endpoint.
 *
 * Authenticating the page is the application's: `authorize` sees the raw request (cookie, bearer token) and the
 * decoded sign request, and may narrow the policy per user (a per-user `keyPrefix`).
 *
 * @since 0.2.0
 */
import * as CachedCredentials from "@resumable-upload/http/CachedCredentials"
import type { SignAnswer, SignRefusal, SignRequest } from "@resumable-upload/http/SignWire"
import * as Effect from "effect/Effect"
import * as OssPresign from "./OssPresign.ts"
import * as S3Presign from "./S3Presign.ts"
import * as SignPolicy from "./SignPolicy.ts"
import { BadSignRequest, decodeSignRequest } from "./SignRequestDecode.ts"
import { pageHeaders, type SigningKeys, targetOf } from "./SignTarget.ts"

/** @category models */
export type SignerStore =
  | ({ readonly dialect: "s3" } & S3Presign.S3PresignConfig)
  | ({ readonly dialect: "oss" } & OssPresign.OssPresignConfig)

/** @category models */
export interface SignerOptions {
  readonly store: SignerStore
  /** Static keys, or a provider of temporary ones (cached until 5 minutes before they expire). */
  readonly credentials: SigningKeys | CachedCredentials.CredentialsProvider
  readonly policy: SignPolicy.SignPolicyInput
  /** `false` refuses (403, rule `authorize`); a policy narrows the default one for this request. */
  readonly authorize?: (
    request: Request,
    sign: SignRequest
  ) => boolean | SignPolicy.SignPolicyInput | Promise<boolean | SignPolicy.SignPolicyInput>
  /** An origin allowed to call from a page (CORS); omitted: same-origin only. */
  readonly allowOrigin?: string
  /** Largest JSON body read; default 16 KiB. */
  readonly maxBodyBytes?: number
}

/** @category constructors */
export const signerHandler = (options: SignerOptions): ((request: Request) => Promise<Response>) => {
  const policy = SignPolicy.make(options.policy)
  const presign = options.store.dialect === "s3" ? S3Presign.make(options.store) : OssPresign.make(options.store)
  const keys: () => Promise<SigningKeys> =
    typeof options.credentials === "function"
      ? (
          (cached) => () =>
            Effect.runPromise(cached)
        )(CachedCredentials.make(options.credentials))
      : (
          (fixed) => () =>
            Promise.resolve(fixed)
        )(options.credentials)
  const maxBodyBytes = options.maxBodyBytes ?? 16_384
  const cors: Record<string, string> =
    options.allowOrigin === undefined
      ? {}
      : {
          "access-control-allow-origin": options.allowOrigin,
          "access-control-allow-methods": "POST",
          "access-control-allow-headers": "content-type, authorization",
          "access-control-max-age": "600",
          vary: "origin"
        }
  const json = (status: number, body: SignAnswer | SignRefusal): Response =>
    new Response(JSON.stringify(body), {
      status,
      headers: { "content-type": "application/json", "cache-control": "no-store", ...cors }
    })
  const badRequest = (message: string) => json(400, { error: "BadSignRequest", message })

  return async (request) => {
    if (request.method === "OPTIONS") {
      // Echo the asked-for headers: HTTP clients add their own (Effect's `traceparent`, `b3`), and the JSON body,
      // not a header, is what the policy judges.
      const asked = request.headers.get("access-control-request-headers")
      const headers: Record<string, string> = { ...cors }
      if (options.allowOrigin !== undefined && asked !== null) headers["access-control-allow-headers"] = asked
      return new Response(null, { status: 204, headers })
    }
    if (request.method !== "POST") return badRequest(`use POST with a JSON body, not ${request.method}`)
    const declared = Number(request.headers.get("content-length") ?? "0")
    if (declared > maxBodyBytes) return badRequest(`the body is larger than ${maxBodyBytes} bytes`)
    const body = await request.text()
    if (body.length > maxBodyBytes) return badRequest(`the body is larger than ${maxBodyBytes} bytes`)
    let sign: SignRequest
    try {
      sign = decodeSignRequest(JSON.parse(body))
    } catch (error) {
      if (error instanceof BadSignRequest) return badRequest(error.message)
      return badRequest("the body is not JSON")
    }
    let effective = policy
    if (options.authorize !== undefined) {
      const verdict = await options.authorize(request, sign)
      if (verdict === false) {
        return json(403, { error: "PolicyRefused", rule: "authorize", message: "the caller may not sign uploads" })
      }
      if (verdict !== true) effective = SignPolicy.make(verdict)
    }
    const refusal = SignPolicy.check(effective, sign)
    if (refusal !== undefined) return json(403, refusal)
    const nowMs = Date.now()
    const expiresInSeconds = sign.expiresInSeconds ?? effective.defaultExpiresInSeconds
    const target = targetOf(sign, nowMs, expiresInSeconds)
    const url = await presign(target, await keys())
    return json(200, {
      url,
      method: target.method,
      headers: pageHeaders(target),
      expiresAtMs: nowMs + expiresInSeconds * 1000
    })
  }
}
