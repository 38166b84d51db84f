/**
 * The upload state machine: every state, event and command of a resumable multipart upload, and the one pure
 * function that moves between them.
 *
 * ```
 *  Init ─CheckpointLoaded─┬─ fits ──▶ Init(Reconciling) ─PartsListed──────────┐
 *                         ├─ none ──▶ Init(Initiating) ─UploadInitiated────────┤
 *                         ├─ unfit ─▶ Init(DiscardingStale) ─▶ Init(Initiating) │
 *                         └─ 1 part ▶ Init(Putting) ─ObjectPut─▶ Completed      ▼
 *  Uploading ─PartUploaded (until every part is in)─▶ Completing ─CompleteAnswered─▶ Completed
 *                                                         └─ unanswered ─▶ Completing(Verifying) ─ObjectChecked─▶ …
 *  any live state ─PauseRequested─▶ Paused · ─CancelRequested─▶ Aborting ─UploadAborted─▶ Aborted (or Paused, kept)
 *  failures ─▶ Failed (upload and checkpoint kept when the store persists) or Aborting ─▶ Failed
 * ```
 *
 * `transition` is pure (`R = never`): it reaches no port, clock or random source. The driver runs the commands,
 * in order, and feeds their results back as events. `SaveCheckpoint` always precedes a command that is unsafe to
 * repeat (`CompleteUpload`), so a crash never loses the fact that one was sent.
 *
 * @since 0.1.0
 */
import * as Data from "effect/Data"
import * as Effect from "effect/Effect"
import * as HashMap from "effect/HashMap"
import type { Checkpoint, PartRecord } from "./Checkpoint.ts"
import type * as ObjectCheck from "./ObjectCheck.ts"
import type * as PartPlan from "./PartPlan.ts"
import type { CallbackResult, ListedPart } from "./ports/ObjectStore.ts"
import * as Resume from "./Resume.ts"
import {
  type CannotResumeReason,
  type CannotResumeUpload,
  UploadFailed,
  type UploadFailureReason
} from "./UploadErrors.ts"
import {
  beginUploading,
  cancel,
  causeOf,
  checkpointOf,
  completedFrom,
  failWith,
  fill,
  go,
  holdsEveryPart,
  isLatePartAnswer,
  notify,
  partsOf,
  pausedFrom,
  prepend,
  startFresh,
  stay,
  stopInit,
  toCompleting,
  unresumable,
  withCallback
} from "./UploadSteps.ts"

// ── Settings: fixed for one run ─────────────────────────────────────────────────────────────────────────────────

/** @category models */
export interface Settings {
  readonly checkpointId: string
  readonly target: Resume.Target
  /** The layout for a fresh upload; a resumed upload keeps its checkpoint's layout. */
  readonly plan: PartPlan.PartPlan
  readonly parallelism: number
  /** Whether the checkpoint store outlives this process; if not, a failed upload is aborted, not kept. */
  readonly persistent: boolean
  readonly onUnresumable: "restart" | "fail"
  readonly deleteUploadIdOnCancelling: boolean
  /** A source of one part goes up as a single PutObject. */
  readonly singleRequest: boolean
  readonly restartsMax: number
}

// ── States ──────────────────────────────────────────────────────────────────────────────────────────────────────

/** An upload id with its layout and the parts the store has confirmed. @category models */
export interface Upload {
  readonly uploadId: string
  readonly layout: PartPlan.PartPlan
  readonly createdAtMs: number
  readonly done: HashMap.HashMap<number, PartRecord>
}

export type InitStep =
  | "LoadingCheckpoint"
  | "Reconciling"
  | "VerifyingGone"
  | "DiscardingStale"
  | "Initiating"
  | "Putting"
export type StopRequest = "Pause" | "Cancel" | undefined

/** @category models */
export type UploadState =
  | {
      readonly _tag: "Init"
      readonly settings: Settings
      readonly step: InitStep
      readonly restarts: number
      readonly checkpoint?: Checkpoint
      readonly stop?: StopRequest
    }
  | {
      readonly _tag: "Uploading"
      readonly settings: Settings
      readonly upload: Upload
      readonly inFlight: ReadonlySet<number>
      readonly nextPartNumber: number
      readonly restarts: number
    }
  | {
      readonly _tag: "Completing"
      readonly settings: Settings
      readonly upload: Upload
      readonly step: "Completing" | "Verifying"
      readonly restarts: number
      /** The upload callback's answer, kept while the object is verified. */
      readonly callback?: CallbackResult
    }
  | {
      readonly _tag: "Aborting"
      readonly settings: Settings
      readonly uploadId: string
      readonly failure?: UploadFailed
    }
  | {
      readonly _tag: "Completed"
      readonly etag: string
      readonly sizeBytes: number
      readonly crc64: bigint
      readonly partCount: number
      readonly restarts: number
      readonly uploadId?: string
      readonly callback?: CallbackResult
    }
  | { readonly _tag: "Paused"; readonly byCancel: boolean; readonly uploadId?: string; readonly committedBytes: number }
  | { readonly _tag: "Aborted"; readonly uploadId?: string }
  | { readonly _tag: "Failed"; readonly error: UploadFailed | CannotResumeUpload }

