/**
 * Runs the machine's remote commands through the ports and turns each outcome into an event.
 *
 * This is the only place that reads the source, hashes parts and talks to the store. Retries happen here, on
 * retryable errors only; `CompleteUpload` is never retried (it is not safe to repeat), and an unanswered Complete
 * becomes an event that makes the machine look at the object instead.
 *
 * @since 0.1.0
 */
import * as Clock from "effect/Clock"
import * as Data from "effect/Data"
import * as Effect from "effect/Effect"
import * as Crc64 from "./Crc64.ts"
import * as ObjectCheck from "./ObjectCheck.ts"
import { type ByteSource, SourceReadError } from "./ports/ByteSource.ts"
import { digestPart, Hasher, type PartDigest, toBase64, toHex } from "./ports/Hasher.ts"
import {
  isNoSuchUpload,
  isRetryable,
  normalizeEtag,
  ObjectStore,
  type ObjectStoreError,
  storedAttributesOf
} from "./ports/ObjectStore.ts"
import * as RetryPolicy from "./RetryPolicy.ts"
import type { StreamCursor } from "./StreamCursor.ts"
import type { UploadCommand, UploadEvent } from "./UploadMachine.ts"
import type { UploadRequest } from "./UploadRequest.ts"

/** The store answered with checksums that differ from what was sent: the body was damaged on the way. */
class PartDamaged extends Data.TaggedError("PartDamaged")<{ readonly message: string }> {}

/** What the runner needs besides the ports. @category models */
export interface RunnerContext {
  readonly request: UploadRequest
  /** A sized source, or a stream's cursor (read in part order; see core/StreamCursor.ts). */
  readonly source: ByteSource | StreamCursor
  readonly retry: RetryPolicy.RetryPolicy
  /** Bounds ListParts paging: 10,000 parts at 1,000 a page, plus slack. */
  readonly listPagesMax: number
}

type Remote = Exclude<
  UploadCommand,
  { _tag: "SaveCheckpoint" | "SavePart" | "RemoveCheckpoint" | "Notify" | "StopPartUploads" | "DeleteObject" }
>

const failed = (command: UploadCommand["_tag"], error: ObjectStoreError, partNumber?: number): UploadEvent => ({
  _tag: "CommandFailed",
  command,
  reason: isRetryable(error) ? "StoreUnreachable" : "StoreRejected",
  message: `${error.operation} failed: ${error.code === "" ? "" : `${error.code}: `}${error.message}`,
  cause: error,
  ...(partNumber === undefined ? {} : { partNumber })
})

const notFound: UploadEvent = { _tag: "UploadNotFound" }

/** A part's failure or NoSuchUpload, marked with the upload it belongs to (see UploadMachine's events). */
const ofUpload =
  (uploadId: string) =>
  (e: UploadEvent): UploadEvent =>
    e._tag === "CommandFailed" || e._tag === "UploadNotFound" ? { ...e, uploadId } : e

const storeRetryable = (error: ObjectStoreError | PartDamaged) => error._tag === "PartDamaged" || isRetryable(error)

/** Runs one remote command; never fails, every outcome is an event. @category runners */
export const runCommand = (
  ctx: RunnerContext,
  command: Remote
): Effect.Effect<UploadEvent, never, ObjectStore | Hasher> =>
  Effect.gen(function* () {
    const store = yield* ObjectStore
    const hasher = yield* Hasher
    const { bucket, key } = ctx.request
    // Store calls other than sending bytes: retried on the store's retryable errors only.
    const retried = RetryPolicy.retrying(ctx.retry, isRetryable)
    const md5 = (bytes: Uint8Array) => {
      const h = hasher.md5()
      h.update(bytes)
      return h.digest()
    }
    switch (command._tag) {
      case "InitiateUpload": {
        const init = {
          bucket,
          key,
          ...storedAttributesOf(ctx.request)
        }
        return yield* retried(store.initiate(init)).pipe(
          Effect.flatMap((uploadId) =>
            Effect.map(Clock.currentTimeMillis, (atMs): UploadEvent => ({ _tag: "UploadInitiated", uploadId, atMs }))
          ),
          Effect.catchTag("ObjectStoreError", (e) => Effect.succeed(failed(command._tag, e)))
        )
      }
      case "ListParts":
        return yield* listAllParts(ctx, command.uploadId).pipe(
          Effect.map((parts): UploadEvent => ({ _tag: "PartsListed", parts })),
          Effect.catchTag("ObjectStoreError", (e) =>
            Effect.succeed(isNoSuchUpload(e) ? notFound : failed(command._tag, e))
          )
        )
      case "UploadPart":
        return ofUpload(command.uploadId)(yield* uploadPart(ctx, command))
      case "PutObject":
        return yield* putObject(ctx, md5)
      case "CompleteUpload": {
        const parts = command.parts.map(({ partNumber, etag }) => ({ partNumber, etag }))
        const request = {
          bucket,
          key,
          uploadId: command.uploadId,
          parts,
          ...optional("callback", ctx.request.callback)
        }
        return yield* store.complete(request).pipe(
          Effect.map(
            (answer): UploadEvent => ({
              _tag: "CompleteAnswered",
              verdict: ObjectCheck.judgeAnswer(ObjectCheck.expectedOf(command.parts, md5), answer),
              ...(answer.callback === undefined ? {} : { callback: answer.callback })
            })
          ),
          Effect.catchTag("ObjectStoreError", (e): Effect.Effect<UploadEvent> => {
            if (isNoSuchUpload(e)) return Effect.succeed({ _tag: "UploadNotFound" })
            if (isRetryable(e)) return Effect.succeed({ _tag: "CompleteUnanswered", message: e.message })
            return Effect.succeed(failed(command._tag, e))
          })
        )
      }
      case "CheckObject":
        return yield* retried(store.head({ bucket, key })).pipe(
          Effect.map(
            (info): UploadEvent => ({
              _tag: "ObjectChecked",
              verdict: ObjectCheck.judgeObject(ObjectCheck.expectedOf(command.parts, md5), info)
            })
          ),
          Effect.catchTag("ObjectStoreError", (e) => Effect.succeed(failed(command._tag, e)))
        )
      case "AbortUpload":
        return yield* retried(store.abort({ bucket, key, uploadId: command.uploadId })).pipe(
          Effect.as<UploadEvent>({ _tag: "UploadAborted" }),
          Effect.catchTag("ObjectStoreError", (e) =>
            Effect.succeed(isNoSuchUpload(e) ? notFound : failed(command._tag, e))
          )
        )
    }
  })

