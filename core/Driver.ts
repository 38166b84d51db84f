/**
 * The driver: the shell around the pure state machine. It loads the checkpoint, feeds events to `transition`,
 * and runs the commands that come back, in order, through the ports.
 *
 * Local commands (saving the checkpoint, notices, stopping parts) run inline, so checkpoint writes land in the
 * order the machine issued them. Remote commands run in their own fibers and report back as events, so a pause or
 * cancel is taken between any two of them. Part fibers live in one set that `StopPartUploads` interrupts: an
 * interrupted request is aborted on the wire, not left running behind the caller's back.
 *
 * @since 0.1.0
 */
import * as Clock from "effect/Clock"
import * as Effect from "effect/Effect"
import * as FiberSet from "effect/FiberSet"
import * as Queue from "effect/Queue"
import type * as Scope from "effect/Scope"
import { type RunnerContext, runCommand } from "./CommandRunner.ts"
import * as Fingerprint from "./Fingerprint.ts"
import * as Progress from "./Progress.ts"
import type { SourceReadError } from "./ports/ByteSource.ts"
import { type CheckpointLocked, CheckpointStore, type CheckpointStoreError } from "./ports/CheckpointStore.ts"
import type { Hasher } from "./ports/Hasher.ts"
import { type CallbackResult, ObjectStore } from "./ports/ObjectStore.ts"
import { isStreamSource } from "./ports/StreamSource.ts"
import * as RetryPolicy from "./RetryPolicy.ts"
import * as StreamCursor from "./StreamCursor.ts"
import { type CannotResumeUpload, InvalidUploadRequest, type UploadFailed } from "./UploadErrors.ts"
import * as Machine from "./UploadMachine.ts"
import * as UploadRequest from "./UploadRequest.ts"
import { transition } from "./UploadTransition.ts"

/** How a run ended without an error. @category models */
export type UploadOutcome =
  | {
      readonly _tag: "Completed"
      readonly bucket: string
      readonly key: string
      readonly etag: string
      readonly sizeBytes: number
      /** CRC-64/XZ of the object; absent when the store verifies none (S3), so none was computed. */
      readonly crc64?: bigint
      readonly partCount: number
      /** The OSS upload callback's answer, when one was requested; a failed callback does not undo the upload. */
      readonly callback?: CallbackResult
    }
  | {
      readonly _tag: "Paused"
      readonly checkpointId: string
      readonly committedBytes: number
      readonly byCancel: boolean
    }
  | { readonly _tag: "Cancelled"; readonly checkpointId: string }

/** @category models */
export type UploadError =
  | InvalidUploadRequest
  | CannotResumeUpload
  | UploadFailed
  | CheckpointLocked
  | CheckpointStoreError
  | SourceReadError

/** @category models */
export type Services = ObjectStore | CheckpointStore | Hasher

/**
 * Runs one upload to a terminal state. `events` carries pause and cancel requests from the caller; the driver
 * adds its own events to the same queue, so every event is taken in one order.
 *
 * @category runners
 */
