/**
 * The end of a `cp -r` batch, said once: what was uploaded, what was skipped and why (done in an earlier run,
 * unchanged, symlinks, empty directories, filters), and every file that failed with its reason, so one look tells
 * whether running the command again is needed (it resumes: done files are skipped).
 *
 * @since 0.2.0
 */

import type { BatchPlan } from "./BatchPlan.ts"
import { formatBytes } from "./Units.ts"

/** Failed files listed by name, then counted: the reasons repeat, and the exit code already says "failed". */
const failuresShownMax = 20
const unchangedShownMax = 10

/** @category models */
export interface BatchOutcome {
  readonly target: string
  readonly uploaded: number
  readonly uploadedBytes: number
  /** Found done in the batch checkpoint of an earlier run. */
  readonly earlier: number
  readonly unchanged: ReadonlyArray<string>
  readonly failures: ReadonlyArray<{ readonly path: string; readonly message: string }>
  /** From the plan ({@link planNotes}). */
  readonly planNotes: ReadonlyArray<string>
  readonly rerun: string
}

/** The summary's lines. @category formatters */
export const render = (o: BatchOutcome): ReadonlyArray<string> => {
  const lines = [
    `${o.failures.length === 0 ? "done" : "finished with failures"}: ${o.uploaded} file${o.uploaded === 1 ? "" : "s"} uploaded (${formatBytes(o.uploadedBytes)}) to ${o.target}`
  ]
  if (o.earlier > 0) lines.push(`  ${o.earlier} already uploaded by an earlier run of this batch`)
  if (o.unchanged.length > 0) {
    const shown = o.unchanged.slice(0, unchangedShownMax).join(", ")
    const more = o.unchanged.length > unchangedShownMax ? `, … ${o.unchanged.length - unchangedShownMax} more` : ""
    lines.push(`  ${o.unchanged.length} skipped as unchanged (--skip-unchanged): ${shown}${more}`)
  }
  for (const note of o.planNotes) lines.push(`  skipped: ${note}`)
  if (o.failures.length > 0) {
    lines.push(`  ${o.failures.length} failed:`)
    for (const f of o.failures.slice(0, failuresShownMax)) lines.push(`    ${f.path}: ${f.message}`)
    if (o.failures.length > failuresShownMax) lines.push(`    … and ${o.failures.length - failuresShownMax} more`)
    lines.push(`  the others are stored; run the same command again to retry the failed ones:\n    ${o.rerun}`)
  }
  return lines
}

/** The plan's skipped entries, one phrase each, for the summary; empty when nothing was skipped. @category formatters */
export const planNotes = (p: BatchPlan): ReadonlyArray<string> => {
  const n = (count: number, one: string, many: string) => (count === 0 ? [] : [`${count} ${count === 1 ? one : many}`])
  return [
    ...n(p.excluded, "file excluded by --include/--exclude", "files excluded by --include/--exclude"),
    ...n(
      p.symlinksSkipped,
      "symlink not followed (--follow-symlinks follows)",
      "symlinks not followed (--follow-symlinks follows)"
    ),
    ...n(p.brokenSymlinks, "broken symlink", "broken symlinks"),
    ...n(
      p.loopsSkipped,
      "directory reached twice through a symlink (loop), walked once",
      "directories reached twice through symlinks (loops), walked once"
    ),
    ...n(
      p.emptyDirectories,
      "empty directory (object stores keep no directories)",
      "empty directories (object stores keep no directories)"
    ),
    ...n(
      p.stateDirectoriesSkipped,
      "directory of the CLI's own state (--checkpoint-dir, --data-dir)",
      "directories of the CLI's own state (--checkpoint-dir, --data-dir)"
    ),
    ...n(p.otherSkipped, "special file (socket, FIFO or device)", "special files (sockets, FIFOs or devices)")
  ]
}
