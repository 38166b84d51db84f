/**
 * InitiateMultipartUpload, UploadPart, ListParts, ListMultipartUploads and AbortMultipartUpload over HTTP
 * (protocol.md §1.1, §1.2, §1.4–§1.6), in the request's dialect; CompleteMultipartUpload has its own module. The
 * protocol rules live in the model; these handlers translate between the wire and it.
 *
 * @since 0.1.0
 */
import { noSuchUpload } from "@resumable-upload/sim/modelErrors"
import { ingestBody } from "./bodyIngest.ts"
import {
  encodingOf,
  integerParam,
  metadataOf,
  type ObjectContext,
  type RequestContext,
  storedHeaders
} from "./requestContext.ts"
import { sendEmpty, sendError, sendXml } from "./responses.ts"
import { resultXml } from "./resultXml.ts"
import * as ServerErrors from "./serverErrors.ts"

/** @category handlers */
export const initiate = async (ctx: ObjectContext): Promise<void> => {
  const { bucket, headers, key } = ctx
  const contentType = headers["content-type"]
  const metadata = metadataOf(headers, ctx.ex.dialect)
  const result = await ctx.store.initiate(
    {
      bucket,
      key,
      ...(contentType === undefined ? {} : { contentType }),
      ...(metadata === undefined ? {} : { metadata })
    },
    ctx.ex.nowMs
  )
  if (!result.ok) return sendError(ctx.ex, result.error)
  const xml = resultXml(ctx.ex.dialect).initiate({ bucket, key, uploadId: result.value, ...encodingOf(ctx.query) })
  sendXml(ctx.ex, 200, xml)
}

const partNumberMessage = "Part number must be an integer between 1 and 10000, inclusive."

/**
 * The part number and live upload an UploadPart (or UploadPartCopy) names, checked before the body is read: a part
 * for a dead upload should not cost a gigabyte of reading. `undefined` once the refusal is sent.
 *
 * @category utils
 */
export const partTarget = (
  ctx: ObjectContext
): { readonly uploadId: string; readonly partNumber: number } | undefined => {
  const { bucket, key, query } = ctx
  const uploadId = query.uploadId ?? ""
  const text = query.partNumber
  if (text === undefined) {
    const error = ServerErrors.invalidArgument(
      "partNumber",
      "",
      "Unexpected query string parameter: partNumber is missing."
    )
    sendError(ctx.ex, error, {}, true)
    return undefined
  }
  const partNumber = /^\d{1,5}$/.test(text) ? Number(text) : Number.NaN
  if (!(partNumber >= 1 && partNumber <= ctx.store.limits.partCountMax)) {
    sendError(ctx.ex, ServerErrors.invalidArgument("PartNumber", text, partNumberMessage), {}, true)
    return undefined
  }
  const live = ctx.store.uploadSnapshot(uploadId)
  if (live === undefined || live.bucket !== bucket || live.key !== key) {
    sendError(ctx.ex, noSuchUpload(uploadId), {}, true)
    return undefined
  }
  return { uploadId, partNumber }
}

/** @category handlers */
export const uploadPart = async (ctx: ObjectContext): Promise<void> => {
  const target = partTarget(ctx)
  if (target === undefined) return
  const md5 = ctx.headers["content-md5"]
  const { dialect } = ctx.ex
  const result = await ctx.store.uploadPart(
    { bucket: ctx.bucket, key: ctx.key, ...target, dialect, ...(md5 === undefined ? {} : { md5Base64: md5 }) },
    ctx.ex.nowMs,
    (sink) => ingestBody(ctx, { maxBytes: ctx.options.limits.maxBodyBytes, requireLength: true }, sink)
  )
  if (!result.ok) {
    return result.aborted === true ? undefined : sendError(ctx.ex, result.error, {}, result.closeConnection)
  }
  sendEmpty(ctx.ex, 200, { ...storedHeaders(dialect, result.value.etag, result.value.crc64), ...result.echo })
}

/** @category handlers */
export const listParts = (ctx: ObjectContext) => {
  const { bucket, key, query } = ctx
  const uploadId = query.uploadId ?? ""
  const maxParts = integerParam(query, "max-parts", "max-parts must be an integer between 1 and 1000.")
  if (!maxParts.ok) return sendError(ctx.ex, maxParts.error)
  const marker = integerParam(query, "part-number-marker", "part-number-marker must be a non-negative integer.")
  if (!marker.ok) return sendError(ctx.ex, marker.error)
  const at = { bucket, key, uploadId }
  const page = ctx.store.listParts({
    ...at,
    ...(maxParts.value === undefined ? {} : { maxParts: maxParts.value }),
    ...(marker.value === undefined ? {} : { partNumberMarker: marker.value })
  })
  if (!page.ok) return sendError(ctx.ex, page.error)
  const times = ctx.store.partTimes(at)
  const limit = ctx.store.limits.listPageSizeMax
  const xml = resultXml(ctx.ex.dialect).listParts({
    ...at,
    ...encodingOf(query),
    partNumberMarker: marker.value ?? 0,
    ...(page.value.nextPartNumberMarker === undefined ? {} : { nextPartNumberMarker: page.value.nextPartNumberMarker }),
    maxParts: Math.min(maxParts.value ?? limit, limit),
    isTruncated: page.value.isTruncated,
    parts: page.value.parts.map((part) => ({
      ...part,
      lastModifiedMs: (times.ok ? times.value.get(part.partNumber) : undefined) ?? ctx.ex.nowMs
    }))
  })
  sendXml(ctx.ex, 200, xml)
}

/** @category handlers */
export const listUploads = (ctx: RequestContext) => {
  const { bucket, query } = ctx
  const maxUploads = integerParam(query, "max-uploads", "max-uploads must be an integer between 1 and 1000.")
  if (!maxUploads.ok) return sendError(ctx.ex, maxUploads.error)
  const { prefix, delimiter } = query
  const keyMarker = query["key-marker"] ?? ""
  const uploadIdMarker = query["upload-id-marker"] ?? ""
  const page = ctx.store.listUploads({
    bucket,
    keyMarker,
    uploadIdMarker,
    ...(prefix === undefined ? {} : { prefix }),
    ...(maxUploads.value === undefined ? {} : { maxUploads: maxUploads.value })
  })
  if (!page.ok) return sendError(ctx.ex, page.error)
  const limit = ctx.store.limits.listPageSizeMax
  const xml = resultXml(ctx.ex.dialect).listUploads({
    bucket,
    ...encodingOf(query),
    keyMarker,
    uploadIdMarker,
    nextKeyMarker: page.value.nextKeyMarker ?? "",
    nextUploadIdMarker: page.value.nextUploadIdMarker ?? "",
    ...(prefix === undefined ? {} : { prefix }),
    ...(delimiter === undefined ? {} : { delimiter }),
    maxUploads: Math.min(maxUploads.value ?? limit, limit),
    isTruncated: page.value.isTruncated,
    uploads: page.value.uploads
  })
  sendXml(ctx.ex, 200, xml)
}

/** @category handlers */
export const abort = async (ctx: ObjectContext): Promise<void> => {
  const result = await ctx.store.abort({ bucket: ctx.bucket, key: ctx.key, uploadId: ctx.query.uploadId ?? "" })
  if (!result.ok) return sendError(ctx.ex, result.error)
  sendEmpty(ctx.ex, 204)
}
