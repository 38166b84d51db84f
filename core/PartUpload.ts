/**
 * Uploading one part: read it (a range of a sized source, or the next range of a stream's cursor), hash it, send
 * it with its Content-MD5 and CRC-64, retried on retryable errors, and check the store's answer against what was
 * sent. A stream part that an earlier run committed is verified by digest instead of being sent again
 * (core/StreamParts.ts takes the answers). Called by the command runner (core/CommandRunner.ts) only.
 *
 * @since 0.4.0
 */
import * as Clock from "effect/Clock"
import * as Data from "effect/Data"
import * as Effect from "effect/Effect"
import * as Crc64 from "./Crc64.ts"
import { type ByteSource, SourceReadError } from "./ports/ByteSource.ts"
import { digestPart, type HashFailed, type PartDigest, toBase64, toHex } from "./ports/Hasher.ts"
import {
  isNoSuchUpload,
  isRetryable,
  needsCrc64,
  normalizeEtag,
  ObjectStore,
  type ObjectStoreError,
  partChecksumLengthMax
} from "./ports/ObjectStore.ts"
import * as RetryPolicy from "./RetryPolicy.ts"
import type { StreamCursor } from "./StreamCursor.ts"
import type { UploadCommand, UploadEvent } from "./UploadMachine.ts"

/** What a part upload needs besides the ports. @category models */
export interface PartContext {
  readonly request: { readonly bucket: string; readonly key: string }
  /** A sized source, or a stream's cursor (read in part order; see core/StreamCursor.ts). */
  readonly source: ByteSource | StreamCursor
  readonly retry: RetryPolicy.RetryPolicy
}

/** The store answered with checksums that differ from what was sent: the body was damaged on the way. */
class PartDamaged extends Data.TaggedError("PartDamaged")<{ readonly message: string }> {}

/**
 * A store error as the command's failure event. `attempts`: how often a retried call was tried; a retryable error
 * then says the retries were used up.
 */
export const failed = (
  command: UploadCommand["_tag"],
  error: ObjectStoreError,
  partNumber?: number,
  attempts?: number
): UploadEvent => ({
  _tag: "CommandFailed",
  command,
  reason: isRetryable(error) ? "StoreUnreachable" : "StoreRejected",
  message: `${error.operation} failed: ${error.code === "" ? "" : `${error.code}: `}${error.message}${
    attempts !== undefined && attempts > 1 && isRetryable(error) ? ` (gave up after ${attempts} attempts)` : ""
  }`,
  cause: error,
  ...(partNumber === undefined ? {} : { partNumber })
})

/** An off-thread hasher failed (core/ports/Hasher.ts `HashFailed`): the part cannot be sent. */
export const hashFailed = (
  command: "UploadPart" | "PutObject",
  error: HashFailed,
  partNumber?: number
): UploadEvent => ({
  _tag: "CommandFailed",
  command,
  reason: "HashFailed",
  message: error.message,
  cause: error,
  ...(partNumber === undefined ? {} : { partNumber })
})

/** How often a retried call is tried at most. */
export const attemptsOf = (ctx: PartContext) => ctx.retry.retriesMax + 1

/** A store's per-part value longer than the checkpoint takes is dropped (that store then completes without it). */
const boundedPartChecksum = (value: string | undefined) =>
  value !== undefined && value.length <= partChecksumLengthMax ? value : undefined

export const notFound: UploadEvent = { _tag: "UploadNotFound" }

const storeRetryable = (error: ObjectStoreError | PartDamaged) => error._tag === "PartDamaged" || isRetryable(error)

/**
 * A body's digests, only those the store verifies (no CRC-64 for S3), and the bytes to send: a hasher that moved
 * them to a worker and back answers them as `digest.bytes`, leaving the argument detached.
 */
export const digestForStore = (bytes: Uint8Array) =>
  Effect.gen(function* () {
    const store = yield* ObjectStore
    const digest = yield* digestPart(bytes, { crc64: needsCrc64(store) })
    return { digest, live: digest.bytes ?? bytes }
  })

export const isCursor = (source: ByteSource | StreamCursor): source is StreamCursor => "take" in source

type PartCommand = Extract<UploadCommand, { _tag: "UploadPart" }>

const unreadable = (error: SourceReadError, partNumber: number): UploadEvent => ({
  _tag: "CommandFailed",
  command: "UploadPart",
  reason: "SourceUnreadable",
  message: error.message,
  cause: error,
  partNumber
})

/** Reads, hashes and sends one part; the bytes live only for this call, which is what bounds memory. @category runners */
export const uploadPart = (ctx: PartContext, command: PartCommand) =>
  isCursor(ctx.source) ? streamPart(ctx, ctx.source, command) : filePart(ctx, ctx.source, command)

/**
 * One part of a stream: taken from the cursor in part order. Past the end it reports `SourceEnded` (the first
 * part is sent even when empty, so an empty stream is an empty object). A part committed by an earlier run is
 * verified by its size, CRC-64 and MD5 instead of being sent, unless it differs.
 */
