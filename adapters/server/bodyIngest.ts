/**
 * Receives a stored body (UploadPart, PutObject) as a stream: each piece is hashed (MD5 and CRC-64 for the ETag and
 * `x-oss-hash-crc64ecma`, SHA-256 when the request signs the payload hash, the one S3 additional checksum it sends)
 * and handed to a {@link BodySink} (a temp file) before the next is read, so memory holds a few chunks, never the
 * body. In the S3 dialect an aws-chunked body (`STREAMING-UNSIGNED-PAYLOAD-TRAILER`) is decoded on the way; the
 * signed-chunk variants get 501, as accepting them unverified would pretend a check this server does not make.
 *
 * Framing follows requestBody.ts: a declared length over the cap is refused before a byte is read, chunked bodies are
 * counted as they come, and all bodies in flight share the server's {@link InFlightBudget}. A body that ends short
 * (the client went away) is `aborted`: nobody is left to answer, and the caller drops what was written.
 *
 * @since 0.1.0
 */
import { createHash } from "node:crypto"
import * as Crc64 from "@resumable-upload/core/Crc64"
import type { ModelError } from "@resumable-upload/sim/MultipartModel"
import { AwsChunkedDecoder } from "./awsChunkedDecoder.ts"
import type { BodySink, Ingested, Refusal } from "./bodyReceipt.ts"
import { claimError, claimHeader } from "./payloadClaim.ts"
import { declaredLength } from "./requestBody.ts"
import type { RequestContext } from "./requestContext.ts"
import { type ChecksumState, checkChecksum, checksumStates, planChecksum } from "./s3Checksums.ts"
import * as S3Errors from "./s3Errors.ts"
import { unsignedTrailer } from "./s3Payload.ts"
import * as ServerErrors from "./serverErrors.ts"

/** @category models */
export interface IngestOptions {
  readonly maxBytes: number
  /** UploadPart: OSS needs the length up front (411 without it); PutObject also accepts chunked bodies. */
  readonly requireLength: boolean
}

const refuse = (error: ModelError, closeConnection = true): Refusal => ({ ok: false, error, closeConnection })
const aborted: Refusal = { ok: false, error: ServerErrors.internalError(), closeConnection: true, aborted: true }
// Writes are batched up to this many bytes: fewer system calls, and a few chunks are all the memory a body takes.
const batchBytes = 1024 * 1024
const hexPattern = /^[0-9a-f]{64}$/

