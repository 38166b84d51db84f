/**
 * Runs the machine's remote commands through the ports and turns each outcome into an event.
 *
 * This, with the part upload it calls (core/PartUpload.ts), is the only code that reads the source, hashes parts
 * and talks to the store. Retries happen here, on
 * retryable errors only; `CompleteUpload` is never retried (it is not safe to repeat), and an unanswered Complete
 * becomes an event that makes the machine look at the object instead.
 *
 * @since 0.1.0
 */
import * as Clock from "effect/Clock"
import * as Effect from "effect/Effect"
import * as ObjectCheck from "./ObjectCheck.ts"
import { findOrphans } from "./OrphanUploads.ts"
import {
  attemptsOf,
  digestForStore,
  failed,
  hashFailed,
  isCursor,
  notFound,
  type PartContext,
  uploadPart
} from "./PartUpload.ts"
import { Hasher, toBase64, toHex } from "./ports/Hasher.ts"
import { isNoSuchUpload, isRetryable, ObjectStore, storedAttributesOf } from "./ports/ObjectStore.ts"
import * as RetryPolicy from "./RetryPolicy.ts"
import type { UploadCommand, UploadEvent } from "./UploadMachine.ts"
import type { UploadRequest } from "./UploadRequest.ts"

/** What the runner needs besides the ports. @category models */
export interface RunnerContext extends PartContext {
  readonly request: UploadRequest
  /** Bounds ListParts paging: 10,000 parts at 1,000 a page, plus slack. */
  readonly listPagesMax: number
}

type Remote = Exclude<
  UploadCommand,
  { _tag: "SaveCheckpoint" | "SavePart" | "RemoveCheckpoint" | "Notify" | "StopPartUploads" | "DeleteObject" }
>

/** A part's failure or NoSuchUpload, marked with the upload it belongs to (see UploadMachine's events). */
const ofUpload =
  (uploadId: string) =>
  (e: UploadEvent): UploadEvent =>
    e._tag === "CommandFailed" || e._tag === "UploadNotFound" ? { ...e, uploadId } : e

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
        // A retried Initiate may have been applied before: an earlier attempt's upload is then an orphan of this
        // run. Counted here, and looked for (best effort) once an attempt is answered (core/OrphanUploads.ts).
        const firstAttemptMs = yield* Clock.currentTimeMillis
        let attempts = 0
        const attempt = Effect.suspend(() => {
          attempts++
          return store.initiate(init)
        })
        return yield* retried(attempt).pipe(
          Effect.flatMap((uploadId) =>
            Effect.gen(function* () {
              const earlier =
                attempts > 1
                  ? yield* findOrphans(ctx.retry, bucket, key, firstAttemptMs).pipe(
                      Effect.map((ids) => ids.filter((id) => id !== uploadId)),
                      Effect.catchTag("ObjectStoreError", () => Effect.succeed([]))
                    )
                  : []
              const atMs = yield* Clock.currentTimeMillis
              return earlier.length === 0
                ? ({ _tag: "UploadInitiated", uploadId, atMs } satisfies UploadEvent)
                : ({ _tag: "UploadInitiated", uploadId, atMs, orphans: earlier } satisfies UploadEvent)
            })
          ),
          Effect.catchTag("ObjectStoreError", (e) =>
            Effect.succeed(failed(command._tag, e, undefined, attemptsOf(ctx)))
          )
        )
      }
      case "FindOrphans":
        return yield* findOrphans(ctx.retry, bucket, key, command.sinceMs).pipe(
          Effect.map((uploadIds): UploadEvent => ({ _tag: "OrphansFound", uploadIds })),
          Effect.catchTag("ObjectStoreError", (e) =>
            Effect.succeed(failed(command._tag, e, undefined, attemptsOf(ctx)))
          )
        )
      case "ListParts":
        return yield* listAllParts(ctx, command.uploadId).pipe(
          Effect.map((parts): UploadEvent => ({ _tag: "PartsListed", parts })),
          Effect.catchTag("ObjectStoreError", (e) =>
            Effect.succeed(isNoSuchUpload(e) ? notFound : failed(command._tag, e, undefined, attemptsOf(ctx)))
          )
        )
      case "UploadPart":
        return ofUpload(command.uploadId)(yield* uploadPart(ctx, command))
      case "PutObject":
        return yield* putObject(ctx)
      case "CompleteUpload": {
        const parts = command.parts.map(({ partNumber, etag, partChecksum }) => ({
          partNumber,
          etag,
          ...optional("partChecksum", partChecksum)
        }))
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
          Effect.catchTag("ObjectStoreError", (e) =>
            Effect.succeed(failed(command._tag, e, undefined, attemptsOf(ctx)))
          )
        )
      case "AbortUpload":
        return yield* retried(store.abort({ bucket, key, uploadId: command.uploadId })).pipe(
          Effect.as<UploadEvent>({ _tag: "UploadAborted" }),
          Effect.catchTag("ObjectStoreError", (e) =>
            Effect.succeed(isNoSuchUpload(e) ? notFound : failed(command._tag, e, undefined, attemptsOf(ctx)))
          )
        )
    }
  })

const optional = <K extends string, V>(key: K, value: V | undefined): { [P in K]?: V } =>
  (value === undefined ? {} : { [key]: value }) as { [P in K]?: V }

/** The whole (one-part) source in one request. */
const putObject = (ctx: RunnerContext) =>
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
    const digested = yield* Effect.result(digestForStore(read.success))
    if (digested._tag === "Failure") return hashFailed("PutObject", digested.failure)
    const { digest, live } = digested.success
    const { request } = ctx
    const put = store.putObject({
      bucket: request.bucket,
      key: request.key,
      body: {
        bytes: live,
        md5Base64: toBase64(digest.md5),
        ...optional("crc64", digest.crc64)
      },
      ...storedAttributesOf(request)
    })
    const expected = { sizeBytes: source.sizeBytes, crc64: digest.crc64, etag: toHex(digest.md5) }
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
      Effect.catchTag("ObjectStoreError", (e) => Effect.succeed(failed("PutObject", e, undefined, attemptsOf(ctx))))
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
