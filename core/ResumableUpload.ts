/**
 * The public Effect API: start an upload and get a handle, run one to its end, or look at its resume state first.
 *
 * Pause and cancel are per upload (they go to that upload's own event queue), never per client, so one client can
 * carry many uploads and stop any one of them.
 *
 * @since 0.1.0
 */
import * as Effect from "effect/Effect"
import * as Fiber from "effect/Fiber"
import * as Queue from "effect/Queue"
import type * as Scope from "effect/Scope"
import * as Driver from "./Driver.ts"
import * as Fingerprint from "./Fingerprint.ts"
import type { SourceReadError } from "./ports/ByteSource.ts"
import { CheckpointStore, type CheckpointStoreError } from "./ports/CheckpointStore.ts"
import { ObjectStore } from "./ports/ObjectStore.ts"
import * as Resume from "./Resume.ts"
import type { UploadEvent } from "./UploadMachine.ts"
import * as UploadRequest from "./UploadRequest.ts"

/** @category models */
export interface UploadHandle {
  /** Stop sending; keep the upload and checkpoint so the same request resumes later. */
  readonly pause: Effect.Effect<void>
  /** Stop sending; abort the upload and delete the checkpoint, unless `deleteUploadIdOnCancelling` is false. */
  readonly cancel: Effect.Effect<void>
  /** Waits for the run to end. */
  readonly outcome: Effect.Effect<Driver.UploadOutcome, Driver.UploadError>
}

/**
 * Starts an upload in the background of the current scope; closing the scope interrupts it like a crash would
 * (the checkpoint stays, the next run resumes).
 *
 * @category constructors
 */
export const startUpload = (
  request: UploadRequest.UploadRequest
): Effect.Effect<UploadHandle, never, Driver.Services | Scope.Scope> =>
  Effect.gen(function* () {
    const events = yield* Queue.unbounded<UploadEvent>()
    const fiber = yield* Effect.forkScoped(Effect.scoped(Driver.run(request, events)))
    return {
      pause: Queue.offer(events, { _tag: "PauseRequested" }).pipe(Effect.asVoid),
      cancel: Queue.offer(events, { _tag: "CancelRequested" }).pipe(Effect.asVoid),
      outcome: Fiber.join(fiber)
    }
  })

/** Runs an upload to its end. @category constructors */
export const resumableUpload = (
  request: UploadRequest.UploadRequest
): Effect.Effect<Driver.UploadOutcome, Driver.UploadError, Driver.Services> =>
  Effect.scoped(Effect.flatMap(Queue.unbounded<UploadEvent>(), (events) => Driver.run(request, events)))

/** What a later run would find. @category models */
export type ResumeReport =
  | { readonly _tag: "NoCheckpoint"; readonly checkpointId: string }
  | { readonly _tag: "Corrupt"; readonly checkpointId: string; readonly message: string }
  | {
      readonly _tag: "Resumable"
      readonly checkpointId: string
      readonly uploadId: string
      readonly committedBytes: number
      readonly totalBytes: number
      readonly partSizeBytes: number
    }
  | {
      readonly _tag: "Unfit"
      readonly checkpointId: string
      readonly uploadId: string
      readonly reason: string
      readonly message: string
    }

/**
 * Reports, without sending anything, whether a checkpoint exists for this request, how many bytes it has
 * committed, and whether it still fits the source.
 *
 * @category constructors
 */
export const inspectResume = (
  request: UploadRequest.UploadRequest
): Effect.Effect<ResumeReport, CheckpointStoreError | SourceReadError, ObjectStore | CheckpointStore> =>
  Effect.gen(function* () {
    const store = yield* ObjectStore
    const checkpoints = yield* CheckpointStore
    const checkpointId = request.checkpointId ?? UploadRequest.checkpointIdFor(store, request)
    const loaded = yield* Effect.result(checkpoints.load(checkpointId))
    if (loaded._tag === "Failure") {
      if (loaded.failure._tag === "CheckpointCorrupt")
        return { _tag: "Corrupt", checkpointId, message: loaded.failure.message }
      return yield* Effect.fail(loaded.failure)
    }
    const checkpoint = loaded.success
    if (checkpoint === undefined) return { _tag: "NoCheckpoint", checkpointId }
    const source = yield* Fingerprint.ofSource(request.source)
    const requestedPartSizeBytes = request.partSizeBytes ?? checkpoint.partSizeBytes
    const target = UploadRequest.targetOf(request, store, source, requestedPartSizeBytes)
    const fit = Resume.fit(target, checkpoint)
    if (fit._tag === "Unfit")
      return { _tag: "Unfit", checkpointId, uploadId: checkpoint.uploadId, reason: fit.reason, message: fit.message }
    return {
      _tag: "Resumable",
      checkpointId,
      uploadId: checkpoint.uploadId,
      committedBytes: checkpoint.parts.reduce((sum, part) => sum + part.sizeBytes, 0),
      totalBytes: source.sizeBytes,
      partSizeBytes: checkpoint.partSizeBytes
    }
  })
