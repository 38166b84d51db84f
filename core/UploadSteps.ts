/**
 * The building blocks of `transition` (core/UploadTransition.ts, core/UploadTransitionInit.ts): each returns a
 * `Step` (the next state and the commands to run) and none mutates its input. Kept apart so the handlers read as
 * one case per event; the states, events and commands they work on are defined in core/UploadMachine.ts.
 *
 * @since 0.1.0
 */
import * as HashMap from "effect/HashMap"
import type { Checkpoint, PartRecord } from "./Checkpoint.ts"
import * as ObjectCheck from "./ObjectCheck.ts"
import * as PartPlan from "./PartPlan.ts"
import type { CallbackResult } from "./ports/ObjectStore.ts"
import { settleWithStrays, straysField, straysOf } from "./StrayUploads.ts"
import { type CannotResumeReason, CannotResumeUpload, UploadFailed, type UploadFailureReason } from "./UploadErrors.ts"
import type {
  Notice,
  Of,
  Settings,
  Step,
  StopRequest,
  Upload,
  UploadCommand,
  UploadEvent,
  UploadState
} from "./UploadMachine.ts"

export const stay = (state: UploadState): Step => ({ state, commands: [] })
export const go = (state: UploadState, ...commands: ReadonlyArray<UploadCommand>): Step => ({ state, commands })
export const notify = (notice: Notice): UploadCommand => ({ _tag: "Notify", notice })

export const isLatePartAnswer = (s: Of<"Init">, e: UploadEvent): boolean =>
  e._tag === "PartUploaded" ||
  e._tag === "PartVerified" ||
  e._tag === "PartDiverged" ||
  e._tag === "SourceEnded" ||
  (e._tag === "CommandFailed" && e.command === "UploadPart") ||
  (e._tag === "UploadNotFound" && s.step !== "Reconciling" && s.step !== "DiscardingStale")

/**
 * A part's answer (uploaded, failed, NoSuchUpload) that names an upload other than the one the state works on: a
 * late answer of an upload this run abandoned (a restart). Dropped by id, whatever order the answers arrive in.
 */
export const answersAnotherUpload = (state: UploadState, e: UploadEvent): boolean => {
  const current =
    state._tag === "Uploading" || state._tag === "Completing"
      ? state.upload.uploadId
      : state._tag === "Aborting"
        ? state.uploadId
        : undefined
  const answering =
    e._tag === "PartUploaded" ||
    e._tag === "CommandFailed" ||
    e._tag === "UploadNotFound" ||
    e._tag === "PartVerified" ||
    e._tag === "PartDiverged" ||
    e._tag === "SourceEnded"
      ? e.uploadId
      : undefined
  return current !== undefined && answering !== undefined && answering !== current
}

export const prepend = (step: Step, ...commands: ReadonlyArray<UploadCommand>): Step => ({
  state: step.state,
  commands: [...commands, ...step.commands]
})

export const causeOf = (e: { readonly cause?: UploadFailed["cause"] }) =>
  e.cause === undefined ? {} : { cause: e.cause }

export const startFresh = (
  settings: Settings,
  restarts: number,
  stop: StopRequest,
  strays?: ReadonlyArray<string>
): Step => {
  // A single PutObject keeps the strays in its Init state, to abort them once the object is put.
  if (settings.singleRequest)
    return go({ _tag: "Init", settings, step: "Putting", restarts, ...straysField(strays) }, { _tag: "PutObject" })
  const { requestedPartSizeBytes, partSizeBytes } = settings.plan
  const adjusted = partSizeBytes !== requestedPartSizeBytes
  return go(
    { _tag: "Init", settings, step: "Initiating", restarts, stop, ...straysField(strays) },
    ...(adjusted
      ? [notify({ _tag: "PartSizeAdjusted", requestedBytes: requestedPartSizeBytes, chosenBytes: partSizeBytes })]
      : []),
    { _tag: "InitiateUpload" }
  )
}

/** A checkpoint that cannot be continued: fail, or (by default) abort what is stale and start over. */
export const unresumable = (
  settings: Settings,
  restarts: number,
  reason: CannotResumeReason,
  message: string,
  stale?: Checkpoint,
  strays?: ReadonlyArray<string>
): Step => {
  if (settings.onUnresumable === "fail") {
    return go({
      _tag: "Failed",
      error: new CannotResumeUpload({
        checkpointId: settings.checkpointId,
        reason,
        message,
        ...(stale === undefined ? {} : { uploadId: stale.uploadId })
      })
    })
  }
  if (restarts >= settings.restartsMax) {
    const error = new UploadFailed({
      reason: "RestartsExhausted",
      message: `gave up after ${restarts} restarts: ${message}`,
      resumable: false
    })
    return go({ _tag: "Failed", error }, { _tag: "RemoveCheckpoint" })
  }
  const announce = notify({ _tag: "Restarted", reason, message })
  if (stale !== undefined) {
    return go(
      { _tag: "Init", settings, step: "DiscardingStale", restarts: restarts + 1, checkpoint: stale },
      announce,
      { _tag: "AbortUpload", uploadId: stale.uploadId }
    )
  }
  return prepend(startFresh(settings, restarts + 1, undefined, strays), announce, { _tag: "RemoveCheckpoint" })
}

