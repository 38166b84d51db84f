/**
 * The public entry of core (`import … from "@resumable-upload/core"`): everything a caller needs to run, observe and
 * resume uploads, and to write an adapter for a port. Anything not exported here is internal and may change.
 *
 * Exports are listed by name (no `export *`), so adding a function to a core module never widens the public API
 * by accident. Runtime bundles (`./node`, `./deno`, `./browser`) supply the Hasher, CheckpointStore and byte
 * sources; the ObjectStore is always the caller's choice.
 *
 * @since 0.1.0
 */
import * as Crc64 from "./Crc64.ts"
import * as PartGrowth from "./PartGrowth.ts"
import * as PartPlan from "./PartPlan.ts"
import * as StreamCursor from "./StreamCursor.ts"

// ── Errors (all tagged: match on `_tag`) ─────────────────────────────────────────────────────────────────────
export { CheckpointCorrupt } from "./Checkpoint.ts"
// ── Running an upload (Effect API) ───────────────────────────────────────────────────────────────────────────────
export type { Services, UploadError, UploadOutcome } from "./Driver.ts"
// ── Limits, checksums and part planning ──────────────────────────────────────────────────────────────────────────
export {
  type Dialect,
  type DialectLimits,
  defaultPartSizeBytes,
  InvalidObjectKey,
  limitsOf,
  ossLimits,
  s3Limits,
  validateObjectKey
} from "./Limits.ts"
// ── The request and what it reports while running ──────────────────────────────────────────────────────────────
export { type Progress, toLegacy } from "./Progress.ts"
// ── Running an upload (Promise API, for callers who do not write Effect) ───────────────────────────────────────
export { makeUploader, type Uploader, type UploadTask, uploadTask } from "./PromiseFacade.ts"
// ── Ports: the services an upload runs on, and the shapes an adapter implements ─────────────────────────────────
export type { ByteSource } from "./ports/ByteSource.ts"
export { SourceReadError } from "./ports/ByteSource.ts"
export {
  CheckpointLocked,
  type CheckpointStorage,
  CheckpointStore,
  CheckpointStoreError,
  type CheckpointStoreShape,
  type ListedCheckpoint,
  /** `CheckpointStore.make`: a CheckpointStore service from an adapter's text primitives. */
  make as makeCheckpointStore
} from "./ports/CheckpointStore.ts"
export { Hasher, type HasherShape, HashFailed, type IncrementalHash, pureCrc64 } from "./ports/Hasher.ts"
export {
  type BucketsPage,
  type DeleteFailure,
  type DeleteObjectsAnswer,
  type DeleteObjectsRequest,
  deleteObjectsKeysMax,
  type ListedBucket,
  type ListedObject,
  type ListObjectsRequest,
  listPageEntriesMax,
  type ObjectsPage
} from "./ports/ObjectListing.ts"
export {
  type CallbackResult,
  type CompleteAnswer,
  type CompletedPart,
  type CompleteRequest,
  type GetObjectRequest,
  type InitiateRequest,
  isNoSuchUpload,
  isRetryable,
  type ListedPart,
  type ListedUpload,
  type ListPartsRequest,
  type ListUploadsRequest,
  normalizeEtag,
  type ObjectInfo,
  type ObjectRef,
  ObjectStore,
  ObjectStoreError,
  type ObjectStoreShape,
  type Operation,
  type PartBody,
  type PartsPage,
  type PutObjectRequest,
  type StoredAttributes,
  type StoredChecksums,
  storedAttributesOf,
  type UploadCallback,
  type UploadPartRequest,
  type UploadRef,
  type UploadsPage
} from "./ports/ObjectStore.ts"
export { isStreamSource, type StreamSource } from "./ports/StreamSource.ts"
export { inspectResume, type ResumeReport, resumableUpload, startUpload, type UploadHandle } from "./ResumableUpload.ts"
export type { RetryPolicy } from "./RetryPolicy.ts"
export {
  type CannotResumeReason,
  CannotResumeUpload,
  InvalidUploadRequest,
  UploadFailed,
  type UploadFailureReason
} from "./UploadErrors.ts"
export type { Notice } from "./UploadMachine.ts"
export type { UploadRequest } from "./UploadRequest.ts"
/** CRC-64/XZ (`compute`, `combine`, decimal conversions), as OSS reports it. */
/** How a source is cut into parts (`make`, `ranges`, `partCountFor`). */
/** How a stream's parts grow (`make`, `partSizeOf`, `capacityOf`), and its in-order reader. */
export { Crc64, PartGrowth, PartPlan, StreamCursor }
