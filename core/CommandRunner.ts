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
import type { ByteSource } from "./ports/ByteSource.ts"
import { digestPart, Hasher, type HashFailed, toBase64, toHex } from "./ports/Hasher.ts"
import {
  isNoSuchUpload,
  isRetryable,
  needsCrc64,
  normalizeEtag,
  ObjectStore,
  type ObjectStoreError,
  storedAttributesOf
} from "./ports/ObjectStore.ts"
import * as RetryPolicy from "./RetryPolicy.ts"
import type { UploadCommand, UploadEvent } from "./UploadMachine.ts"
import type { UploadRequest } from "./UploadRequest.ts"

/** The store answered with checksums that differ from what was sent: the body was damaged on the way. */
class PartDamaged extends Data.TaggedError("PartDamaged")<{ readonly message: string }> {}

/** What the runner needs besides the ports. @category models */
export interface RunnerContext {
  readonly request: UploadRequest
  readonly source: ByteSource
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

const hashFailed = (command: "UploadPart" | "PutObject", error: HashFailed, partNumber?: number): UploadEvent => ({
  _tag: "CommandFailed",
  command,
  reason: "HashFailed",
  message: error.message,
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
        return yield* putObject(ctx)
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

/** Reads, hashes and sends one part; the bytes live only for this call, which is what bounds memory. */
const uploadPart = (ctx: RunnerContext, command: Extract<UploadCommand, { _tag: "UploadPart" }>) =>
  Effect.gen(function* () {
    const store = yield* ObjectStore
    const { partNumber, offsetBytes, sizeBytes } = command.range
    const read = yield* Effect.result(ctx.source.read(offsetBytes, sizeBytes))
    if (read._tag === "Failure") {
      return {
        _tag: "CommandFailed",
        command: "UploadPart",
        reason: "SourceUnreadable",
        message: read.failure.message,
        cause: read.failure,
        partNumber
      } satisfies UploadEvent
    }
    const bytes = read.success
    const digested = yield* Effect.result(digestPart(bytes, { crc64: needsCrc64(store) }))
    if (digested._tag === "Failure") return hashFailed("UploadPart", digested.failure, partNumber)
    const digest = digested.success
    const body = { bytes: digest.bytes ?? bytes, md5Base64: toBase64(digest.md5), ...optional("crc64", digest.crc64) }
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
            part: {
              partNumber,
              sizeBytes,
              etag,
              ...(digest.crc64 === undefined ? {} : { crc64: Crc64.toDecimal(digest.crc64) })
            },
            atMs
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
const putObject = (ctx: RunnerContext) =>
  Effect.gen(function* () {
    const store = yield* ObjectStore
    const read = yield* Effect.result(ctx.source.read(0, ctx.source.sizeBytes))
    if (read._tag === "Failure") {
      return {
        _tag: "CommandFailed",
        command: "PutObject",
        reason: "SourceUnreadable",
        message: read.failure.message,
        cause: read.failure
      } satisfies UploadEvent
    }
    const digested = yield* Effect.result(digestPart(read.success, { crc64: needsCrc64(store) }))
    if (digested._tag === "Failure") return hashFailed("PutObject", digested.failure)
    const digest = digested.success
    const { request } = ctx
    const put = store.putObject({
      bucket: request.bucket,
      key: request.key,
      body: {
        bytes: digest.bytes ?? read.success,
        md5Base64: toBase64(digest.md5),
        ...optional("crc64", digest.crc64)
      },
      ...storedAttributesOf(request)
    })
    const expected = { sizeBytes: ctx.source.sizeBytes, crc64: digest.crc64, etag: toHex(digest.md5) }
    return yield* RetryPolicy.retrying(
      ctx.retry,
      isRetryable
    )(put).pipe(
      Effect.map((answer): UploadEvent => {
        const verdict = ObjectCheck.judgeAnswer(expected, answer)
        return verdict._tag === "Mismatch"
          ? { _tag: "CommandFailed", command: "PutObject", reason: "IntegrityMismatch", message: verdict.message }
          : { _tag: "ObjectPut", etag: answer.etag, ...optional("crc64", digest.crc64) }
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