export const beginUploading = (
  settings: Settings,
  upload: Upload,
  restarts: number,
  atMs: number,
  stop: StopRequest
): Step => {
  const save: UploadCommand = { _tag: "SaveCheckpoint", checkpoint: checkpointOf(settings, upload, atMs) }
  if (stop === "Pause") return go(pausedFrom(upload, false), save)
  if (stop === "Cancel") return prepend(cancel(settings, upload), save)
  // A stream's recorded parts are read and verified first even when they fill its layout (a stream at its part
  // limit): the source may have changed since they were sent.
  if (settings.stream === undefined && HashMap.size(upload.done) === upload.layout.partCount) {
    return toCompleting(settings, upload, restarts, atMs)
  }
  return prepend(
    fill({ _tag: "Uploading", settings, upload, inFlight: new Set(), inFlightBytes: 0, nextPartNumber: 1, restarts }),
    save
  )
}

/** Marks a stream's part at the part limit, whose reader checks that the stream ends there. */
const lastPossible = (s: Of<"Uploading">, partNumber: number): { readonly lastPossible?: true } =>
  PartPlan.isOpen(s.upload.layout) && partNumber === s.upload.layout.partCount ? { lastPossible: true } : {}

/** Starts parts, lowest number first, until `parallelism` are in flight. */
export const fill = (s: Of<"Uploading">): Step => {
  const inFlight = new Set(s.inFlight)
  const commands: Array<UploadCommand> = []
  let next = s.nextPartNumber
  let inFlightBytes = s.inFlightBytes
  while (inFlight.size < s.settings.parallelism && next <= s.upload.layout.partCount) {
    const recorded = HashMap.get(s.upload.done, next)
    if (recorded._tag === "None") {
      const range = PartPlan.rangeOf(s.upload.layout, next)
      inFlight.add(next)
      inFlightBytes += range.sizeBytes
      commands.push({ _tag: "UploadPart", uploadId: s.upload.uploadId, range, ...lastPossible(s, next) })
    } else if (s.settings.stream !== undefined) {
      // A stream cannot skip ahead: a committed part is read anyway, and verified against its record.
      const range = PartPlan.rangeOf(s.upload.layout, next)
      inFlight.add(next)
      inFlightBytes += range.sizeBytes
      const onMismatch = s.settings.onUnresumable === "fail" ? "report" : "resend"
      commands.push({
        _tag: "UploadPart",
        uploadId: s.upload.uploadId,
        range,
        expected: recorded.value,
        onMismatch,
        ...lastPossible(s, next)
      })
    }
    next++
  }
  return { state: { ...s, inFlight, inFlightBytes, nextPartNumber: next }, commands }
}

export const toCompleting = (settings: Settings, upload: Upload, restarts: number, atMs: number): Step =>
  go(
    { _tag: "Completing", settings, upload, step: "Completing", restarts },
    { _tag: "SaveCheckpoint", checkpoint: checkpointOf(settings, upload, atMs) },
    { _tag: "CompleteUpload", uploadId: upload.uploadId, parts: partsOf(upload) }
  )

export const cancel = (settings: Settings, upload: Upload): Step =>
  settings.deleteUploadIdOnCancelling
    ? go(
        { _tag: "Aborting", settings, uploadId: upload.uploadId, ...straysField(upload.strays) },
        { _tag: "StopPartUploads" },
        { _tag: "AbortUpload", uploadId: upload.uploadId }
      )
    : go(pausedFrom(upload, true), { _tag: "StopPartUploads" })

export const stopInit = (s: Of<"Init">, stop: "Pause" | "Cancel"): Step => {
  // An Initiate in flight is waited for, so its upload id is saved (pause) or aborted (cancel), never orphaned; so
  // is the abort of a stale upload, so that its upload is gone (and its checkpoint with it) before the run stops.
  // So is the search for orphans of an Initiate whose answer was lost, so a cancel can abort them.
  if (s.step === "Initiating" || s.step === "DiscardingStale" || s.step === "FindingOrphans")
    return stay({ ...s, stop })
  // A cancelled PutObject: nothing of it is kept; the initiate intent and the strays it carried go.
  if (s.step === "Putting" && stop === "Cancel") return settleWithStrays(s.settings, { _tag: "Aborted" }, s.strays)
  const uploadId = s.checkpoint?.uploadId
  if (stop === "Pause" || uploadId === undefined) {
    return go(
      stop === "Pause"
        ? { _tag: "Paused", byCancel: false, committedBytes: 0, ...(uploadId === undefined ? {} : { uploadId }) }
        : { _tag: "Aborted" }
    )
  }
  return s.settings.deleteUploadIdOnCancelling
    ? go(
        { _tag: "Aborting", settings: s.settings, uploadId, ...straysField(straysOf(s.checkpoint)) },
        { _tag: "AbortUpload", uploadId }
      )
    : go({ _tag: "Paused", byCancel: true, uploadId, committedBytes: 0 })
}

