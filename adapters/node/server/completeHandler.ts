/**
 * CompleteMultipartUpload over HTTP (protocol.md §1.3, §4): the parts come from the XML body or, with
 * `x-oss-complete-all: yes`, from the upload itself (a body is then an error); `x-oss-forbid-overwrite: true` keeps
 * an existing object; an `x-oss-callback` is validated first and POSTed once the object exists, turning the answer
 * into the callback server's JSON (200) or `203 CallbackFailed` (the object stays).
 *
 * @since 0.1.0
 */
import * as Result from "effect/Result"
import { encodeKey } from "../../oss/OssEndpoint.ts"
import { buildCompleteResult } from "../../oss/OssXmlBuild.ts"
import { parseCompleteBody } from "../../oss/OssXmlComplete.ts"
import { malformedXml } from "../../sim/modelErrors.ts"
import { answerWithCallback } from "./callbackAnswer.ts"
import { readBody } from "./requestBody.ts"
import { checksumHeaders, encodingOf, type ObjectContext } from "./requestContext.ts"
import { sendError, sendXml } from "./responses.ts"
import * as ServerErrors from "./serverErrors.ts"
import { parseCallback } from "./uploadCallback.ts"

/** @category handlers */
export const complete = async (ctx: ObjectContext): Promise<void> => {
  const { bucket, headers, key, query } = ctx
  const uploadId = query.uploadId ?? ""
  const callback = parseCallback(headers["x-oss-callback"], headers["x-oss-callback-var"])
  if (!callback.ok) return sendError(ctx.ex, callback.error, {}, true)
  const body = await readBody(ctx.ex.req, {
    maxBytes: ctx.options.limits.maxXmlBytes,
    requireLength: false,
    tooLarge: ServerErrors.xmlTooLarge,
    budget: ctx.budget
  })
  if (!body.ok) return body.aborted === true ? undefined : sendError(ctx.ex, body.error, {}, true)
  const completeAll = headers["x-oss-complete-all"]?.trim().toLowerCase() === "yes"
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
  const forbidOverwrite = headers["x-oss-forbid-overwrite"]?.trim().toLowerCase() === "true"
  const result = await ctx.store.complete({ bucket, key, uploadId, parts, completeAll }, ctx.ex.nowMs, forbidOverwrite)
  if (!result.ok) return sendError(ctx.ex, result.error)
  const object = ctx.store.model.objectSnapshot(bucket, key)
  const stored = checksumHeaders(result.value.etag, object?.crc64 ?? result.value.crc64)
  if (callback.spec !== undefined && object !== undefined) {
    return answerWithCallback(ctx, callback.spec, object, stored)
  }
  const host = ctx.ex.req.headers.host ?? `${ctx.options.host}`
  const xml = buildCompleteResult({
    location: `http://${host}/${bucket}/${encodeKey(key)}`,
    bucket,
    key,
    etag: result.value.etag,
    ...encodingOf(query)
  })
  sendXml(ctx.ex, 200, xml, stored)
}
