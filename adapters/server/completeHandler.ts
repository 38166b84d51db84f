/**
 * CompleteMultipartUpload over HTTP (protocol.md §1.3, §4): the parts come from the XML body or, with
 * `x-oss-complete-all: yes`, from the upload itself (a body is then an error); `x-oss-forbid-overwrite: true` keeps
 * an existing object; an `x-oss-callback` is validated first and POSTed once the object exists, turning the answer
 * into the callback server's JSON (200) or `203 CallbackFailed` (the object stays). In the S3 dialect none of these
 * OSS headers apply, the S3 minimum part size does (5 MiB unless `storeLimits` says otherwise), and the answer is
 * S3's namespaced result; full-object `x-amz-checksum-*` headers and `Checksum*` part elements are accepted unchecked.
 *
 * @since 0.1.0
 */

import { parseCompleteBody } from "@resumable-upload/http/CompleteXml"
import { encodeKey } from "@resumable-upload/oss/OssEndpoint"
import { malformedXml } from "@resumable-upload/sim/modelErrors"
import * as Result from "effect/Result"
import { answerWithCallback } from "./callbackAnswer.ts"
import { encodingOf, type ObjectContext, storedHeaders } from "./requestContext.ts"
import { receivePayload } from "./requestPayload.ts"
import { sendError, sendXml } from "./responses.ts"
import { resultXml } from "./resultXml.ts"
import * as ServerErrors from "./serverErrors.ts"
import { parseCallback } from "./uploadCallback.ts"

const noCallback = parseCallback(undefined, undefined)

/** @category handlers */
export const complete = async (ctx: ObjectContext): Promise<void> => {
  const { bucket, headers, key, query } = ctx
  const uploadId = query.uploadId ?? ""
  const { dialect } = ctx.ex
  const oss = dialect === "oss"
  const callback = oss ? parseCallback(headers["x-oss-callback"], headers["x-oss-callback-var"]) : noCallback
  if (!callback.ok) return sendError(ctx.ex, callback.error, {}, true)
  const body = await receivePayload(ctx, {
    maxBytes: ctx.options.limits.maxXmlBytes,
    requireLength: false,
    tooLarge: ServerErrors.xmlTooLarge
  })
  if (!body.ok) return body.aborted === true ? undefined : sendError(ctx.ex, body.error, {}, body.closeConnection)
  const completeAll = oss && headers["x-oss-complete-all"]?.trim().toLowerCase() === "yes"
  let parts: ReadonlyArray<{ readonly partNumber: number; readonly etag: string }> = []
  if (completeAll) {
    if (body.bytes.length > 0) {
      const message = "Should not speficy both complete all header and http body."
      return sendError(ctx.ex, ServerErrors.invalidArgument("x-oss-complete-all", "yes", message))
    }
  } else {
    const parsed = parseCompleteBody(new TextDecoder().decode(body.bytes))
    if (Result.isFailure(parsed)) return sendError(ctx.ex, { ...malformedXml(), message: parsed.failure.message })
    parts = parsed.success
  }
  const forbidOverwrite = oss && headers["x-oss-forbid-overwrite"]?.trim().toLowerCase() === "true"
  const limits = ctx.options.storeLimitsByDialect[dialect]
  const request = { bucket, key, uploadId, parts, completeAll, limits }
  const result = await ctx.store.complete(request, ctx.ex.nowMs, forbidOverwrite)
  if (!result.ok) return sendError(ctx.ex, result.error)
  const object = ctx.store.objectSnapshot(bucket, key)
  const stored = storedHeaders(dialect, result.value.etag, object?.crc64 ?? result.value.crc64)
  if (callback.spec !== undefined && object !== undefined) {
    return answerWithCallback(ctx, callback.spec, object, stored)
  }
  const host = ctx.ex.req.headers.host ?? `${ctx.options.host}`
  const xml = resultXml(dialect).complete({
    location: `http://${host}/${bucket}/${encodeKey(key)}`,
    bucket,
    key,
    etag: result.value.etag,
    ...encodingOf(query)
  })
  sendXml(ctx.ex, 200, xml, stored)
}