const streamPart = (ctx: PartContext, cursor: StreamCursor, command: PartCommand) =>
  Effect.gen(function* () {
    const { partNumber, offsetBytes, sizeBytes } = command.range
    const read = yield* Effect.result(cursor.take(offsetBytes, sizeBytes))
    if (read._tag === "Failure") return unreadable(read.failure, partNumber)
    const bytes = read.success
    if (bytes.length === 0 && partNumber > 1) {
      return {
        _tag: "SourceEnded",
        uploadId: command.uploadId,
        partNumber,
        streamSizeBytes: cursor.positionBytes()
      } satisfies UploadEvent
    }
    if (command.lastPossible === true && bytes.length === sizeBytes) {
      const more = yield* Effect.result(cursor.hasMore)
      if (more._tag === "Failure") return unreadable(more.failure, partNumber)
      if (more.success) {
        const message = `${cursor.name} goes on past ${offsetBytes + sizeBytes} bytes, the most ${partNumber} parts can hold`
        return unreadable(
          new SourceReadError({ sourceName: cursor.name, offsetBytes, lengthBytes: sizeBytes, message }),
          partNumber
        )
      }
    }
    const digested = yield* Effect.result(digestForStore(bytes))
    if (digested._tag === "Failure") return hashFailed("UploadPart", digested.failure, partNumber)
    const { digest, live } = digested.success
    const md5 = toHex(digest.md5)
    const crc64 = digest.crc64 === undefined ? undefined : Crc64.toDecimal(digest.crc64)
    const expected = command.expected
    if (expected !== undefined) {
      // Each digest the record and this run both have must agree, and at least one must have been compared
      // (S3 stores verify no CRC-64, so a stream part there is known by its size and MD5).
      const md5Same = expected.md5 === undefined ? undefined : expected.md5 === md5
      const crcSame = expected.crc64 === undefined || crc64 === undefined ? undefined : expected.crc64 === crc64
      const same =
        expected.sizeBytes === live.length &&
        md5Same !== false &&
        crcSame !== false &&
        (md5Same === true || crcSame === true)
      if (same) return { _tag: "PartVerified", uploadId: command.uploadId, part: expected } satisfies UploadEvent
      const message = `part ${partNumber} (${live.length} bytes from offset ${offsetBytes}) differs from the ${expected.sizeBytes} bytes the checkpoint recorded`
      if (command.onMismatch === "report") {
        return { _tag: "PartDiverged", uploadId: command.uploadId, partNumber, message } satisfies UploadEvent
      }
      return yield* sendPart(ctx, command, live, digest, { md5, diverged: message })
    }
    return yield* sendPart(ctx, command, live, digest, { md5 })
  })

const filePart = (ctx: PartContext, source: ByteSource, command: PartCommand) =>
  Effect.gen(function* () {
    const { partNumber, offsetBytes, sizeBytes } = command.range
    const read = yield* Effect.result(source.read(offsetBytes, sizeBytes))
    if (read._tag === "Failure") return unreadable(read.failure, partNumber)
    const digested = yield* Effect.result(digestForStore(read.success))
    if (digested._tag === "Failure") return hashFailed("UploadPart", digested.failure, partNumber)
    return yield* sendPart(ctx, command, digested.success.live, digested.success.digest, {})
  })

/** Sends one part's bytes (live: not detached by the hasher), retried, its ETag and CRC-64 checked against what was sent. */
const sendPart = (
  ctx: PartContext,
  command: PartCommand,
  bytes: Uint8Array,
  digest: PartDigest,
  stream: { readonly md5?: string; readonly diverged?: string }
) =>
  Effect.gen(function* () {
    const store = yield* ObjectStore
    const { partNumber } = command.range
    const sizeBytes = bytes.length
    const body = {
      bytes,
      md5Base64: toBase64(digest.md5),
      ...(digest.crc64 === undefined ? {} : { crc64: digest.crc64 })
    }
    const send = store
      .uploadPart({ bucket: ctx.request.bucket, key: ctx.request.key, uploadId: command.uploadId, partNumber, body })
      .pipe(
        Effect.flatMap((answer) => {
          const etag = normalizeEtag(answer.etag)
          if (answer.crc64 !== undefined && digest.crc64 !== undefined && answer.crc64 !== digest.crc64) {
            return Effect.fail(
              new PartDamaged({ message: `part ${partNumber}: store CRC-64 ${answer.crc64}, sent ${digest.crc64}` })
            )
          }
          if (/^[0-9a-f]{32}$/.test(etag) && etag !== toHex(digest.md5)) {
            return Effect.fail(
              new PartDamaged({ message: `part ${partNumber}: store ETag ${etag}, sent MD5 ${toHex(digest.md5)}` })
            )
          }
          return Effect.succeed(answer)
        })
      )
    return yield* RetryPolicy.retrying(
      ctx.retry,
      storeRetryable
    )(send).pipe(
      Effect.flatMap((answer) => {
        const partChecksum = boundedPartChecksum(answer.partChecksum)
        return Effect.map(
          Clock.currentTimeMillis,
          (atMs): UploadEvent => ({
            _tag: "PartUploaded",
            uploadId: command.uploadId,
            // Stream parts keep their MD5, so a rerun can verify their bytes without trusting the ETag's form.
            part: {
              partNumber,
              sizeBytes,
              etag: answer.etag,
              ...(digest.crc64 === undefined ? {} : { crc64: Crc64.toDecimal(digest.crc64) }),
              ...(stream.md5 === undefined ? {} : { md5: stream.md5 }),
              // Kept in the checkpoint, so a resumed Complete still has it (S3's full-object CRC-64/NVME).
              ...(partChecksum === undefined ? {} : { partChecksum })
            },
            atMs,
            ...(stream.diverged === undefined ? {} : { diverged: stream.diverged })
          })
        )
      }),
      Effect.catchTag("ObjectStoreError", (e) =>
        Effect.succeed(isNoSuchUpload(e) ? notFound : failed("UploadPart", e, partNumber, attemptsOf(ctx)))
      ),
      Effect.catchTag("PartDamaged", (e) =>
        Effect.succeed<UploadEvent>({
          _tag: "CommandFailed",
          command: "UploadPart",
          reason: "IntegrityMismatch",
          message: e.message,
          partNumber
        })
      )
    )
  })
