/**
 * One file of a `cp -r` batch (BatchRun.ts): skipped when the journal has it done or `-u` finds it unchanged, else
 * sent through the upload engine (one PutObject, or a resumable multipart upload), then journalled. A failure is
 * counted for the summary and never stops the batch. Uploads an earlier killed run orphaned are swept once the file
 * is stored (OrphanSweep.ts).
 *
 * @since 0.2.0
 */

import type * as Driver from "@resumable-upload/core/Driver"
import { ObjectStore, type StoredAttributes } from "@resumable-upload/core/ports/ObjectStore"
import { resumableUpload } from "@resumable-upload/core/ResumableUpload"
import type { Notice } from "@resumable-upload/core/UploadMachine"
import * as NodeFileByteSource from "@resumable-upload/node/NodeFileByteSource"
import * as MemoryCheckpointStore from "@resumable-upload/portable/MemoryCheckpointStore"
import * as Effect from "effect/Effect"
import type * as Semaphore from "effect/Semaphore"
import * as BatchJournal from "./BatchJournal.ts"
import type { PlannedFile } from "./BatchPlan.ts"
import type { BatchProgress } from "./BatchProgress.ts"
import { contentTypeFor } from "./ObjectAttributes.ts"
import { sweepOrphans } from "./OrphanSweep.ts"
import * as SkipUnchanged from "./SkipUnchanged.ts"

/** Past the 10 s after which a lock file that does not parse counts as stale (portable/FileLock.ts). */
const lockRetryDelayMs = 11_000

/** What the summary counts, filled in as files finish. @category models */
export interface Tally {
  earlier: number
  uploaded: number
  uploadedBytes: number
  readonly unchanged: Array<string>
  readonly failures: Array<{ readonly path: string; readonly message: string }>
}

/** Everything a file's step needs from its batch. @category models */
export interface FileStep {
  readonly bucket: string
  readonly partSizeBytes: number
  readonly parallel: number
  readonly onUnresumable: "restart" | "fail"
  /** Without the content type, which is each file's own. */
  readonly attributes: StoredAttributes
  readonly contentTypeFlag: string | undefined
  readonly skipUnchanged: boolean
  readonly journal: BatchJournal.BatchJournal
  readonly progress: BatchProgress
  /** One multipart upload at a time, so memory stays bounded (BatchRun.ts). */
  readonly multipartGate: Semaphore.Semaphore
  /** A line for humans, or a JSON event with `--json`. */
  readonly say: (event: string, fields: Record<string, unknown>, text: string) => void
  readonly tally: Tally
}

const noticeText = (n: Notice): string =>
  n._tag === "Resumed"
    ? `resuming upload ${n.uploadId}: ${n.trustedParts} parts already on the store`
    : n._tag === "Restarted" || n._tag === "IntegrityUnverifiable" || n._tag === "StopDeferred"
      ? n.message
      : n._tag

/** Uploads (or skips) one file; never fails: a failure is in the tally. @category commands */
export const uploadFile = (step: FileStep, file: PlannedFile): Effect.Effect<void, never, Driver.Services> =>
  Effect.gen(function* () {
    const { journal, progress, say, tally } = step
    const failed = (message: string) =>
      Effect.sync(() => {
        tally.failures.push({ path: file.path, message })
        progress.finished(file.key, file.sizeBytes, "failed")
        say("file-failed", { file: file.path, key: file.key, message }, `failed: ${file.path}: ${message}`)
      })
    const fingerprint = BatchJournal.fingerprintOf(file)
    if (journal.done.has(fingerprint)) {
      tally.earlier++
      return progress.finished(file.key, file.sizeBytes, "skipped")
    }
    if (step.skipUnchanged) {
      const info = yield* Effect.result(ObjectStore.use((s) => s.head({ bucket: step.bucket, key: file.key })))
      if (info._tag === "Failure") return yield* failed(`HeadObject: ${info.failure.message}`)
      const verdict = yield* SkipUnchanged.compare(file, info.success)
      if (verdict._tag === "Unchanged") {
        tally.unchanged.push(file.relativePath)
        journal.record(fingerprint)
        return progress.finished(file.key, file.sizeBytes, "skipped")
      }
    }
    const source = yield* Effect.result(NodeFileByteSource.make(file.path))
    if (source._tag === "Failure") return yield* failed(source.failure.message)
    const contentType = contentTypeFor(step.contentTypeFlag, file.path)
    const run = resumableUpload({
      bucket: step.bucket,
      key: file.key,
      source: source.success,
      partSizeBytes: step.partSizeBytes,
      parallelism: step.parallel,
      onUnresumable: step.onUnresumable,
      ...step.attributes,
      ...(contentType === undefined ? {} : { contentType }),
      metadata: {
        [SkipUnchanged.mtimeMetadataName]: SkipUnchanged.formatMtime(file.mtimeMs),
        ...step.attributes.metadata
      },
      onProgress: (p) => progress.committed(file.key, p.committedBytes),
      onNotice: (n) => say("notice", { key: file.key, ...n }, `${file.key}: ${noticeText(n)}`)
    })
    const multipart = file.sizeBytes > step.partSizeBytes
    if (multipart) journal.recordIntent(fingerprint, Date.now())
    // A one-part file has nothing to resume, so it keeps its checkpoint (and lock) in memory: no lock file a kill
    // could leave half-written. A multipart file's lock a kill left unreadable is taken over once it is 10 s old,
    // so a file refused as locked is tried once more after that.
    const once = multipart ? step.multipartGate.withPermit(run) : run.pipe(Effect.provide(MemoryCheckpointStore.layer))
    const outcome = yield* Effect.result(
      once.pipe(Effect.catchTag("CheckpointLocked", () => Effect.andThen(Effect.sleep(lockRetryDelayMs), once)))
    )
    if (outcome._tag === "Failure") return yield* failed(outcome.failure.message)
    // Nothing pauses or cancels a batch's uploads, so anything but Completed is a broken invariant.
    if (outcome.success._tag !== "Completed") {
      return yield* Effect.die(`upload of ${file.path} ended ${outcome.success._tag}`)
    }
    const startedMs = journal.intents.get(fingerprint)
    if (startedMs !== undefined) {
      const swept = yield* Effect.result(sweepOrphans(step.bucket, file.key, startedMs))
      // The file is stored either way; an upload left behind is what `uploads gc` is for, so it is only said.
      if (swept._tag === "Failure") {
        const text = `${file.key}: could not look for uploads an earlier run orphaned: ${swept.failure.message}`
        say("notice", { key: file.key }, text)
      } else if (swept.success > 0) {
        const text = `${file.key}: aborted ${swept.success} upload${swept.success === 1 ? "" : "s"} an earlier killed run left`
        say("orphans-aborted", { key: file.key, count: swept.success }, text)
      }
    }
    journal.record(fingerprint)
    tally.uploaded++
    tally.uploadedBytes += file.sizeBytes
    progress.finished(file.key, file.sizeBytes, "uploaded")
  })