// ── Events: facts, past tense ───────────────────────────────────────────────────────────────────────────────────

/** @category models */
export type UploadEvent =
  | { readonly _tag: "CheckpointLoaded"; readonly checkpoint: Checkpoint | undefined; readonly corrupt?: string }
  | { readonly _tag: "UploadInitiated"; readonly uploadId: string; readonly atMs: number }
  | { readonly _tag: "PartsListed"; readonly parts: ReadonlyArray<ListedPart> }
  | { readonly _tag: "UploadNotFound" }
  | { readonly _tag: "PartUploaded"; readonly part: PartRecord; readonly atMs: number }
  | { readonly _tag: "ObjectPut"; readonly etag: string; readonly crc64: bigint }
  | { readonly _tag: "CompleteAnswered"; readonly verdict: ObjectCheck.Verdict; readonly callback?: CallbackResult }
  | { readonly _tag: "CompleteUnanswered"; readonly message: string }
  | { readonly _tag: "ObjectChecked"; readonly verdict: ObjectCheck.Verdict }
  | { readonly _tag: "UploadAborted" }
  | {
      readonly _tag: "CommandFailed"
      readonly command: UploadCommand["_tag"]
      readonly reason: UploadFailureReason
      readonly message: string
      readonly cause?: UploadFailed["cause"]
      readonly partNumber?: number
    }
  | { readonly _tag: "PauseRequested" }
  | { readonly _tag: "CancelRequested" }

// ── Commands: requests to the driver, imperative ────────────────────────────────────────────────────────────────

/** Something worth telling the caller that is not an error. @category models */
export type Notice =
  | { readonly _tag: "PartSizeAdjusted"; readonly requestedBytes: number; readonly chosenBytes: number }
  | { readonly _tag: "PartSizeKept"; readonly requestedBytes: number; readonly keptBytes: number }
  | {
      readonly _tag: "Resumed"
      readonly uploadId: string
      readonly trustedParts: number
      readonly resentParts: ReadonlyArray<number>
    }
  | { readonly _tag: "Restarted"; readonly reason: CannotResumeReason; readonly message: string }
  | { readonly _tag: "StaleUploadAborted"; readonly uploadId: string }
  | { readonly _tag: "IntegrityUnverifiable"; readonly message: string }
  | { readonly _tag: "StopDeferred"; readonly message: string }

/** @category models */
export type UploadCommand =
  | { readonly _tag: "InitiateUpload" }
  | { readonly _tag: "ListParts"; readonly uploadId: string }
  | { readonly _tag: "UploadPart"; readonly uploadId: string; readonly range: PartPlan.PartRange }
  | { readonly _tag: "PutObject" }
  | { readonly _tag: "SaveCheckpoint"; readonly checkpoint: Checkpoint }
  | { readonly _tag: "RemoveCheckpoint" }
  | { readonly _tag: "CompleteUpload"; readonly uploadId: string; readonly parts: ReadonlyArray<PartRecord> }
  | { readonly _tag: "CheckObject"; readonly parts: ReadonlyArray<PartRecord> }
  | { readonly _tag: "StopPartUploads" }
  | { readonly _tag: "AbortUpload"; readonly uploadId: string }
  | { readonly _tag: "DeleteObject" }
  | { readonly _tag: "Notify"; readonly notice: Notice }

/** The next state and the commands to run, in order. @category models */
export interface Step {
  readonly state: UploadState
  readonly commands: ReadonlyArray<UploadCommand>
}

/** An event the state cannot take: a driver bug, never a user error. @category errors */
export class InvalidTransition extends Data.TaggedError("InvalidTransition")<{
  readonly state: UploadState["_tag"]
  readonly event: UploadEvent["_tag"]
}> {}

/** @category constructors */
export const initial = (settings: Settings): UploadState => ({
  _tag: "Init",
  settings,
  step: "LoadingCheckpoint",
  restarts: 0
})

/** @category utils */
export const isTerminal = (state: UploadState): boolean =>
  state._tag === "Completed" || state._tag === "Paused" || state._tag === "Aborted" || state._tag === "Failed"

