/**
 * A writer process for the stream end-to-end suites: it writes a deterministic sequence (byte i is a function of i
 * alone) to stdout, or appends it to a file from where the file ends, `chunk` bytes every `delayMs`, up to `total`;
 * then, for a file, makes `FILE.done`. So a writer killed and started again continues the same content, as a
 * recorder resuming would, and `expected(total)` is what the object must hold.
 */
import { type ChildProcess, spawn } from "node:child_process"
import { writeFileSync } from "node:fs"
import { join } from "node:path"

const writerScript = `
const fs = require("node:fs")
const [mode, target, total, chunk, delayMs] = process.argv.slice(2)
const byteAt = (i) => ((i * 2654435761) >>> 24) ^ (i & 255)
let at = mode === "file" && fs.existsSync(target) ? fs.statSync(target).size : 0
const end = Number(total)
const step = () => {
  if (at >= end) {
    if (mode === "file") fs.writeFileSync(target + ".done", "")
    return
  }
  const n = Math.min(Number(chunk), end - at)
  const buf = Buffer.alloc(n)
  for (let k = 0; k < n; k++) buf[k] = byteAt(at + k) & 255
  if (mode === "file") fs.appendFileSync(target, buf)
  else if (!process.stdout.write(buf)) return void process.stdout.once("drain", () => { at += n; setTimeout(step, Number(delayMs)) })
  at += n
  setTimeout(step, Number(delayMs))
}
step()
`
/** The first `total` bytes of the sequence. */
export const expected = (total: number) => {
  const out = new Uint8Array(total)
  for (let i = 0; i < total; i++) out[i] = (((i * 2654435761) >>> 24) ^ (i & 255)) & 255
  return out
}

/** Starts writers (the script is written under `dir`) and kills, by their own handles, those still running. */
export const makeWriters = (dir: string) => {
  const script = join(dir, "writer.cjs")
  writeFileSync(script, writerScript)
  const live = new Set<ChildProcess>()
  const start = (mode: "stdout" | "file", target: string, total: number, chunk: number, delayMs: number) => {
    const child = spawn(process.execPath, [script, mode, target, String(total), String(chunk), String(delayMs)], {
      stdio: ["ignore", mode === "stdout" ? "pipe" : "ignore", "inherit"]
    })
    live.add(child)
    const exited = new Promise<void>((resolve) => child.once("close", () => resolve()))
    void exited.then(() => live.delete(child))
    return { child, exited }
  }
  const killAll = () => {
    for (const child of live) child.kill("SIGKILL")
  }
  return { start, killAll }
}
