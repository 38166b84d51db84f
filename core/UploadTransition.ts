/**
 * The one pure function that moves the upload state machine: `transition(state, event)` gives the next state and
 * the commands to run. The machine is split over four modules so that none imports another in a circle:
 *
 * - core/UploadMachine.ts         every state, event and command (types only; read it first)
 * - core/UploadTransition.ts      (this file) `transition`, and the handlers of Uploading, Completing and Aborting
 * - core/UploadTransitionInit.ts  the handlers of the Init state
 * - core/UploadSteps.ts           the helpers the handlers are built from (start fresh, restart, fill, fail, cancel)
 *
 * Pure (`R = never`): it reaches no port, clock or random source; the driver (core/Driver.ts) runs the commands.
 *
 * @since 0.1.0
 */
import * as Effect from "effect/Effect"
import * as HashMap from "effect/HashMap"
import * as PartPlan from "./PartPlan.ts"
import { settleWithStrays } from "./StrayUploads.ts"
import { isStreamAnswer, onStreamAnswer } from "./StreamParts.ts"
import { UploadFailed } from "./UploadErrors.ts"
import { InvalidTransition, type Of, type Step, type UploadEvent, type UploadState } from "./UploadMachine.ts"
import {
  answersAnotherUpload,
  cancel,
  causeOf,
  completedFrom,
  failWith,
  fill,
  go,
  notify,
  partsOf,
  pausedFrom,
  prepend,
  stay,
  toCompleting,
  unresumable,
  updatedAtOf,
  withCallback,
  withPart
} from "./UploadSteps.ts"
import { onInit } from "./UploadTransitionInit.ts"

/** Pure: requirements are `never`, so no port can be reached. @category transitions */
export const transition = (state: UploadState, event: UploadEvent): Effect.Effect<Step, InvalidTransition> => {
  const step = (() => {
    if (answersAnotherUpload(state, event)) return stay(state)
    switch (state._tag) {
      case "Init":
        return onInit(state, event)
      case "Uploading":
        return onUploading(state, event)
      case "Completing":
        return onCompleting(state, event)
      case "Aborting":
        return onAborting(state, event)
      default:
        return undefined
    }
  })()
  return step === undefined
    ? Effect.fail(new InvalidTransition({ state: state._tag, event: event._tag }))
    : Effect.succeed(step)
}

const onUploading = (s: Of<"Uploading">, e: UploadEvent): Step | undefined => {
  if (s.settings.stream !== undefined && isStreamAnswer(e)) return onStreamAnswer(s, e)
  switch (e._tag) {
    case "PartUploaded": {
      if (!s.inFlight.has(e.part.partNumber)) return stay(s) // a late answer from a part we stopped waiting for
      const inFlight = new Set(s.inFlight)
      inFlight.delete(e.part.partNumber)
      const inFlightBytes = s.inFlightBytes - PartPlan.rangeOf(s.upload.layout, e.part.partNumber).sizeBytes
      const upload = withPart(s.upload, e.part)
      if (HashMap.size(upload.done) === upload.layout.partCount)
        return toCompleting(s.settings, upload, s.restarts, e.atMs)
      // Only the new part is saved (appended to the checkpoint's journal): O(1) per part, whatever the part count.
      return prepend(fill({ ...s, upload, inFlight, inFlightBytes }), {
        _tag: "SavePart",
        part: e.part,
        updatedAtMs: updatedAtOf(upload, e.atMs)
      })
    }
    case "UploadNotFound":
      // A stream already read past its start cannot start over in this run: it fails (kept for a rerun, which
      // finds the upload gone and starts over by the policy), or with `"fail"` says it cannot resume.
      if (s.settings.stream !== undefined && s.settings.onUnresumable === "restart") {
        const message = "the multipart upload disappeared from the store mid-stream; run again to start over"
        return failWith(s.settings, { reason: "StoreRejected", message }, s.upload.uploadId)
      }
      return prepend(
        unresumable(
          s.settings,
          s.restarts,
          "UploadGone",
          "the multipart upload disappeared from the store (expired or aborted elsewhere)",
          undefined,
          s.upload.strays
        ),
        { _tag: "StopPartUploads" }
      )
    case "CommandFailed":
      if (e.partNumber !== undefined && !s.inFlight.has(e.partNumber)) return stay(s)
      return failWith(s.settings, e, s.upload.uploadId)
    case "PauseRequested":
      return go(pausedFrom(s.upload, false), { _tag: "StopPartUploads" })
    case "CancelRequested":
      return cancel(s.settings, s.upload)
    default:
      return undefined
  }
}

