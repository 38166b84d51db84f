/**
 * The handlers of the `Init` state: loading the checkpoint, reconciling it with `ListParts`, verifying a vanished
 * upload, discarding a stale one, initiating, or putting a single object. `transition` (core/UploadTransition.ts)
 * dispatches here; the states, events and commands are defined in core/UploadMachine.ts, and the helpers these
 * handlers are built from in core/UploadSteps.ts. Pure, like every handler: no port, clock or random source.
 *
 * @since 0.1.0
 */
import * as HashMap from "effect/HashMap"
import type { Checkpoint } from "./Checkpoint.ts"
import type { ListedPart } from "./ports/ObjectStore.ts"
import * as Resume from "./Resume.ts"
import { settleWithStrays, straysField, straysOf, withStray } from "./StrayUploads.ts"
import type { Of, Step, Upload, UploadEvent, UploadState } from "./UploadMachine.ts"
import {
  beginUploading,
  completedFrom,
  failWith,
  go,
  holdsEveryPart,
  isLatePartAnswer,
  notify,
  prepend,
  startFresh,
  stay,
  stopInit,
  unresumable
} from "./UploadSteps.ts"

/** The next step of an `Init` state, or `undefined` when it cannot take the event. */
export const onInit = (s: Of<"Init">, e: UploadEvent): Step | undefined => {
  // After a restart, answers of the old upload's parts may still be queued (they were sent before the stop). The
  // queue is FIFO and the new upload's parts start only after UploadInitiated, so such answers land here: drop them.
  if (isLatePartAnswer(s, e)) return stay(s)
  switch (e._tag) {
    case "CheckpointLoaded":
      return s.step === "LoadingCheckpoint" ? onCheckpointLoaded(s, e) : undefined
    case "PartsListed":
      return s.step === "Reconciling" && s.checkpoint !== undefined ? resumeWith(s, s.checkpoint, e.parts) : undefined
    case "UploadNotFound":
      if (s.step === "Reconciling" && s.checkpoint !== undefined && holdsEveryPart(s.checkpoint, s.settings)) {
        // The previous run may have completed the upload and crashed before hearing so: look before restarting.
        return go({ ...s, step: "VerifyingGone" }, { _tag: "CheckObject", parts: s.checkpoint.parts })
      }
      if (s.step === "Reconciling")
        return unresumable(
          s.settings,
          s.restarts,
          "UploadGone",
          "the multipart upload no longer exists on the store",
          undefined,
          straysOf(s.checkpoint)
        )
      if (s.step !== "DiscardingStale") return undefined
      return s.stop === undefined
        ? startFresh(s.settings, s.restarts, undefined, straysOf(s.checkpoint))
        : stopAfterDiscard(s, s.stop)
    case "ObjectChecked":
      if (s.step !== "VerifyingGone") return undefined
      return e.verdict._tag === "Match" || e.verdict._tag === "Unverifiable"
        ? settleWithStrays(s.settings, completedFrom(s.restarts, e.verdict.etag, s.checkpoint), straysOf(s.checkpoint))
        : unresumable(
            s.settings,
            s.restarts,
            "UploadGone",
            "the multipart upload no longer exists and no matching object was found",
            undefined,
            straysOf(s.checkpoint)
          )
    case "UploadAborted":
      return s.step === "DiscardingStale" && s.checkpoint !== undefined
        ? prepend(
            s.stop === undefined
              ? startFresh(s.settings, s.restarts, undefined, straysOf(s.checkpoint))
              : stopAfterDiscard(s, s.stop),
            notify({ _tag: "StaleUploadAborted", uploadId: s.checkpoint.uploadId })
          )
        : undefined
    case "OrphansFound":
      // Taken as strays of the new upload: aborted after Complete or on cancel (core/StrayUploads.ts).
      return s.step === "FindingOrphans" ? afterOrphans(s, e.uploadIds) : undefined
    case "UploadInitiated":
      if (s.step !== "Initiating") return undefined
      return beginUploading(
        s.settings,
        {
          uploadId: e.uploadId,
          layout: s.settings.plan,
          createdAtMs: e.atMs,
          done: HashMap.empty(),
          committedBytes: 0,
          ...straysField((e.orphans ?? []).reduce(withStray, s.strays ?? []))
        },
        s.restarts,
        e.atMs,
        s.stop
      )
    case "ObjectPut":
      // Then the strays (orphans of an unanswered Initiate) are aborted and the initiate intent removed.
      return s.step === "Putting"
        ? settleWithStrays(
            s.settings,
            {
              _tag: "Completed",
              etag: e.etag,
              sizeBytes: s.settings.plan.sizeBytes,
              ...(e.crc64 === undefined ? {} : { crc64: e.crc64 }),
              partCount: 1,
              restarts: s.restarts
            },
            s.strays
          )
        : undefined
    case "CommandFailed":
      // Orphans that could not be listed are left to gc; the upload itself goes on.
      if (s.step === "FindingOrphans" && e.command === "FindOrphans") return afterOrphans(s, [])
      if (s.step === "DiscardingStale") {
        // A stale upload we could not abort becomes a stray of the new upload, which aborts it on cancel or after
        // Complete (core/StrayUploads.ts); a stop waits for no new upload and keeps the checkpoint.
        if (s.stop !== undefined) return stopAfterDiscard(s, s.stop, e)
        const strays = s.checkpoint === undefined ? undefined : withStray(straysOf(s.checkpoint), s.checkpoint.uploadId)
        return startFresh(s.settings, s.restarts, undefined, strays)
      }
      // A cancelled run whose Initiate failed made no upload it knows of: the initiate intent goes too.
      if (s.step === "Initiating" && s.stop === "Cancel") return go({ _tag: "Aborted" }, { _tag: "RemoveCheckpoint" })
      return failWith(s.settings, e, s.checkpoint?.uploadId)
    case "PauseRequested":
    case "CancelRequested":
      return stopInit(s, e._tag === "PauseRequested" ? "Pause" : "Cancel")
    default:
      return undefined
  }
}

