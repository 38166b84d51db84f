/**
 * A small request body held in memory (the Complete XML): read under the server's limits (requestBody.ts) and, in the
 * S3 dialect, checked against `x-amz-content-sha256` (in OSS, against a hex `x-oss-content-sha256`) and un-chunked
 * when aws-chunked (s3Payload.ts). Stored bodies (parts, objects) stream to disk instead (bodyIngest.ts).
 *
 * @since 0.1.0
 */
import type { ModelError } from "@resumable-upload/sim/MultipartModel"
import { claimError, sha256Hex } from "./payloadClaim.ts"
import { type BodyLimits, readBody } from "./requestBody.ts"
import type { RequestContext } from "./requestContext.ts"
import { s3Payload } from "./s3Payload.ts"

/**
 * `closeConnection`: refused before the body was read to its end. `aborted`: the client went away, nobody to answer.
 *
 * @category models
 */
export type PayloadReceipt =
  | { readonly ok: true; readonly bytes: Uint8Array; readonly echo: Readonly<Record<string, string>> }
  | { readonly ok: false; readonly error: ModelError; readonly closeConnection: boolean; readonly aborted?: true }

/** @category models */
export type PayloadOptions = Omit<BodyLimits, "budget">

/** Reads and, for S3, decodes and checks the body. Never rejects. @category constructors */
export const receivePayload = async (ctx: RequestContext, options: PayloadOptions): Promise<PayloadReceipt> => {
  const s3 = ctx.ex.dialect === "s3"
  // aws-chunked bodies of unknown length arrive chunked, with the decoded length in their own header.
  const requireLength = options.requireLength && !(s3 && ctx.headers["x-amz-decoded-content-length"] !== undefined)
  const body = await readBody(ctx.ex.req, { ...options, requireLength, budget: ctx.budget })
  if (!body.ok)
    return { ok: false, error: body.error, closeConnection: true, ...(body.aborted ? { aborted: true } : {}) }
  if (!s3) {
    // OSS V4 may sign the body's hash in x-oss-content-sha256; then it must be the hash of what arrived.
    const error = claimError("oss", ctx.headers, () => sha256Hex(body.bytes))
    return error === undefined
      ? { ok: true, bytes: body.bytes, echo: {} }
      : { ok: false, error, closeConnection: false }
  }
  const decoded = s3Payload(ctx.headers, body.bytes)
  if (!decoded.ok) return { ok: false, error: decoded.error, closeConnection: false }
  return { ok: true, bytes: decoded.payload.bytes, echo: {} }
}
