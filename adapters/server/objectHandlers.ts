/**
 * PutObject, HeadObject, GetObject (with `Range`) and DeleteObject over HTTP. Bodies stream to and from disk, never
 * whole in memory; `x-oss-hash-crc64ecma` is the whole object's CRC-64 on every OSS answer, ranged or not, as OSS sends it.
 * S3 answers carry lowercase ETags and `x-amz-meta-*`, use standard range semantics and know no upload callback.
 *
 * @since 0.1.0
 */
import type { Dialect } from "@resumable-upload/core/Limits"
import { ingestBody } from "./bodyIngest.ts"
import { answerWithCallback } from "./callbackAnswer.ts"
import { chooseRange } from "./rangeHeader.ts"
import { metadataOf, metaPrefixOf, type ObjectContext, storedHeaders } from "./requestContext.ts"
import { httpDate, sendEmpty, sendError, sendStream } from "./responses.ts"
import type { ObjectMeta } from "./ServerStore.ts"
import * as ServerErrors from "./serverErrors.ts"
import { parseCallback } from "./uploadCallback.ts"

/** @category handlers */
export const putObject = async (ctx: ObjectContext): Promise<void> => {
  const { bucket, headers, key } = ctx
  const { dialect } = ctx.ex
  const oss = dialect === "oss"
  const callback = parseCallback(oss ? headers["x-oss-callback"] : undefined, headers["x-oss-callback-var"])
  if (!callback.ok) return sendError(ctx.ex, callback.error, {}, true)
  const md5 = headers["content-md5"]
  const contentType = headers["content-type"]
  const metadata = metadataOf(headers, dialect)
  const forbidOverwrite = oss && headers["x-oss-forbid-overwrite"]?.trim().toLowerCase() === "true"
  const result = await ctx.store.putObject(
    {
      bucket,
      key,
      dialect,
      ...(md5 === undefined ? {} : { md5Base64: md5 }),
      ...(contentType === undefined ? {} : { contentType }),
      ...(metadata === undefined ? {} : { metadata })
    },
    ctx.ex.nowMs,
    forbidOverwrite,
    (sink) => ingestBody(ctx, { maxBytes: ctx.options.limits.maxBodyBytes, requireLength: false }, sink)
  )
  if (!result.ok) {
    return result.aborted === true ? undefined : sendError(ctx.ex, result.error, {}, result.closeConnection)
  }
  const stored = storedHeaders(dialect, result.value.etag, result.value.crc64)
  const object = ctx.store.objectSnapshot(bucket, key)
  if (callback.spec !== undefined && object !== undefined) return answerWithCallback(ctx, callback.spec, object, stored)
  sendEmpty(ctx.ex, 200, { ...stored, ...result.echo })
}

/** The headers describing a stored object (HEAD and GET alike). @category utils */
export const objectHeaders = (object: ObjectMeta, dialect: Dialect): Record<string, string> => {
  const headers: Record<string, string> = {
    ...storedHeaders(dialect, object.etag, object.crc64),
    "Content-Type": object.contentType ?? "application/octet-stream",
    "Last-Modified": httpDate(object.modifiedAtMs),
    "Accept-Ranges": "bytes",
    ...(dialect === "oss"
      ? { "x-oss-object-type": object.etag.includes("-") ? "Multipart" : "Normal", "x-oss-storage-class": "Standard" }
      : {})
  }
  delete headers["Content-MD5"]
  const prefix = metaPrefixOf(dialect)
  for (const [name, value] of Object.entries(object.metadata ?? {})) headers[`${prefix}${name}`] = value
  return headers
}

const found = (ctx: ObjectContext): ObjectMeta | undefined => {
  const object = ctx.store.objectSnapshot(ctx.bucket, ctx.key)
  if (object === undefined) sendError(ctx.ex, ServerErrors.noSuchKey(ctx.key))
  return object
}

/** @category handlers */
export const headObject = (ctx: ObjectContext): void => {
  const object = found(ctx)
  if (object === undefined) return
  sendEmpty(ctx.ex, 200, { ...objectHeaders(object, ctx.ex.dialect), "Content-Length": String(object.sizeBytes) })
}

/** @category handlers */
export const getObject = (ctx: ObjectContext) => {
  const object = found(ctx)
  if (object === undefined) return
  const { sizeBytes } = object
  const standard = ctx.ex.dialect === "s3" || ctx.headers["x-oss-range-behavior"]?.trim().toLowerCase() === "standard"
  const range = chooseRange(ctx.headers.range, sizeBytes, standard)
  if (range.kind === "unsatisfiable") {
    return sendError(ctx.ex, ServerErrors.invalidRange(sizeBytes), { "Content-Range": `bytes */${sizeBytes}` })
  }
  const headers = objectHeaders(object, ctx.ex.dialect)
  if (range.kind === "whole")
    return sendStream(ctx.ex, 200, ctx.store.readObject(object, 0, sizeBytes), sizeBytes, headers)
  const { endByte, startByte } = range
  const stream = ctx.store.readObject(object, startByte, endByte)
  return sendStream(ctx.ex, 206, stream, endByte - startByte, {
    ...headers,
    "Content-Range": `bytes ${startByte}-${endByte - 1}/${sizeBytes}`
  })
}

/** Deleting a missing key succeeds (204), as on OSS. @category handlers */
export const deleteObject = async (ctx: ObjectContext): Promise<void> => {
  const result = await ctx.store.deleteObject({ bucket: ctx.bucket, key: ctx.key })
  if (!result.ok) return sendError(ctx.ex, result.error)
  sendEmpty(ctx.ex, 204)
}