export const run = (
  request: UploadRequest.UploadRequest,
  events: Queue.Queue<Machine.UploadEvent>
): Effect.Effect<UploadOutcome, UploadError, Services | Scope.Scope> =>
  Effect.gen(function* () {
    const store = yield* ObjectStore
    const checkpoints = yield* CheckpointStore
    const retry = yield* RetryPolicy.make(request.retry).pipe(
      Effect.mapError((e) => new InvalidUploadRequest({ field: "retry", message: e.message }))
    )
    const fingerprint = yield* Fingerprint.ofSource(request.source)
    const settings = yield* UploadRequest.toSettings(request, store, fingerprint, checkpoints.persistent)
    const id = settings.checkpointId
    yield* checkpoints.lock(id)

    // No checkpoint but an initiate intent of this very request: an earlier Initiate went unanswered.
    const intent =
      checkpoints.loadIntent === undefined
        ? undefined
        : yield* checkpoints.loadIntent(id).pipe(Effect.catchTag("CheckpointStoreError", () => Effect.undefined))
    const initiatedSinceMs =
      intent !== undefined && intent.bucket === request.bucket && intent.key === request.key
        ? intent.sinceMs
        : undefined
    const loaded = yield* checkpoints.load(id).pipe(
      Effect.map(
        (checkpoint): Machine.UploadEvent =>
          checkpoint === undefined && initiatedSinceMs !== undefined
            ? { _tag: "CheckpointLoaded", checkpoint, initiatedSinceMs }
            : { _tag: "CheckpointLoaded", checkpoint }
      ),
      Effect.catchTag("CheckpointCorrupt", (e) =>
        Effect.succeed<Machine.UploadEvent>({ _tag: "CheckpointLoaded", checkpoint: undefined, corrupt: e.message })
      )
    )
    yield* Queue.offer(events, loaded)

    const ctx: RunnerContext = {
      request,
      // A stream is read once, front to back, through one cursor shared by the parts in flight.
      source: isStreamSource(request.source) ? StreamCursor.make(request.source) : request.source,
      retry,
      listPagesMax: Math.ceil(store.limits.partCountMax / store.limits.listPageSizeMax) + 2
    }
    const parts = yield* FiberSet.make<void>()
    const remote = yield* FiberSet.make<void>()
    const emit = (event: Machine.UploadEvent) => Queue.offer(events, event).pipe(Effect.asVoid)

    // A checkpoint that cannot be written fails the upload: resuming would depend on it.
    const unwritable = (tag: "SaveCheckpoint" | "SavePart", write: Effect.Effect<void, CheckpointStoreError>) =>
      Effect.catchTag(write, "CheckpointStoreError", (e) =>
        emit({ _tag: "CommandFailed", command: tag, reason: "CheckpointUnwritable", message: e.message, cause: e })
      )
    // Written before every Initiate, so a crash that loses its answer leaves a trace (core/InitiateIntent.ts). It keeps
    // the earliest time, so uploads of an earlier unanswered Initiate are still found after a second crash.
    const recordIntent = Effect.gen(function* () {
      if (checkpoints.saveIntent === undefined || !checkpoints.persistent) return
      const sinceMs = initiatedSinceMs ?? Math.floor(yield* Clock.currentTimeMillis)
      yield* checkpoints.saveIntent(id, { bucket: request.bucket, key: request.key, sinceMs })
    })
    const execute = (command: Machine.UploadCommand): Effect.Effect<void, never, Services> => {
      switch (command._tag) {
        case "SaveCheckpoint":
          return unwritable(command._tag, checkpoints.save(id, command.checkpoint))
        case "SavePart":
          return unwritable(command._tag, checkpoints.savePart(id, command.part, command.updatedAtMs))
        case "RemoveCheckpoint":
          // The upload is already settled; a checkpoint we could not remove is reported, not fatal.
          return checkpoints
            .remove(id)
            .pipe(
              Effect.catchTag("CheckpointStoreError", (e) =>
                Effect.logWarning(`could not remove checkpoint ${id}: ${e.message}`)
              )
            )
        case "Notify":
          return Effect.sync(() => request.onNotice?.(command.notice))
        case "StopPartUploads":
          return FiberSet.clear(parts)
        case "DeleteObject":
          return store
            .delete({ bucket: request.bucket, key: request.key })
            .pipe(
              Effect.catchTag("ObjectStoreError", (e) =>
                Effect.logWarning(`could not delete mismatched object: ${e.message}`)
              )
            )
        case "InitiateUpload":
          return recordIntent.pipe(
            Effect.andThen(FiberSet.run(remote, Effect.flatMap(runCommand(ctx, command), emit))),
            Effect.asVoid,
            Effect.catchTag("CheckpointStoreError", (e) =>
              emit({
                _tag: "CommandFailed",
                command: "InitiateUpload",
                reason: "CheckpointUnwritable",
                message: e.message,
                cause: e
              })
            )
          )
        case "UploadPart":
          return FiberSet.run(parts, Effect.flatMap(runCommand(ctx, command), emit)).pipe(Effect.asVoid)
        default:
          return FiberSet.run(remote, Effect.flatMap(runCommand(ctx, command), emit)).pipe(Effect.asVoid)
      }
    }

    let state = Machine.initial(settings)
    let reported: Progress.Progress | undefined
    while (!Machine.isTerminal(state)) {
      const event = yield* Queue.take(events)
      const step = yield* Effect.orDie(transition(state, event))
      state = step.state
      const progress = Progress.fromState(state)
      if (progress !== undefined && !sameProgress(progress, reported)) {
        reported = progress
        request.onProgress?.(progress)
      }
      for (const command of step.commands) yield* execute(command)
    }
    yield* FiberSet.clear(parts)
    yield* FiberSet.clear(remote)
    return yield* outcomeOf(state, request, id)
  })

const sameProgress = (a: Progress.Progress, b: Progress.Progress | undefined) =>
  b !== undefined &&
  a.phase === b.phase &&
  a.restarts === b.restarts &&
  a.committedBytes === b.committedBytes &&
  a.inFlightBytes === b.inFlightBytes

const outcomeOf = (
  state: Machine.UploadState,
  request: UploadRequest.UploadRequest,
  checkpointId: string
): Effect.Effect<UploadOutcome, UploadError> => {
  switch (state._tag) {
    case "Completed":
      return Effect.succeed({
        _tag: "Completed",
        bucket: request.bucket,
        key: request.key,
        etag: state.etag,
        sizeBytes: state.sizeBytes,
        ...(state.crc64 === undefined ? {} : { crc64: state.crc64 }),
        partCount: state.partCount,
        ...(state.callback === undefined ? {} : { callback: state.callback })
      })
    case "Paused":
      return Effect.succeed({
        _tag: "Paused",
        checkpointId,
        committedBytes: state.committedBytes,
        byCancel: state.byCancel
      })
    case "Aborted":
      return Effect.succeed({ _tag: "Cancelled", checkpointId })
    case "Failed":
      return Effect.fail(state.error)
    default:
      return Effect.die(new Error(`driver stopped in non-terminal state ${state._tag}`))
  }
}
