/**
 * How `put` shows progress: a bar with bytes, rate and ETA on a terminal (cli-progress), a plain line every few
 * seconds otherwise (logs, CI), or one JSON object per event with `--json`.
 *
 * The bar shows committed bytes (confirmed by the store), so it never jumps back, and the rate is measured from
 * this run's start, so a resume does not claim the bytes of an earlier run as speed.
 *
 * @since 0.1.0
 */

import type { Progress } from "@resumable-upload/core/Progress"
import type { Notice } from "@resumable-upload/core/UploadMachine"
import cliProgress from "cli-progress"
import { formatBytes } from "./Units.ts"

/** @category models */
export interface ProgressView {
  readonly progress: (p: Progress) => void
  readonly notice: (n: Notice) => void
  /** A line for humans, or a JSON event with `--json`. */
  readonly event: (kind: string, fields: Record<string, unknown>, text: string) => void
  readonly stop: () => void
}

const json = (value: Record<string, unknown>) =>
  JSON.stringify(value, (_k, v: unknown) => (typeof v === "bigint" ? v.toString() : v))

/** @category constructors */
export const make = (mode: "json" | "tty" | "plain", nowMs: () => number = Date.now): ProgressView => {
  const out = (line: string) => process.stdout.write(`${line}\n`)
  if (mode === "json") {
    return {
      progress: (p) => out(json({ event: "progress", ...p })),
      notice: (n) => out(json({ event: "notice", ...n })),
      event: (kind, fields) => out(json({ event: kind, ...fields })),
      stop: () => {}
    }
  }
  const started = nowMs()
  let startBytes: number | undefined
  const rateAndEta = (p: Progress) => {
    startBytes ??= p.committedBytes
    const seconds = Math.max(0.001, (nowMs() - started) / 1000)
    const rate = (p.committedBytes - startBytes) / seconds
    // A stream's end is not known, so neither is the time to it.
    const eta = rate > 0 && p.sizeUnknown !== true ? Math.ceil((p.totalBytes - p.committedBytes) / rate) : undefined
    return { rate: `${formatBytes(rate)}/s`, eta: eta === undefined ? "?" : `${eta}s` }
  }
  const describe = (n: Notice): string => {
    switch (n._tag) {
      case "Resumed":
        return `resuming upload ${n.uploadId}: ${n.trustedParts} parts already on the store${n.resentParts.length > 0 ? `, ${n.resentParts.length} to send again` : ""}`
      case "Restarted":
        return `starting over (${n.reason}): ${n.message}`
      case "PartSizeKept":
        return `keeping the checkpoint's part size ${formatBytes(n.keptBytes)} (asked for ${formatBytes(n.requestedBytes)})`
      case "PartSizeAdjusted":
        return `part size raised to ${formatBytes(n.chosenBytes)} to stay within 10,000 parts`
      case "StaleUploadAborted":
        return `aborted the stale upload ${n.uploadId}`
      default:
        return n.message
    }
  }
  if (mode === "tty") {
    const bar = new cliProgress.SingleBar(
      {
        format: " {bar} {percentage}% | {done} / {total_h} | {rate} | ETA {eta_h} | {phase}",
        hideCursor: true,
        clearOnComplete: false
      },
      cliProgress.Presets.shades_classic
    )
    let startedBar = false
    return {
      progress: (p) => {
        const { rate, eta } = rateAndEta(p)
        const payload = {
          done: formatBytes(p.committedBytes),
          total_h: p.sizeUnknown === true ? "?" : formatBytes(p.totalBytes),
          phase: p.phase,
          rate,
          eta_h: eta
        }
        if (!startedBar) bar.start(Math.max(1, p.totalBytes), p.committedBytes, payload)
        else bar.update(p.committedBytes, payload)
        startedBar = true
      },
      notice: (n) => {
        // Printed above the bar: stop it, print, and let the next progress event draw it again.
        if (startedBar) bar.stop()
        startedBar = false
        out(describe(n))
      },
      event: (_kind, _fields, text) => {
        if (startedBar) bar.stop()
        startedBar = false
        out(text)
      },
      stop: () => bar.stop()
    }
  }
  let lastLineMs = 0
  return {
    progress: (p) => {
      if (p.phase === "Uploading" && nowMs() - lastLineMs < 2000) return
      lastLineMs = nowMs()
      const { rate, eta } = rateAndEta(p)
      out(
        p.sizeUnknown === true
          ? `${p.phase.toLowerCase()}: ${formatBytes(p.committedBytes)} committed so far (size not known yet), ${rate}`
          : `${p.phase.toLowerCase()}: ${formatBytes(p.committedBytes)} of ${formatBytes(p.totalBytes)} committed, ${rate}, eta ${eta}`
      )
    },
    notice: (n) => out(describe(n)),
    event: (_kind, _fields, text) => out(text),
    stop: () => {}
  }
}
