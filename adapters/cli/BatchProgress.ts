/**
 * The whole-batch progress line of `cp -r`: files and bytes done of the total, with skipped and failed counts, e.g.
 * `batch: 120/200 files, 30.0 MiB of 64.0 MiB, 3 skipped, 0 failed`. Bytes count committed parts of files in
 * flight, so a large file moves the line as it goes. On a terminal the line is redrawn in place; in logs it is
 * printed at most once a second (and at the end); with `--json` it is a `batch-progress` event as often.
 *
 * @since 0.2.0
 */

import { formatBytes } from "./Units.ts"

/** @category models */
export interface BatchCounts {
  readonly files: number
  readonly totalFiles: number
  readonly bytes: number
  readonly totalBytes: number
  readonly skipped: number
  readonly failed: number
}

/** @category models */
export interface BatchProgress {
  /** A file's committed bytes so far (its progress events). */
  readonly committed: (key: string, bytes: number) => void
  /** A file is done: uploaded, skipped or failed; its bytes count as done in the first two cases. */
  readonly finished: (key: string, sizeBytes: number, how: "uploaded" | "skipped" | "failed") => void
  /** A line for humans above the progress line (a failure, a skip). */
  readonly say: (text: string) => void
  readonly counts: () => BatchCounts
  /** Draws the line now (at the start). */
  readonly flush: () => void
  /** Draws the last line and ends it. */
  readonly end: () => void
}

const intervalMs = 1000

/** @category formatters */
export const formatCounts = (c: BatchCounts): string =>
  `batch: ${c.files}/${c.totalFiles} files, ${formatBytes(c.bytes)} of ${formatBytes(c.totalBytes)}, ${c.skipped} skipped, ${c.failed} failed`

/** @category constructors */
export const make = (
  mode: "json" | "tty" | "plain",
  totals: { readonly files: number; readonly bytes: number },
  write: (text: string) => void = (t) => void process.stdout.write(t),
  nowMs: () => number = Date.now
): BatchProgress => {
  const inFlight = new Map<string, number>()
  let files = 0
  let doneBytes = 0
  let skipped = 0
  let failed = 0
  let lastMs = Number.NEGATIVE_INFINITY
  let lineOpen = false
  const counts = (): BatchCounts => {
    let bytes = doneBytes
    for (const b of inFlight.values()) bytes += b
    return { files, totalFiles: totals.files, bytes, totalBytes: totals.bytes, skipped, failed }
  }
  const draw = () => {
    lastMs = nowMs()
    const c = counts()
    if (mode === "json") write(`${JSON.stringify({ event: "batch-progress", ...c })}\n`)
    else if (mode === "tty") {
      write(`\r\x1b[2K${formatCounts(c)}`)
      lineOpen = true
    } else write(`${formatCounts(c)}\n`)
  }
  const maybeDraw = () => {
    if (nowMs() - lastMs >= intervalMs) draw()
  }
  return {
    committed: (key, bytes) => {
      inFlight.set(key, bytes)
      maybeDraw()
    },
    finished: (key, sizeBytes, how) => {
      inFlight.delete(key)
      files++
      if (how !== "failed") doneBytes += sizeBytes
      if (how === "skipped") skipped++
      if (how === "failed") failed++
      maybeDraw()
    },
    say: (text) => {
      if (lineOpen) write("\r\x1b[2K")
      lineOpen = false
      write(`${text}\n`)
    },
    counts,
    flush: draw,
    end: () => {
      draw()
      if (lineOpen) write("\n")
      lineOpen = false
    }
  }
}
