/**
 * The exact text `put` prints when an upload stops (adapters/cli/FailureReport.ts): for every CannotResumeUpload
 * reason and the UploadFailed reasons, a held lock, an unusable checkpoint store and an unreadable file: what
 * happened, what was kept, and the command that resumes or restarts.
 */
import { assert, describe, it } from "@effect/vitest"
import { commandLine, renderReport, reportOf } from "../../adapters/cli/FailureReport.ts"
import type { UploadError } from "../../core/Driver.ts"
import { SourceReadError } from "../../core/ports/ByteSource.ts"
import { CheckpointLocked, CheckpointStoreError } from "../../core/ports/CheckpointStore.ts"
import { CannotResumeUpload, InvalidUploadRequest, UploadFailed } from "../../core/UploadErrors.ts"

const args = ["put", "big file.bin", "s3://b/k", "--on-unresumable", "fail"]
const dir = "/home/me/.resumable-upload"
const text = (e: UploadError) => {
  const report = reportOf(e, args, dir)
  if (report === undefined) return assert.fail("no report")
  return renderReport(report)
}

describe("put's failure report", () => {
  it("source changed: the dates, what was kept, the restart command, and how to resume instead", () => {
    const e = new CannotResumeUpload({
      checkpointId: "c1",
      reason: "SourceChanged",
      uploadId: "up-7",
      message: "source modification time changed from 2026-12-07T01:04:00.513Z to 2026-12-07T01:04:03.437Z"
    })
    assert.strictEqual(
      text(e),
      [
        "cannot resume: the file changed since the upload started (source modification time changed from " +
          "2026-12-07T01:04:00.513Z to 2026-12-07T01:04:03.437Z)",
        "kept: nothing was deleted: the checkpoint in /home/me/.resumable-upload and the unfinished upload up-7 on " +
          "the store (its parts still count)",
        "to upload the file as it is now (upload up-7 is aborted first, its parts are sent again):",
        '  resumable-upload put "big file.bin" s3://b/k --on-unresumable restart',
        "or put the original file back and run the same command again to resume."
      ].join("\n")
    )
    assert.strictEqual(
      reportOf(e, args, dir)?.command,
      'resumable-upload put "big file.bin" s3://b/k --on-unresumable restart'
    )
  })

  it("the other reasons a checkpoint cannot be resumed name it and the restart command", () => {
    const cases = [
      ["RequestChanged", "cannot resume: the checkpoint belongs to another upload (m)"],
      ["LayoutInvalid", "cannot resume: the checkpoint's parts do not fit this store or file (m)"],
      ["CheckpointCorrupt", "cannot resume: the checkpoint cannot be read (m)"],
      ["UploadGone", "cannot resume: m; the parts sent before are gone with it"]
    ] as const
    for (const [reason, happened] of cases) {
      const e = new CannotResumeUpload({ checkpointId: "c1", reason, message: "m" })
      assert.strictEqual(
        text(e),
        [
          happened,
          "kept: nothing was deleted: the checkpoint in /home/me/.resumable-upload",
          "to start a new upload (the checkpoint is replaced):",
          '  resumable-upload put "big file.bin" s3://b/k --on-unresumable restart'
        ].join("\n"),
        reason
      )
    }
  })

  it("a resumable failure: the upload id kept, the checkpoint, and the same command", () => {
    const e = new UploadFailed({
      reason: "StoreUnreachable",
      message: "UploadPart failed: connection refused",
      resumable: true,
      uploadId: "up-9",
      partNumber: 3
    })
    assert.strictEqual(
      text(e),
      [
        "upload failed (part 3): UploadPart failed: connection refused",
        "kept: upload up-9 is kept on the store with every part it confirmed, and its checkpoint in " +
          "/home/me/.resumable-upload",
        "to resume where it stopped, run the same command again:",
        '  resumable-upload put "big file.bin" s3://b/k --on-unresumable fail'
      ].join("\n")
    )
  })

  it("failures nothing survives say so, and give the command that starts again", () => {
    const cases = [
      ["IntegrityMismatch", "the object the store built was deleted (it was not the file) and the checkpoint removed"],
      ["RestartsExhausted", "nothing: the last upload was aborted and the checkpoint removed"],
      ["CheckpointUnwritable", "nothing: upload up-1 was aborted, since without a checkpoint no run could resume it"],
      ["StoreRejected", "nothing: upload up-1 was aborted (the checkpoint store does not outlive this process)"]
    ] as const
    for (const [reason, kept] of cases) {
      const e = new UploadFailed({ reason, message: "m", resumable: false, uploadId: "up-1" })
      assert.strictEqual(
        text(e),
        [
          "upload failed: m",
          `kept: ${kept}`,
          "to start again from the first part:",
          '  resumable-upload put "big file.bin" s3://b/k --on-unresumable fail'
        ].join("\n"),
        reason
      )
    }
    const early = new UploadFailed({ reason: "StoreRejected", message: "m", resumable: false })
    assert.include(text(early), "kept: nothing was started on the store")
  })

  it("a lock another process holds, an unusable checkpoint store and an unreadable file say what and what next", () => {
    const again = '  resumable-upload put "big file.bin" s3://b/k --on-unresumable fail'
    const lockedBy = new CheckpointLocked({ checkpointId: "c1", message: "checkpoint c1 is locked by pid 42 on h" })
    assert.strictEqual(
      text(lockedBy),
      [
        "another upload of this file to this object is running (checkpoint c1 is locked by pid 42 on h)",
        `kept: nothing was touched: that upload and its checkpoint in ${dir} are the other process's`,
        "wait for it to end; if it stopped without finishing, this resumes it:",
        again
      ].join("\n")
    )
    const readOnly = new CheckpointStoreError({
      method: "lock",
      checkpointId: "c1",
      message: "EACCES: permission denied"
    })
    assert.strictEqual(
      text(readOnly),
      [
        `cannot lock the checkpoint in ${dir}: EACCES: permission denied`,
        "kept: nothing was sent to the store, and any checkpoint already there is unchanged",
        `make ${dir} writable (or free space on it), or pick another with --checkpoint-dir, then run:`,
        again
      ].join("\n")
    )
    const gone = new SourceReadError({ sourceName: "big file.bin", offsetBytes: 0, lengthBytes: 8, message: "EIO" })
    assert.strictEqual(
      text(gone),
      [
        "cannot read big file.bin: EIO",
        "kept: nothing was sent to the store, and any checkpoint is unchanged",
        "once the file can be read, run:",
        again
      ].join("\n")
    )
    // A bad request names the flag to change itself, and nothing was started: no report.
    assert.isUndefined(reportOf(new InvalidUploadRequest({ field: "partSize", message: "too small" }), args, dir))
  })

  it("quotes arguments with spaces or quotes so the command pastes back as typed", () => {
    assert.strictEqual(commandLine(["put", "a b", "it's", "plain"]), `resumable-upload put "a b" "it's" plain`)
  })
})
