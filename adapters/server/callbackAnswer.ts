/**
 * The answer to a Complete or PutObject that carried `x-oss-callback` (protocol.md §4): the object already exists;
 * the callback POST decides between `200` with the callback server's JSON and `203 CallbackFailed`. Both keep the
 * object's ETag and CRC-64 headers, as OSS does.
 *
 * @since 0.1.0
 */
import { postCallback } from "./callbackPost.ts"
import type { RequestContext } from "./requestContext.ts"
import { sendBody, sendError } from "./responses.ts"
import type { ObjectMeta } from "./ServerStore.ts"
import * as ServerErrors from "./serverErrors.ts"
import { type CallbackSpec, fillTemplate } from "./uploadCallback.ts"

/** @category handlers */
export const answerWithCallback = async (
  ctx: RequestContext,
  spec: CallbackSpec,
  object: ObjectMeta,
  storedHeaders: Readonly<Record<string, string>>
): Promise<void> => {
  const body = fillTemplate(spec, {
    bucket: object.bucket,
    object: object.key,
    etag: object.etag.replace(/"/g, ""),
    size: object.sizeBytes,
    mimeType: object.contentType ?? "application/octet-stream",
    crc64: BigInt.asUintN(64, object.crc64).toString()
  })
  const limits = ctx.options.limits
  const outcome = await postCallback(spec, body, {
    timeoutMs: limits.callbackTimeoutMs,
    replyBytesMax: limits.callbackReplyBytesMax
  })
  if (outcome.ok) sendBody(ctx.ex, 200, outcome.body, { "Content-Type": "application/json", ...storedHeaders })
  else sendError(ctx.ex, ServerErrors.callbackFailed(outcome.message), storedHeaders)
}