/** A failure: keep everything for a later run when that run can find it, otherwise abort the upload. */
export const failWith = (
  settings: Settings,
  e: {
    readonly reason: UploadFailureReason
    readonly message: string
    readonly cause?: UploadFailed["cause"]
    readonly partNumber?: number
  },
  uploadId: string | undefined
): Step => {
  const keep = settings.persistent && e.reason !== "CheckpointUnwritable"
  const partNumber = e.partNumber === undefined ? {} : { partNumber: e.partNumber }
  const error = new UploadFailed({
    reason: e.reason,
    message: e.message,
    resumable: keep && uploadId !== undefined,
    ...(uploadId === undefined ? {} : { uploadId }),
    ...partNumber,
    ...causeOf(e)
  })
  if (uploadId === undefined || keep) return go({ _tag: "Failed", error }, { _tag: "StopPartUploads" })
  return go(
    { _tag: "Aborting", settings, uploadId, failure: error },
    { _tag: "StopPartUploads" },
    { _tag: "AbortUpload", uploadId }
  )
}

export const partsOf = (upload: Upload): ReadonlyArray<PartRecord> =>
  Array.from(HashMap.values(upload.done)).sort((a, b) => a.partNumber - b.partNumber)

/** `upload` with one more committed part, its running total kept (a part recorded again replaces its size). */
export const withPart = (upload: Upload, part: PartRecord): Upload => {
  const before = HashMap.get(upload.done, part.partNumber)
  const replacedBytes = before._tag === "Some" ? before.value.sizeBytes : 0
  return {
    ...upload,
    done: HashMap.set(upload.done, part.partNumber, part),
    committedBytes: upload.committedBytes - replacedBytes + part.sizeBytes
  }
}

/** The checkpoint's `updatedAtMs` for an event at `atMs`: whole milliseconds, never before the upload began. */
export const updatedAtOf = (upload: Upload, atMs: number): number => Math.floor(Math.max(atMs, upload.createdAtMs))

export const holdsEveryPart = (checkpoint: Checkpoint, settings: Settings): boolean =>
  // A stream's checkpoint cannot know it holds every part: the stream may go on past them.
  settings.stream === undefined &&
  checkpoint.parts.length === PartPlan.partCountFor(settings.target.source.sizeBytes, checkpoint.partSizeBytes)

export const pausedFrom = (upload: Upload, byCancel: boolean): UploadState => ({
  _tag: "Paused",
  byCancel,
  uploadId: upload.uploadId,
  committedBytes: upload.committedBytes
})

export const withCallback = <S extends UploadState>(state: S, callback: CallbackResult | undefined): S =>
  callback === undefined ? state : { ...state, callback }

export const completedFrom = (
  restarts: number,
  etag: string,
  checkpoint?: Checkpoint,
  upload?: Upload
): UploadState => {
  const parts = upload !== undefined ? partsOf(upload) : (checkpoint?.parts ?? [])
  const uploadId = upload?.uploadId ?? checkpoint?.uploadId
  const crc64 = ObjectCheck.combinedCrc64(parts)
  return {
    _tag: "Completed",
    etag,
    sizeBytes: parts.reduce((n, p) => n + p.sizeBytes, 0),
    ...(crc64 === undefined ? {} : { crc64 }),
    partCount: parts.length,
    restarts,
    ...(uploadId === undefined ? {} : { uploadId })
  }
}

/** The checkpoint for an upload as it stands: O(parts), so only for whole saves (start, resume, completing). @category constructors */
export const checkpointOf = (settings: Settings, upload: Upload, atMs: number): Checkpoint => ({
  dialect: settings.target.dialect,
  endpointId: settings.target.endpointId,
  bucket: settings.target.bucket,
  key: settings.target.key,
  uploadId: upload.uploadId,
  source: settings.target.source,
  partSizeBytes: upload.layout.partSizeBytes,
  parts: partsOf(upload),
  ...(upload.layout.growth === undefined ? {} : { growth: upload.layout.growth }),
  // Whole milliseconds: a clock may report fractions, the checkpoint format does not take them.
  createdAtMs: Math.floor(upload.createdAtMs),
  updatedAtMs: updatedAtOf(upload, atMs),
  ...(upload.strays === undefined || upload.strays.length === 0 ? {} : { strayUploadIds: upload.strays })
})