/**
 * Orphans found (or not): they become strays of a new upload. A stop that came while they were looked for starts no
 * upload: a deleting cancel aborts the orphans and removes the intent; a pause keeps the intent for the next run.
 */
const afterOrphans = (s: Of<"Init">, orphans: ReadonlyArray<string>): Step => {
  if (s.stop === undefined) return startFresh(s.settings, s.restarts, undefined, orphans)
  if (s.stop === "Cancel" && s.settings.deleteUploadIdOnCancelling)
    return settleWithStrays(s.settings, { _tag: "Aborted" }, orphans)
  return go({ _tag: "Paused", byCancel: s.stop === "Cancel", committedBytes: 0 })
}

/**
 * A pause or cancel that came while a stale upload was being aborted, once that abort has ended: no new upload is
 * started. Aborted (`failure` undefined): the stale checkpoint goes too, and a cancel is an `Aborted` (or, kept by
 * `deleteUploadIdOnCancelling: false`, a pause). Not aborted: the checkpoint stays so a later run tries again, and
 * a cancel that was to delete fails with the abort's error.
 */
const stopAfterDiscard = (
  s: Of<"Init">,
  stop: "Pause" | "Cancel",
  failure?: Extract<UploadEvent, { _tag: "CommandFailed" }>
): Step => {
  const deletes = stop === "Cancel" && s.settings.deleteUploadIdOnCancelling
  const cleanup = failure === undefined ? [{ _tag: "RemoveCheckpoint" } as const] : []
  if (deletes && failure !== undefined) {
    return failWith(
      s.settings,
      { ...failure, message: `cancel: the stale upload could not be aborted: ${failure.message}` },
      undefined
    )
  }
  if (deletes) return settleWithStrays(s.settings, { _tag: "Aborted" }, straysOf(s.checkpoint))
  const stopped: UploadState = { _tag: "Paused", byCancel: stop === "Cancel", committedBytes: 0 }
  return go(stopped, ...cleanup)
}

const onCheckpointLoaded = (s: Of<"Init">, e: Extract<UploadEvent, { _tag: "CheckpointLoaded" }>): Step => {
  const step = onCheckpointLoadedStep(s, e)
  if (s.settings.stream === undefined || s.settings.stream.replayable) return step
  // Said up front: the caller learns before a byte is sent that a crash cannot be resumed from this source alone.
  const sourceName = s.settings.target.source.name
  return prepend(
    step,
    notify({
      _tag: "StreamNotReplayable",
      sourceName,
      message: `${sourceName} cannot be replayed: a rerun resumes only when fed the same bytes again (every committed part is verified by its digest first)`
    })
  )
}

const onCheckpointLoadedStep = (s: Of<"Init">, e: Extract<UploadEvent, { _tag: "CheckpointLoaded" }>): Step => {
  if (e.corrupt !== undefined) return unresumable(s.settings, s.restarts, "CheckpointCorrupt", e.corrupt)
  if (e.checkpoint === undefined && e.initiatedSinceMs !== undefined) {
    // An earlier run sent Initiate and never heard the answer: look for the upload it may have made.
    return go({ ...s, step: "FindingOrphans" }, { _tag: "FindOrphans", sinceMs: e.initiatedSinceMs })
  }
  if (e.checkpoint === undefined) return startFresh(s.settings, s.restarts, undefined)
  const fit = Resume.fit(s.settings.target, e.checkpoint)
  if (fit._tag === "Unfit") {
    // A stale upload on this very store is aborted before starting over; one elsewhere is not ours to touch.
    const sameStore = fit.reason !== "RequestChanged"
    return unresumable(s.settings, s.restarts, fit.reason, fit.message, sameStore ? e.checkpoint : undefined)
  }
  const kept = fit.layout.partSizeBytes !== s.settings.plan.requestedPartSizeBytes
  return go(
    { ...s, step: "Reconciling", checkpoint: e.checkpoint },
    ...(kept
      ? [
          notify({
            _tag: "PartSizeKept",
            requestedBytes: s.settings.plan.requestedPartSizeBytes,
            keptBytes: fit.layout.partSizeBytes
          })
        ]
      : []),
    { _tag: "ListParts", uploadId: e.checkpoint.uploadId }
  )
}

const resumeWith = (s: Of<"Init">, checkpoint: Checkpoint, listed: ReadonlyArray<ListedPart>): Step => {
  const fit = Resume.fit(s.settings.target, checkpoint)
  if (fit._tag === "Unfit") return unresumable(s.settings, s.restarts, fit.reason, fit.message, checkpoint) // cannot happen: checked on load
  const { trusted, distrusted } = Resume.reconcile(checkpoint.parts, listed)
  const upload: Upload = {
    uploadId: checkpoint.uploadId,
    layout: fit.layout,
    createdAtMs: checkpoint.createdAtMs,
    done: HashMap.fromIterable(trusted.map((part) => [part.partNumber, part] as const)),
    committedBytes: trusted.reduce((sum, part) => sum + part.sizeBytes, 0),
    ...straysField(straysOf(checkpoint))
  }
  return prepend(
    beginUploading(s.settings, upload, s.restarts, checkpoint.updatedAtMs, s.stop),
    notify({ _tag: "Resumed", uploadId: checkpoint.uploadId, trustedParts: trusted.length, resentParts: distrusted })
  )
}