const onCompleting = (s: Of<"Completing">, e: UploadEvent): Step | undefined => {
  switch (e._tag) {
    case "CompleteAnswered":
    case "ObjectChecked": {
      const v = e.verdict
      const callback = e._tag === "CompleteAnswered" ? e.callback : s.callback
      const done = (etag: string) => withCallback(completedFrom(s.restarts, etag, undefined, s.upload), callback)
      if (v._tag === "Match") return settleWithStrays(s.settings, done(v.etag), s.upload.strays)
      if (v._tag === "Unverifiable" && e._tag === "CompleteAnswered")
        return go(withCallback({ ...s, step: "Verifying" }, callback), {
          _tag: "CheckObject",
          parts: partsOf(s.upload)
        })
      if (v._tag === "Unverifiable")
        return prepend(
          settleWithStrays(s.settings, done(v.etag), s.upload.strays),
          notify({ _tag: "IntegrityUnverifiable", message: v.message })
        )
      if (v._tag === "Mismatch" && e._tag === "CompleteAnswered") {
        // The store built an object that is not the source: remove it rather than leave wrong bytes behind.
        const error = new UploadFailed({ reason: "IntegrityMismatch", message: v.message, resumable: false })
        return go({ _tag: "Failed", error }, { _tag: "DeleteObject" }, { _tag: "RemoveCheckpoint" })
      }
      // Missing, or another object at the key: Complete was probably never applied, so the upload is kept.
      const message =
        v._tag === "Mismatch"
          ? `Complete was not confirmed: ${v.message}`
          : "Complete was not confirmed and no object is at the key"
      return failWith(s.settings, { reason: "CompletionUnconfirmed", message }, s.upload.uploadId)
    }
    case "CompleteUnanswered":
    case "UploadNotFound":
      return s.step === "Completing"
        ? go({ ...s, step: "Verifying" }, { _tag: "CheckObject", parts: partsOf(s.upload) })
        : undefined
    case "CommandFailed":
      return failWith(s.settings, e, s.upload.uploadId)
    case "PauseRequested":
    case "CancelRequested":
      return go(s, notify({ _tag: "StopDeferred", message: "Complete has been sent; the upload finishes first" }))
    default:
      return undefined
  }
}

/**
 * Aborting waits for the abort's outcome only; late answers to work started before the cancel are dropped. Then
 * the stray uploads (core/StrayUploads.ts) are aborted one by one, `settled` holding the state the run ends in.
 */
const onAborting = (s: Of<"Aborting">, e: UploadEvent): Step => {
  switch (e._tag) {
    case "UploadAborted":
    case "UploadNotFound":
      return settleWithStrays(
        s.settings,
        s.settled ??
          (s.failure === undefined ? { _tag: "Aborted", uploadId: s.uploadId } : { _tag: "Failed", error: s.failure }),
        s.strays
      )
    case "CommandFailed":
      if (e.command !== "AbortUpload") return stay(s)
      if (s.settled?._tag === "Completed") {
        // After Complete the strays' aborts are best effort: the object is in place, gc finds what is left.
        const kept = notify({
          _tag: "StrayUploadKept",
          uploadId: s.uploadId,
          message: `the earlier upload ${s.uploadId} of this object could not be aborted (${e.message}); \`uploads gc\` removes it`
        })
        return prepend(settleWithStrays(s.settings, s.settled, s.strays), kept)
      }
      return go({
        _tag: "Failed",
        error: new UploadFailed({
          reason: e.reason,
          message:
            s.settled === undefined
              ? `abort failed: ${e.message}`
              : `abort of the earlier upload ${s.uploadId} failed: ${e.message}`,
          resumable: s.settings.persistent,
          ...causeOf(e)
        })
      })
    default:
      return stay(s)
  }
}
