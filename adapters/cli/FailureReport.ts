/**
 * How `put` tells a person that an upload stopped: what happened, what was kept (the upload on the store, the
 * checkpoint, or nothing), and the exact command that resumes or starts over. Every failure the engine can end
 * with gets all three, so nobody has to guess whether running it again is safe or what flag to add.
 *
 * Dates in the engine's messages are already ISO 8601 UTC (core/IsoTime.ts); this layer adds only the CLI's part:
 * flags and the command line.
 *
 * @since 0.1.0
 */
import type { UploadError } from "@resumable-upload/core/Driver"
import type { SourceReadError } from "@resumable-upload/core/ports/ByteSource"
import type { CheckpointLocked, CheckpointStoreError } from "@resumable-upload/core/ports/CheckpointStore"
import type { CannotResumeUpload, UploadFailed } from "@resumable-upload/core/UploadErrors"

/** What the failure report says, as lines for stderr and as fields for `--json`. @category models */
export interface FailureReport {
  /** What happened, one line. */
  readonly happened: string
  /** What is left on the store and on disk. */
  readonly kept: string
  /** The advice, ending in the command to run (one line each). */
  readonly next: ReadonlyArray<string>
  /** The command that resumes or restarts, as typed. */
  readonly command: string
}

/** The command line as the user can paste it again: arguments with spaces quoted. @category formatting */
export const commandLine = (args: ReadonlyArray<string>): string =>
  `resumable-upload ${args.map((a) => (/[\s"'$]/.test(a) ? JSON.stringify(a) : a)).join(" ")}`

/** `args` with `--on-unresumable restart` in place of any `--on-unresumable …`. */
const withRestart = (args: ReadonlyArray<string>): ReadonlyArray<string> => {
  const out: Array<string> = []
  for (let i = 0; i < args.length; i++) {
    const arg = args[i] ?? ""
    if (arg === "--on-unresumable") i++
    else if (!arg.startsWith("--on-unresumable=")) out.push(arg)
  }
  return [...out, "--on-unresumable", "restart"]
}

const upload = (uploadId: string | undefined) => (uploadId === undefined ? "the upload" : `upload ${uploadId}`)

const cannotResume = (e: CannotResumeUpload, args: ReadonlyArray<string>, checkpointDir: string): FailureReport => {
  const restart = commandLine(withRestart(args))
  const onStore =
    e.uploadId === undefined ? "" : ` and the unfinished ${upload(e.uploadId)} on the store (its parts still count)`
  const kept = `nothing was deleted: the checkpoint in ${checkpointDir}${onStore}`
  const startOver =
    e.uploadId === undefined
      ? "to start a new upload (the checkpoint is replaced):"
      : `to upload the file as it is now (${upload(e.uploadId)} is aborted first, its parts are sent again):`
  const happened = {
    SourceChanged: `cannot resume: the file changed since the upload started (${e.message})`,
    RequestChanged: `cannot resume: the checkpoint belongs to another upload (${e.message})`,
    LayoutInvalid: `cannot resume: the checkpoint's parts do not fit this store or file (${e.message})`,
    CheckpointCorrupt: `cannot resume: the checkpoint cannot be read (${e.message})`,
    UploadGone: `cannot resume: ${e.message}; the parts sent before are gone with it`
  }[e.reason]
  const next =
    e.reason === "SourceChanged"
      ? [startOver, `  ${restart}`, "or put the original file back and run the same command again to resume."]
      : [startOver, `  ${restart}`]
  return { happened, kept, next, command: restart }
}

const failed = (e: UploadFailed, args: ReadonlyArray<string>, checkpointDir: string): FailureReport => {
  const again = commandLine(args)
  const part = e.partNumber === undefined ? "" : ` (part ${e.partNumber})`
  const happened = `upload failed${part}: ${e.message}`
  if (e.resumable) {
    return {
      happened,
      kept: `${upload(e.uploadId)} is kept on the store with every part it confirmed, and its checkpoint in ${checkpointDir}`,
      next: ["to resume where it stopped, run the same command again:", `  ${again}`],
      command: again
    }
  }
  const kept = {
    IntegrityMismatch: "the object the store built was deleted (it was not the file) and the checkpoint removed",
    RestartsExhausted: "nothing: the last upload was aborted and the checkpoint removed",
    CheckpointUnwritable: `nothing: ${upload(e.uploadId)} was aborted, since without a checkpoint no run could resume it`
  }[e.reason as string]
  return {
    happened,
    kept:
      kept ??
      (e.uploadId === undefined
        ? "nothing was started on the store"
        : `nothing: ${upload(e.uploadId)} was aborted (the checkpoint store does not outlive this process)`),
    next: ["to start again from the first part:", `  ${again}`],
    command: again
  }
}

/** Another process holds the checkpoint's lock: it is uploading the same file to the same object right now. */
const locked = (e: CheckpointLocked, args: ReadonlyArray<string>, checkpointDir: string): FailureReport => {
  const again = commandLine(args)
  return {
    happened: `another upload of this file to this object is running (${e.message})`,
    kept: `nothing was touched: that upload and its checkpoint in ${checkpointDir} are the other process's`,
    next: ["wait for it to end; if it stopped without finishing, this resumes it:", `  ${again}`],
    command: again
  }
}

/** The checkpoint store could not be read, locked or written before anything was sent. */
const storeUnusable = (e: CheckpointStoreError, args: ReadonlyArray<string>, checkpointDir: string): FailureReport => {
  const again = commandLine(args)
  return {
    happened: `cannot ${e.method} the checkpoint in ${checkpointDir}: ${e.message}`,
    kept: "nothing was sent to the store, and any checkpoint already there is unchanged",
    next: [
      `make ${checkpointDir} writable (or free space on it), or pick another with --checkpoint-dir, then run:`,
      `  ${again}`
    ],
    command: again
  }
}

/** The file could not be read while it was identified, before anything was sent. */
const unreadable = (e: SourceReadError, args: ReadonlyArray<string>): FailureReport => {
  const again = commandLine(args)
  return {
    happened: `cannot read ${e.sourceName}: ${e.message}`,
    kept: "nothing was sent to the store, and any checkpoint is unchanged",
    next: ["once the file can be read, run:", `  ${again}`],
    command: again
  }
}

/**
 * The report for an engine error, or `undefined` for a bad request (its message says what to change, and nothing
 * was started): that prints its message alone.
 *
 * @category formatting
 */
export const reportOf = (
  e: UploadError,
  args: ReadonlyArray<string>,
  checkpointDir: string
): FailureReport | undefined => {
  switch (e._tag) {
    case "CannotResumeUpload":
      return cannotResume(e, args, checkpointDir)
    case "UploadFailed":
      return failed(e, args, checkpointDir)
    case "CheckpointLocked":
      return locked(e, args, checkpointDir)
    case "CheckpointStoreError":
      return storeUnusable(e, args, checkpointDir)
    case "SourceReadError":
      return unreadable(e, args)
    default:
      return undefined
  }
}

/** The report as stderr text: what happened, what was kept, then the advice. @category formatting */
export const renderReport = (report: FailureReport): string =>
  [report.happened, `kept: ${report.kept}`, ...report.next].join("\n")
