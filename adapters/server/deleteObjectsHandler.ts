/**
 * DeleteObjects (S3 `POST /bucket?delete`) and DeleteMultipleObjects (OSS, same request): up to 1000 keys in one
 * XML body, each deleted as DeleteObject would (a missing key counts as deleted, as on both stores), answered with
 * a `DeleteResult` listing every key, or in Quiet mode only the failures. Both stores require a Content-MD5 of the
 * body; S3 also takes an `x-amz-checksum-*` instead (recent SDKs send CRC-32), verified here against the body.
 *
 * @since 0.1.0
 */
import { createHash } from "node:crypto"
import { digestMismatch, malformedDigest, malformedXml } from "@resumable-upload/sim/modelErrors"
import * as Result from "effect/Result"
import { bucketExists } from "./bucketHandlers.ts"
import { type DeleteOutcome, deleteResultXml } from "./bucketXml.ts"
import { parseDeleteBody } from "./deleteObjectsBody.ts"
import { encodingOf, type RequestContext } from "./requestContext.ts"
import { receivePayload } from "./requestPayload.ts"
import { sendError, sendXml } from "./responses.ts"
import { checkChecksum, checksumAlgorithms, planChecksum } from "./s3Checksums.ts"
import * as ServerErrors from "./serverErrors.ts"

const missingDigest = () => ({
  status: 400,
  code: "InvalidRequest",
  message: "Missing required header for this request: Content-MD5 (or, on S3, an x-amz-checksum-* header)."
})

/** The S3 checksum header's verdict on the body, or `undefined` when the request sends none. */
const checksumError = (ctx: RequestContext, bytes: Uint8Array) => {
  const plan = planChecksum(ctx.headers)
  if (!plan.ok) return plan.error
  const compute = plan.algorithm === undefined ? undefined : checksumAlgorithms[plan.algorithm]
  if (compute === undefined) return missingDigest()
  const checked = checkChecksum(ctx.headers, {}, plan.algorithm, compute(bytes))
  return checked.ok ? undefined : checked.error
}

/** `undefined` when the body's Content-MD5 (or, on S3, its `x-amz-checksum-*`) holds. */
const integrityError = (ctx: RequestContext, bytes: Uint8Array) => {
  const claimed = ctx.headers["content-md5"]
  if (claimed === undefined) return ctx.ex.dialect === "s3" ? checksumError(ctx, bytes) : missingDigest()
  if (!/^[A-Za-z0-9+/]{22}==$/.test(claimed.trim())) return malformedDigest()
  const actual = createHash("md5").update(bytes).digest("base64")
  return actual === claimed.trim() ? undefined : digestMismatch(ctx.ex.dialect)
}

/** @category handlers */
export const deleteObjects = async (ctx: RequestContext): Promise<void> => {
  const { bucket } = ctx
  const body = await receivePayload(ctx, {
    maxBytes: ctx.options.limits.maxXmlBytes,
    requireLength: false,
    tooLarge: ServerErrors.xmlTooLarge
  })
  if (!body.ok) return body.aborted === true ? undefined : sendError(ctx.ex, body.error, {}, body.closeConnection)
  const denied = integrityError(ctx, body.bytes)
  if (denied !== undefined) return sendError(ctx.ex, denied)
  if (!bucketExists(ctx, bucket)) return sendError(ctx.ex, ServerErrors.noSuchBucket(bucket))
  const parsed = parseDeleteBody(new TextDecoder().decode(body.bytes), ctx.options.limits.maxXmlBytes)
  if (Result.isFailure(parsed)) return sendError(ctx.ex, { ...malformedXml(), message: parsed.failure })
  const outcomes: Array<DeleteOutcome> = []
  for (const key of parsed.success.keys) {
    const result = await ctx.store.deleteObject({ bucket, key })
    outcomes.push(result.ok ? { key } : { key, error: { code: result.error.code, message: result.error.message } })
  }
  const { encodingType } = encodingOf(ctx.query)
  sendXml(ctx.ex, 200, deleteResultXml(ctx.ex.dialect, outcomes, parsed.success.quiet, encodingType))
}