// ── Transition ──────────────────────────────────────────────────────────────────────────────────────────────────

/** Pure: requirements are `never`, so no port can be reached. @category transitions */
export const transition = (state: UploadState, event: UploadEvent): Effect.Effect<Step, InvalidTransition> => {
  const step = (() => {
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

/** The state with a given tag. @category models */
export type Of<T extends UploadState["_tag"]> = Extract<UploadState, { _tag: T }>

const onInit = (s: Of<"Init">, e: UploadEvent): Step | undefined => {
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
      return s.step === "DiscardingStale" ? startFresh(s.settings, s.restarts, s.stop) : undefined
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
            startFresh(s.settings, s.restarts, s.stop),
            notify({ _tag: "StaleUploadAborted", uploadId: s.checkpoint.uploadId })
          )
        : undefined
    case "UploadInitiated":
      if (s.step !== "Initiating") return undefined
      return beginUploading(
        s.settings,
        { uploadId: e.uploadId, layout: s.settings.plan, createdAtMs: e.atMs, done: HashMap.empty() },
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
            crc64: e.crc64,
            partCount: 1,
            restarts: s.restarts
          })
        : undefined
    case "CommandFailed":
      if (s.step === "DiscardingStale") return startFresh(s.settings, s.restarts, s.stop) // a stale upload we could not abort is left to gc
      if (s.step === "Initiating" && s.stop === "Cancel") return go({ _tag: "Aborted" })
      return failWith(s.settings, e, s.checkpoint?.uploadId)
    case "PauseRequested":
    case "CancelRequested":
      return stopInit(s, e._tag === "PauseRequested" ? "Pause" : "Cancel")
    default:
      return undefined
  }
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
    done: HashMap.fromIterable(trusted.map((part) => [part.partNumber, part] as const))
  }
  return prepend(
    beginUploading(s.settings, upload, s.restarts, checkpoint.updatedAtMs, s.stop),
    notify({ _tag: "Resumed", uploadId: checkpoint.uploadId, trustedParts: trusted.length, resentParts: distrusted })
  )
}

const onUploading = (s: Of<"Uploading">, e: UploadEvent): Step | undefined => {
  switch (e._tag) {
    case "PartUploaded": {
      if (!s.inFlight.has(e.part.partNumber)) return stay(s) // a late answer from a part we stopped waiting for
      const inFlight = new Set(s.inFlight)
      inFlight.delete(e.part.partNumber)
      const upload = { ...s.upload, done: HashMap.set(s.upload.done, e.part.partNumber, e.part) }
      if (HashMap.size(upload.done) === upload.layout.partCount)
        return toCompleting(s.settings, upload, s.restarts, e.atMs)
      return prepend(fill({ ...s, upload, inFlight }), {
        _tag: "SaveCheckpoint",
        checkpoint: checkpointOf(s.settings, upload, e.atMs)
      })
    }
    case "UploadNotFound":
      return prepend(
        unresumable(
          s.settings,
          s.restarts,
          "UploadGone",
          "the multipart upload disappeared from the store (expired or aborted elsewhere)"
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
      if (v._tag === "Match") return go(done(v.etag), { _tag: "RemoveCheckpoint" })
      if (v._tag === "Unverifiable" && e._tag === "CompleteAnswered")
        return go(withCallback({ ...s, step: "Verifying" }, callback), {
          _tag: "CheckObject",
          parts: partsOf(s.upload)
        })
      if (v._tag === "Unverifiable")
        return go(done(v.etag), notify({ _tag: "IntegrityUnverifiable", message: v.message }), {
          _tag: "RemoveCheckpoint"
        })
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

/** Aborting waits for the abort's outcome only; late answers to work started before the cancel are dropped. */
const onAborting = (s: Of<"Aborting">, e: UploadEvent): Step => {
  switch (e._tag) {
    case "UploadAborted":
    case "UploadNotFound":
      return go(
        s.failure === undefined ? { _tag: "Aborted", uploadId: s.uploadId } : { _tag: "Failed", error: s.failure },
        { _tag: "RemoveCheckpoint" }
      )
    case "CommandFailed":
      if (e.command !== "AbortUpload") return stay(s)
      return go({
        _tag: "Failed",
        error: new UploadFailed({
          reason: e.reason,
          message: `abort failed: ${e.message}`,
          resumable: s.settings.persistent,
          ...causeOf(e)
        })
      })
    default:
      return stay(s)
  }
}

/** The checkpoint for an upload as it stands (re-exported: the driver and tests build checkpoints too). */
export { checkpointOf }
