/**
 * CopyObject (`PUT` with a copy source) and UploadPartCopy (the same on a part) over HTTP, in both dialects. The
 * bytes stream from the source's files into a new record on disk, hashed on the way, so a copy of any size holds a
 * piece at a time. CopyObject keeps the source's content type and metadata unless the metadata directive is
 * `REPLACE`; the copy gets the MD5 ETag of its bytes (a copied multipart object becomes a single-part one, as on S3).
 * S3 refuses a copy onto itself that changes nothing, as S3 does.
 *
 * @since 0.1.0
 */
import { renderXmlDocument } from "@resumable-upload/http/XmlText"
import { copyRange, parseCopySource } from "./copySource.ts"
import { partTarget } from "./multipartHandlers.ts"
import { metadataOf, type ObjectContext } from "./requestContext.ts"
import { sendError, sendXml } from "./responses.ts"
import type { ObjectMeta } from "./ServerStore.ts"
import { s3Etag, s3Namespace } from "./s3Xml.ts"
import * as ServerErrors from "./serverErrors.ts"

/** The `<CopyObjectResult>` / `<CopyPartResult>` document. */
const copyResult = (ctx: ObjectContext, root: string, etag: string, modifiedAtMs: number): string => {
  const s3 = ctx.ex.dialect === "s3"
  const document = renderXmlDocument([
    root,
    [
      ["LastModified", new Date(modifiedAtMs).toISOString()],
      ["ETag", s3 ? s3Etag(etag) : etag]
    ]
  ])
  return s3 ? document.replace(`<${root}>`, `<${root} xmlns="${s3Namespace}">`) : document
}

/** The source object, or `undefined` once the refusal is sent. */
const sourceOf = (ctx: ObjectContext): ObjectMeta | undefined => {
  const parsed = parseCopySource(ctx.headers)
  if (!parsed.ok) {
    sendError(ctx.ex, parsed.error)
    return undefined
  }
  const object = ctx.store.objectSnapshot(parsed.source.bucket, parsed.source.key)
  if (object === undefined) sendError(ctx.ex, ServerErrors.noSuchKey(parsed.source.key))
  return object
}

/** @category handlers */
export const copyObject = async (ctx: ObjectContext): Promise<void> => {
  const { bucket, headers, key } = ctx
  const { dialect } = ctx.ex
  const source = sourceOf(ctx)
  if (source === undefined) return
  const prefix = dialect === "s3" ? "x-amz-" : "x-oss-"
  const replace = headers[`${prefix}metadata-directive`]?.trim().toUpperCase() === "REPLACE"
  if (dialect === "s3" && !replace && source.bucket === bucket && source.key === key) {
    const message =
      "This copy request is illegal because it is trying to copy an object to itself without changing the object's metadata, storage class, website redirect location or encryption attributes."
    return sendError(ctx.ex, { status: 400, code: "InvalidRequest", message })
  }
  if (source.sizeBytes > ctx.store.limits.partSizeBytesMax) {
    const message = `The specified copy source is larger than the maximum allowable size for a copy source: ${ctx.store.limits.partSizeBytesMax}`
    return sendError(ctx.ex, { status: 400, code: "InvalidRequest", message })
  }
  const contentType = replace ? headers["content-type"] : source.contentType
  const metadata = replace ? metadataOf(headers, dialect) : source.metadata
  const forbidOverwrite = dialect === "oss" && headers["x-oss-forbid-overwrite"]?.trim().toLowerCase() === "true"
  const result = await ctx.store.putObject(
    {
      bucket,
      key,
      dialect,
      ...(contentType === undefined ? {} : { contentType }),
      ...(metadata === undefined ? {} : { metadata })
    },
    ctx.ex.nowMs,
    forbidOverwrite,
    { copyOf: source, startByte: 0, endByte: source.sizeBytes }
  )
  if (!result.ok) return sendError(ctx.ex, result.error)
  sendXml(ctx.ex, 200, copyResult(ctx, "CopyObjectResult", result.value.etag, ctx.ex.nowMs))
}

/** @category handlers */
export const uploadPartCopy = async (ctx: ObjectContext): Promise<void> => {
  const target = partTarget(ctx)
  if (target === undefined) return
  const source = sourceOf(ctx)
  if (source === undefined) return
  const range = copyRange(ctx.ex.dialect, ctx.headers, source.sizeBytes)
  if (!range.ok) return sendError(ctx.ex, range.error)
  const result = await ctx.store.uploadPart(
    { bucket: ctx.bucket, key: ctx.key, ...target, dialect: ctx.ex.dialect },
    ctx.ex.nowMs,
    { copyOf: source, startByte: range.startByte, endByte: range.endByte }
  )
  if (!result.ok) return sendError(ctx.ex, result.error)
  sendXml(ctx.ex, 200, copyResult(ctx, "CopyPartResult", result.value.etag, ctx.ex.nowMs))
}
