/**
 * The errors an upload can end with. Each names what went wrong and whether a later run can resume.
 *
 * Store, source and checkpoint-store failures keep their original typed error as `cause`, so the remote code and
 * request id of an `ObjectStoreError` reach the caller untouched.
 *
 * @since 0.1.0
 */
import * as Data from "effect/Data"
import type { SourceReadError } from "./ports/ByteSource.ts"
import type { CheckpointStoreError } from "./ports/CheckpointStore.ts"
import type { HashFailed } from "./ports/Hasher.ts"
import type { ObjectStoreError } from "./ports/ObjectStore.ts"

/** Why an existing checkpoint cannot be continued. @category models */
export type CannotResumeReason =
  | "CheckpointCorrupt"
  | "SourceChanged"
  | "RequestChanged"
  | "LayoutInvalid"
  | "UploadGone"

/**
 * Raised with the `fail` policy when a checkpoint exists but no longer fits; with `restart` (the default) the
 * engine aborts the stale upload, starts afresh and reports the same reason as a notice.
 *
 * @category errors
 */
export class CannotResumeUpload extends Data.TaggedError("CannotResumeUpload")<{
  readonly checkpointId: string
  readonly reason: CannotResumeReason
  readonly message: string
  /** The unfinished upload the checkpoint names, when it is on this store; nothing is aborted with `fail`. */
  readonly uploadId?: string
}> {}

/** What a run stopped on. @category models */
export type UploadFailureReason =
  | "StoreRejected"
  | "StoreUnreachable"
  | "SourceUnreadable"
  | "HashFailed"
  | "CheckpointUnwritable"
  | "IntegrityMismatch"
  | "CompletionUnconfirmed"
  | "RestartsExhausted"

/**
 * The upload stopped. When `resumable` is true the upload and its checkpoint were kept and running the same
 * request again continues where this run stopped.
 *
 * @category errors
 */
export class UploadFailed extends Data.TaggedError("UploadFailed")<{
  readonly reason: UploadFailureReason
  readonly message: string
  readonly resumable: boolean
  /** The multipart upload this run worked on: kept on the store when `resumable`, else aborted. */
  readonly uploadId?: string
  readonly partNumber?: number
  readonly cause?: ObjectStoreError | SourceReadError | CheckpointStoreError | HashFailed
}> {}

/** The request itself is wrong (bad key, part size, parallelism); nothing was sent. @category errors */
export class InvalidUploadRequest extends Data.TaggedError("InvalidUploadRequest")<{
  readonly field: string
  readonly message: string
}> {}