const optional = <K extends string, V>(key: K, value: V | undefined): { [P in K]?: V } =>
  (value === undefined ? {} : { [key]: value }) as { [P in K]?: V }

const isCursor = (source: ByteSource | StreamCursor): source is StreamCursor => "take" in source

type PartCommand = Extract<UploadCommand, { _tag: "UploadPart" }>

const unreadable = (error: SourceReadError, partNumber: number): UploadEvent => ({
  _tag: "CommandFailed",
  command: "UploadPart",
  reason: "SourceUnreadable",
  message: error.message,
  cause: error,
  partNumber
})

/** Reads, hashes and sends one part; the bytes live only for this call, which is what bounds memory. */
const uploadPart = (ctx: RunnerContext, command: PartCommand) =>
  isCursor(ctx.source) ? streamPart(ctx, ctx.source, command) : filePart(ctx, ctx.source, command)

/**
 * One part of a stream: taken from the cursor in part order. Past the end it reports `SourceEnded` (the first
 * part is sent even when empty, so an empty stream is an empty object). A part committed by an earlier run is
 * verified by its size, CRC-64 and MD5 instead of being sent, unless it differs.
 */
const streamPart = (ctx: RunnerContext, cursor: StreamCursor, command: PartCommand) =>
  Effect.gen(function* () {
    const store = yield* ObjectStore
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
    if (partNumber === store.limits.partCountMax && bytes.length === sizeBytes) {
      const more = yield* Effect.result(cursor.hasMore)
      if (more._tag === "Failure") return unreadable(more.failure, partNumber)
      if (more.success) {
        const message = `${cursor.name} goes on past ${offsetBytes + sizeBytes} bytes, the most ${store.limits.partCountMax} parts can hold`
        return unreadable(
          new SourceReadError({ sourceName: cursor.name, offsetBytes, lengthBytes: sizeBytes, message }),
          partNumber
        )
      }
    }
    const digest = yield* digestPart(bytes)
    const md5 = toHex(digest.md5)
    const crc64 = Crc64.toDecimal(digest.crc64)
    const expected = command.expected
    if (expected !== undefined) {
      const same = expected.sizeBytes === bytes.length && expected.crc64 === crc64 && (expected.md5 ?? md5) === md5
      if (same) return { _tag: "PartVerified", uploadId: command.uploadId, part: expected } satisfies UploadEvent
      const message = `part ${partNumber} (${bytes.length} bytes from offset ${offsetBytes}) differs from the ${expected.sizeBytes} bytes the checkpoint recorded`
      if (command.onMismatch === "report") {
        return { _tag: "PartDiverged", uploadId: command.uploadId, partNumber, message } satisfies UploadEvent
      }
      return yield* sendPart(ctx, command, bytes, digest, { md5, diverged: message })
    }
    return yield* sendPart(ctx, command, bytes, digest, { md5 })
  })

const filePart = (ctx: RunnerContext, source: ByteSource, command: PartCommand) =>
  Effect.gen(function* () {
    const { partNumber, offsetBytes, sizeBytes } = command.range
    const read = yield* Effect.result(source.read(offsetBytes, sizeBytes))
    if (read._tag === "Failure") return unreadable(read.failure, partNumber)
    const bytes = read.success
    return yield* sendPart(ctx, command, bytes, yield* digestPart(bytes), {})
  })

