/**
 * The upload state machine's vocabulary: every state, event and command of a resumable multipart upload, the
 * settings of one run, and the `Step` a transition yields. Besides the types it holds only `initial`, `isTerminal`
 * and the `InvalidTransition` error; it imports no step or handler code, so every other part of the machine depends
 * on it and it on none of them (no import circle):
 *
 * - core/UploadMachine.ts         (this file) states, events, commands, `Step`, `initial`, `isTerminal`
 * - core/UploadTransition.ts      `transition`, and the handlers of the Uploading, Completing and Aborting states
 * - core/UploadTransitionInit.ts  the handlers of the Init state (load, reconcile, discard, initiate, put)
 * - core/UploadSteps.ts           the helpers the handlers are built from (start fresh, restart, fill parts, fail, …)
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
 * in order, and feeds their results back as events. `SaveCheckpoint` (or `SavePart`) always precedes a command that is unsafe to
 * repeat (`CompleteUpload`), so a crash never loses the fact that one was sent.
 *
 * @since 0.1.0
 */
import * as Data from "effect/Data"
import type * as HashMap from "effect/HashMap"
import type { Checkpoint, PartRecord } from "./Checkpoint.ts"
import type * as ObjectCheck from "./ObjectCheck.ts"
import type * as PartPlan from "./PartPlan.ts"
import type { CallbackResult, ListedPart } from "./ports/ObjectStore.ts"
import type * as Resume from "./Resume.ts"
import type { CannotResumeReason, CannotResumeUpload, UploadFailed, UploadFailureReason } from "./UploadErrors.ts"

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
  /** Set when the source is a stream of unknown size (core/ports/StreamSource.ts); `plan` then grows. */
  readonly stream?: { readonly replayable: boolean }
}

// ── States ──────────────────────────────────────────────────────────────────────────────────────────────────────

/** An upload id with its layout and the parts the store has confirmed. @category models */
export interface Upload {
  readonly uploadId: string
  readonly layout: PartPlan.PartPlan
  readonly createdAtMs: number
  readonly done: HashMap.HashMap<number, PartRecord>
  /** The sum of `done`'s sizes, kept up by the transitions so progress costs O(1) per event. */
  readonly committedBytes: number
  /** Earlier uploads of this request that could not be aborted (core/StrayUploads.ts); absent when none. */
  readonly strays?: ReadonlyArray<string>
}

export type InitStep =
  | "LoadingCheckpoint"
  | "Reconciling"
  | "VerifyingGone"
  | "DiscardingStale"
  | "FindingOrphans"
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
      /** Stray upload ids the upload about to be initiated takes over (core/StrayUploads.ts). */
      readonly strays?: ReadonlyArray<string>
    }
  | {
      readonly _tag: "Uploading"
      readonly settings: Settings
      readonly upload: Upload
      readonly inFlight: ReadonlySet<number>
      /** The sum of the in-flight parts' sizes, kept up with `inFlight`. */
      readonly inFlightBytes: number
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
      /** Stray uploads still to abort once this one is (core/StrayUploads.ts). */
      readonly strays?: ReadonlyArray<string>
      /** Set while strays are aborted: the state the run ends in afterwards (Completed, Aborted or Failed). */
      readonly settled?: UploadState
    }
  | {
      readonly _tag: "Completed"
      readonly etag: string
      readonly sizeBytes: number
      /** Absent when the store verifies no CRC-64, so none was computed. */
      readonly crc64?: bigint
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
  | {
      readonly _tag: "CheckpointLoaded"
      readonly checkpoint: Checkpoint | undefined
      readonly corrupt?: string
      /** No checkpoint, but an initiate intent since this time (core/InitiateIntent.ts): an Initiate went unanswered. */
      readonly initiatedSinceMs?: number
    }
  /** The uploads of the key initiated since the intent (core/OrphanUploads.ts). */
  | { readonly _tag: "OrphansFound"; readonly uploadIds: ReadonlyArray<string> }
  | {
      readonly _tag: "UploadInitiated"
      readonly uploadId: string
      readonly atMs: number
      /** Uploads of the key made by earlier attempts of this Initiate whose answers were lost (core/OrphanUploads.ts). */
      readonly orphans?: ReadonlyArray<string>
    }
  | { readonly _tag: "PartsListed"; readonly parts: ReadonlyArray<ListedPart> }
  // `uploadId`: the upload a part's answer belongs to, so a late answer of an abandoned upload can never be taken
  // for the current one's (matched by id, not by the order answers happen to arrive in).
  | { readonly _tag: "UploadNotFound"; readonly uploadId?: string }
  | {
      readonly _tag: "PartUploaded"
      readonly uploadId: string
      readonly part: PartRecord
      readonly atMs: number
      /** A stream part sent again because it differed from its record: why. */
      readonly diverged?: string
    }
  | { readonly _tag: "ObjectPut"; readonly etag: string; readonly crc64?: bigint }
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
      /** Set for UploadPart: the upload the failed part belonged to. */
      readonly uploadId?: string
    }
  | { readonly _tag: "PauseRequested" }
  | { readonly _tag: "CancelRequested" }
  // Stream sources only (core/StreamParts.ts). A committed part re-read on a resume matched its record:
  | { readonly _tag: "PartVerified"; readonly uploadId: string; readonly part: PartRecord }
  // … or did not, and the request fails rather than re-send it (`onUnresumable: "fail"`):
  | { readonly _tag: "PartDiverged"; readonly uploadId: string; readonly partNumber: number; readonly message: string }
  // The read of `partNumber` found the stream already ended, after `streamSizeBytes` bytes in all.
  | {
      readonly _tag: "SourceEnded"
      readonly uploadId: string
      readonly partNumber: number
      readonly streamSizeBytes: number
    }

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
  /** A stray upload (core/StrayUploads.ts) could not be aborted after Complete; `uploads gc` removes it. */
  | { readonly _tag: "StrayUploadKept"; readonly uploadId: string; readonly message: string }
  | { readonly _tag: "IntegrityUnverifiable"; readonly message: string }
  | { readonly _tag: "StopDeferred"; readonly message: string }
  | { readonly _tag: "StreamNotReplayable"; readonly sourceName: string; readonly message: string }
  /** A stream part differed from what the checkpoint recorded, so it was sent again (`onUnresumable: "restart"`). */
  | { readonly _tag: "PartResent"; readonly partNumber: number; readonly message: string }

/** @category models */
export type UploadCommand =
  | { readonly _tag: "InitiateUpload" }
  | { readonly _tag: "FindOrphans"; readonly sinceMs: number }
  | { readonly _tag: "ListParts"; readonly uploadId: string }
  | {
      readonly _tag: "UploadPart"
      readonly uploadId: string
      readonly range: PartPlan.PartRange
      /** Stream parts already committed: read and verify against this record instead of sending blindly. */
      readonly expected?: PartRecord
      /** What a verified part that differs from `expected` gets: sent again, or reported (`PartDiverged`). */
      readonly onMismatch?: "resend" | "report"
      /** A stream's last possible part (the part limit): a stream that goes on past it fails, never is cut. */
      readonly lastPossible?: true
    }
  | { readonly _tag: "PutObject" }
  | { readonly _tag: "SaveCheckpoint"; readonly checkpoint: Checkpoint }
  /** One more committed part of the checkpoint last saved: O(1), appended to the checkpoint's journal. */
  | { readonly _tag: "SavePart"; readonly part: PartRecord; readonly updatedAtMs: number }
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

/** The state with a given tag. @category models */
export type Of<T extends UploadState["_tag"]> = Extract<UploadState, { _tag: T }>
