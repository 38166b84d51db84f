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
        return unresumable(s.settings, s.restarts, "UploadGone", "the multipart upload no longer exists on the store")
      if (s.step !== "DiscardingStale") return undefined
      return s.stop === undefined ? startFresh(s.settings, s.restarts, undefined) : stopAfterDiscard(s, s.stop)
    case "ObjectChecked":
      if (s.step !== "VerifyingGone") return undefined
      return e.verdict._tag === "Match" || e.verdict._tag === "Unverifiable"
        ? go(completedFrom(s.restarts, e.verdict.etag, s.checkpoint), { _tag: "RemoveCheckpoint" })
        : unresumable(
            s.settings,
            s.restarts,
            "UploadGone",
            "the multipart upload no longer exists and no matching object was found"
          )
    case "UploadAborted":
      return s.step === "DiscardingStale" && s.checkpoint !== undefined
        ? prepend(
            s.stop === undefined ? startFresh(s.settings, s.restarts, undefined) : stopAfterDiscard(s, s.stop),
            notify({ _tag: "StaleUploadAborted", uploadId: s.checkpoint.uploadId })
          )
        : undefined
    case "UploadInitiated":
      if (s.step !== "Initiating") return undefined
      return beginUploading(
        s.settings,
        {
          uploadId: e.uploadId,
          layout: s.settings.plan,
          createdAtMs: e.atMs,
          done: HashMap.empty(),
          committedBytes: 0
        },
        s.restarts,
        e.atMs,
        s.stop
      )
    case "ObjectPut":
      return s.step === "Putting"
        ? go({
            _tag: "Completed",
            etag: e.etag,
            sizeBytes: s.settings.plan.sizeBytes,
            ...(e.crc64 === undefined ? {} : { crc64: e.crc64 }),
            partCount: 1,
            restarts: s.restarts
          })
        : undefined
    case "CommandFailed":
      if (s.step === "DiscardingStale") {
        // A stale upload we could not abort is left to gc; a stop waits for no new upload.
        return s.stop === undefined ? startFresh(s.settings, s.restarts, undefined) : stopAfterDiscard(s, s.stop, e)
      }
      if (s.step === "Initiating" && s.stop === "Cancel") return go({ _tag: "Aborted" })
      return failWith(s.settings, e, s.checkpoint?.uploadId)
    case "PauseRequested":
    case "CancelRequested":
      return stopInit(s, e._tag === "PauseRequested" ? "Pause" : "Cancel")
    default:
      return undefined
  }
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
  const stopped: UploadState = deletes
    ? { _tag: "Aborted" }
    : { _tag: "Paused", byCancel: stop === "Cancel", committedBytes: 0 }
  return go(stopped, ...cleanup)
}

const onCheckpointLoaded = (s: Of<"Init">, e: Extract<UploadEvent, { _tag: "CheckpointLoaded" }>): Step => {
  if (e.corrupt !== undefined) return unresumable(s.settings, s.restarts, "CheckpointCorrupt", e.corrupt)
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
    committedBytes: trusted.reduce((sum, part) => sum + part.sizeBytes, 0)
  }
  return prepend(
    beginUploading(s.settings, upload, s.restarts, checkpoint.updatedAtMs, s.stop),
    notify({ _tag: "Resumed", uploadId: checkpoint.uploadId, trustedParts: trusted.length, resentParts: distrusted })
  )
}