/** Reads the body into `sink`, hashing and checking it. Never rejects, unless the sink does. @category constructors */
export const ingestBody = async (
  ctx: RequestContext,
  options: IngestOptions,
  sink: BodySink
): Promise<Ingested | Refusal> => {
  const { headers } = ctx
  const { req, dialect } = ctx.ex
  const s3 = dialect === "s3"
  const claimed = headers[claimHeader(dialect)]?.trim()
  const chunkedEncoding = s3 && claimed === unsignedTrailer
  if (s3 && claimed !== undefined && claimed !== "UNSIGNED-PAYLOAD" && !hexPattern.test(claimed) && !chunkedEncoding) {
    return refuse(
      claimed.startsWith("STREAMING-")
        ? S3Errors.signedChunksNotImplemented(claimed)
        : S3Errors.invalidContentSha256(claimed)
    )
  }
  const plan = s3 ? planChecksum(headers) : { ok: true as const, algorithm: undefined }
  if (!plan.ok) return refuse(plan.error)
  const length = declaredLength(req)
  if (length === undefined) return refuse(ServerErrors.invalidArgument("Content-Length", "", "Bad Content-Length."))
  const framedChunked = req.headers["transfer-encoding"] !== undefined
  const requireLength = options.requireLength && !(s3 && headers["x-amz-decoded-content-length"] !== undefined)
  if (length === null && requireLength) return refuse(ServerErrors.missingContentLength())
  // aws-chunked framing adds a few bytes per chunk to what the cap counts of the data.
  const rawBytesMax = chunkedEncoding ? Math.ceil(options.maxBytes * 1.01) + 65_536 : options.maxBytes
  if (length !== null && length > rawBytesMax) return refuse(ServerErrors.entityTooLarge(length, options.maxBytes))
  // No length and no chunking means an empty body by HTTP/1.1 framing.
  const empty = length === null && !framedChunked
  const reservedBytes = empty ? 0 : (length ?? rawBytesMax)
  if (!ctx.budget.tryReserve(reservedBytes)) return refuse(ServerErrors.serverBusy())
  try {
    const sha256 = claimed !== undefined && hexPattern.test(claimed) ? createHash("sha256") : undefined
    const md5 = createHash("md5")
    const checksum: ChecksumState | undefined =
      plan.algorithm === undefined ? undefined : checksumStates[plan.algorithm]?.()
    const decoder = chunkedEncoding ? new AwsChunkedDecoder() : undefined
    let crc64 = 0n
    let sizeBytes = 0
    let rawBytes = 0
    let batch: Array<Uint8Array> = []
    let batchedBytes = 0
    const absorb = (data: Uint8Array) => {
      md5.update(data)
      crc64 = Crc64.compute(data, crc64)
      checksum?.update(data)
      sizeBytes += data.length
      batch.push(data)
      batchedBytes += data.length
    }
    const flush = async () => {
      if (batch.length === 0) return
      const pieces = batch
      batch = []
      batchedBytes = 0
      await sink.write(pieces)
    }
    if (!empty) {
      if ((req.destroyed || req.readableAborted) && !req.complete) return aborted
      const outcome = await new Promise<"end" | "aborted" | "tooLarge" | { readonly failed: unknown }>((resolve) => {
        let settled = false
        let writing: Promise<void> = Promise.resolve()
        const settle = (result: "end" | "aborted" | "tooLarge" | { readonly failed: unknown }) => {
          if (settled) return
          settled = true
          req.off("data", onData)
          req.off("end", onEnd)
          req.off("error", onAbort)
          req.off("close", onClose)
          resolve(result)
        }
        // Events rather than an async iterator: `read()` would concatenate the buffered chunks into a fresh copy.
        const onData = (chunk: Buffer) => {
          rawBytes += chunk.length
          if (rawBytes > rawBytesMax) {
            req.pause()
            return settle("tooLarge")
          }
          sha256?.update(chunk)
          if (decoder === undefined) absorb(chunk)
          else decoder.push(chunk, absorb)
          if (sizeBytes > options.maxBytes) {
            req.pause()
            return settle("tooLarge")
          }
          if (batchedBytes >= batchBytes) {
            // Backpressure: no more reading until the batch is on its way to the disk.
            req.pause()
            writing = writing.then(flush)
            writing.then(
              () => settled || req.resume(),
              (failed: unknown) => settle({ failed })
            )
          }
        }
        const onEnd = () => {
          writing = writing.then(flush)
          writing.then(
            () => settle(req.complete ? "end" : "aborted"),
            (failed: unknown) => settle({ failed })
          )
        }
        const onAbort = () => settle("aborted")
        const onClose = () => {
          if (!req.complete) onAbort()
        }
        req.on("data", onData)
        req.on("end", onEnd)
        req.on("error", onAbort)
        req.on("close", onClose)
      })
      if (outcome === "aborted") return aborted
      if (outcome === "tooLarge") return refuse(ServerErrors.entityTooLarge(undefined, options.maxBytes))
      if (typeof outcome === "object") throw outcome.failed
    }
    if (sha256 !== undefined) {
      const computed = sha256.digest("hex")
      const error = s3
        ? claimed === computed
          ? undefined
          : S3Errors.contentSha256Mismatch(claimed ?? "", computed)
        : claimError(dialect, headers, () => computed)
      if (error !== undefined) return refuse(error, false)
    } else if (!s3) {
      const error = claimError(dialect, headers, () => "")
      if (error !== undefined) return refuse(error, false)
    }
    let trailers: Readonly<Record<string, string>> = {}
    if (decoder !== undefined) {
      const problem = decoder.finish()
      if (problem !== undefined) return refuse(S3Errors.malformedChunks(problem), false)
      const declared = headers["x-amz-decoded-content-length"]
      if (declared !== undefined && declared.trim() !== String(sizeBytes)) {
        const reason = `${sizeBytes} bytes, but x-amz-decoded-content-length says ${declared}`
        return refuse(S3Errors.malformedChunks(reason), false)
      }
      const missing = [...(headers["x-amz-trailer"] ?? "").split(",")]
        .map((name) => name.trim().toLowerCase())
        .find((name) => name !== "" && decoder.trailers[name] === undefined)
      if (missing !== undefined) {
        const reason = `the trailer ${missing} announced in x-amz-trailer is missing`
        return refuse(S3Errors.malformedChunks(reason), false)
      }
      trailers = decoder.trailers
    }
    if (sizeBytes > options.maxBytes) return refuse(ServerErrors.entityTooLarge(sizeBytes, options.maxBytes), false)
    const checked = checkChecksum(headers, trailers, plan.algorithm, checksum?.digest())
    if (!checked.ok) return refuse(checked.error, false)
    return { ok: true, sizeBytes, md5: new Uint8Array(md5.digest()), crc64, echo: checked.echo }
  } finally {
    ctx.budget.release(reservedBytes)
  }
}