/** Sends one part's bytes, retried, its ETag and CRC-64 checked against what was sent. */
const sendPart = (
  ctx: RunnerContext,
  command: PartCommand,
  bytes: Uint8Array,
  digest: PartDigest,
  stream: { readonly md5?: string; readonly diverged?: string }
) =>
  Effect.gen(function* () {
    const store = yield* ObjectStore
    const { partNumber } = command.range
    const sizeBytes = bytes.length
    const body = { bytes, md5Base64: toBase64(digest.md5), crc64: digest.crc64 }
    const send = store
      .uploadPart({ bucket: ctx.request.bucket, key: ctx.request.key, uploadId: command.uploadId, partNumber, body })
      .pipe(
        Effect.flatMap((answer) => {
          const etag = normalizeEtag(answer.etag)
          if (answer.crc64 !== undefined && answer.crc64 !== digest.crc64) {
            return Effect.fail(
              new PartDamaged({ message: `part ${partNumber}: store CRC-64 ${answer.crc64}, sent ${digest.crc64}` })
            )
          }
          if (/^[0-9a-f]{32}$/.test(etag) && etag !== toHex(digest.md5)) {
            return Effect.fail(
              new PartDamaged({ message: `part ${partNumber}: store ETag ${etag}, sent MD5 ${toHex(digest.md5)}` })
            )
          }
          return Effect.succeed(answer.etag)
        })
      )
    return yield* RetryPolicy.retrying(
      ctx.retry,
      storeRetryable
    )(send).pipe(
      Effect.flatMap((etag) =>
        Effect.map(
          Clock.currentTimeMillis,
          (atMs): UploadEvent => ({
            _tag: "PartUploaded",
            uploadId: command.uploadId,
            // Stream parts keep their MD5, so a rerun can verify their bytes without trusting the ETag's form.
            part: {
              partNumber,
              sizeBytes,
              etag,
              crc64: Crc64.toDecimal(digest.crc64),
              ...(stream.md5 === undefined ? {} : { md5: stream.md5 })
            },
            atMs,
            ...(stream.diverged === undefined ? {} : { diverged: stream.diverged })
          })
        )
      ),
      Effect.catchTag("ObjectStoreError", (e) =>
        Effect.succeed(isNoSuchUpload(e) ? notFound : failed("UploadPart", e, partNumber))
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

/** The whole (one-part) source in one request. */
const putObject = (ctx: RunnerContext, md5: (bytes: Uint8Array) => Uint8Array) =>
  Effect.gen(function* () {
    const store = yield* ObjectStore
    const source = ctx.source
    // A stream is never sent as one PutObject (its size is unknown): a machine that asks for it is broken.
    if (isCursor(source)) return yield* Effect.die(new Error("PutObject was asked for a stream source"))
    const read = yield* Effect.result(source.read(0, source.sizeBytes))
    if (read._tag === "Failure") {
      return {
        _tag: "CommandFailed",
        command: "PutObject",
        reason: "SourceUnreadable",
        message: read.failure.message,
        cause: read.failure
      } satisfies UploadEvent
    }
    const digest = yield* digestPart(read.success)
    const { request } = ctx
    const put = store.putObject({
      bucket: request.bucket,
      key: request.key,
      body: { bytes: read.success, md5Base64: toBase64(digest.md5), crc64: digest.crc64 },
      ...storedAttributesOf(request)
    })
    const expected = { sizeBytes: source.sizeBytes, crc64: digest.crc64, etag: toHex(md5(read.success)) }
    return yield* RetryPolicy.retrying(
      ctx.retry,
      isRetryable
    )(put).pipe(
      Effect.map((answer): UploadEvent => {
        const verdict = ObjectCheck.judgeAnswer(expected, answer)
        return verdict._tag === "Mismatch"
          ? { _tag: "CommandFailed", command: "PutObject", reason: "IntegrityMismatch", message: verdict.message }
          : { _tag: "ObjectPut", etag: answer.etag, crc64: digest.crc64 }
      }),
      Effect.catchTag("ObjectStoreError", (e) => Effect.succeed(failed("PutObject", e)))
    )
  })

/** Every page of ListParts, bounded in pages so a misbehaving store cannot keep the loop going. */
const listAllParts = (ctx: RunnerContext, uploadId: string) =>
  Effect.gen(function* () {
    const store = yield* ObjectStore
    const retried = RetryPolicy.retrying(ctx.retry, isRetryable)
    const parts = []
    let marker: number | undefined
    for (let page = 0; page < ctx.listPagesMax; page++) {
      const result = yield* retried(
        store.listParts({
          bucket: ctx.request.bucket,
          key: ctx.request.key,
          uploadId,
          ...optional("partNumberMarker", marker)
        })
      )
      parts.push(...result.parts)
      if (!result.isTruncated || result.nextPartNumberMarker === undefined || result.nextPartNumberMarker === marker)
        return parts
      marker = result.nextPartNumberMarker
    }
    return parts
  })
