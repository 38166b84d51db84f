/**
 * The batch checkpoint of `cp -r`: `<checkpoint-dir>/batches/<id>.jsonl`, so a killed batch run resumes where it
 * stopped. Line 1 names the batch (source directory, target, filters); every further line is the 16-hex fingerprint
 * of one file done (relative path, size, mtime), appended as the file completes, or `~<fingerprint> <epoch ms>`
 * written as a multipart file starts: a later run then knows a kill may have orphaned an upload of it
 * (OrphanSweep.ts). Appending keeps a write per file
 * O(1) however large the batch, and a kill mid-append leaves at worst a torn last line, which is ignored (that file
 * is uploaded again, harmlessly). The file that was in flight resumes through its own upload checkpoint.
 *
 * Bounded: on open, fingerprints of files no longer in the plan (changed or gone) are dropped, so the journal never
 * holds more than two lines per planned file (at most `batchFilesMax` files, under 5 MB).
 *
 * @since 0.2.0
 */

import { appendFileSync, mkdirSync, readFileSync, renameSync, rmdirSync, rmSync, writeFileSync } from "node:fs"
import { join } from "node:path"
import * as Crc64 from "@resumable-upload/core/Crc64"

const encoder = new TextEncoder()
const hex16 = (text: string) =>
  BigInt.asUintN(64, Crc64.compute(encoder.encode(text)))
    .toString(16)
    .padStart(16, "0")
const fingerprintLine = /^[0-9a-f]{16}$/
const intentLine = /^~([0-9a-f]{16}) (\d{1,16})$/

/** What makes two runs the same batch: rerunning the same command finds the same journal. @category models */
export interface BatchIdentity {
  readonly source: string
  /** The store's identity, bucket and key prefix, e.g. `oss <endpoint> bucket prefix/`. */
  readonly target: string
  readonly filters: string
}

/** A file counts as done only as it was then: another size or mtime is another fingerprint. @category utils */
export const fingerprintOf = (file: {
  readonly relativePath: string
  readonly sizeBytes: number
  readonly mtimeMs: number
}): string => hex16(`${file.relativePath}\n${file.sizeBytes}\n${file.mtimeMs}`)

/** @category models */
export interface BatchJournal {
  readonly path: string
  /** Fingerprints of the files an earlier run finished (only those still planned). */
  readonly done: ReadonlySet<string>
  /** Multipart files an earlier run started (fingerprint → when, epoch ms), done or not. */
  readonly intents: ReadonlyMap<string, number>
  readonly record: (fingerprint: string) => void
  /** A multipart file is about to start; once per file (the first start is the one that counts). */
  readonly recordIntent: (fingerprint: string, atMs: number) => void
  /** The batch is complete: nothing is left to resume. */
  readonly remove: () => void
}

const readLines = (path: string): ReadonlyArray<string> | undefined => {
  try {
    return readFileSync(path, "utf8").split("\n")
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === "ENOENT") return undefined
    throw e
  }
}

/** Opens (or starts) the journal of `identity`; `planned` are the fingerprints of this run's files. @category constructors */
export const open = (checkpointDir: string, identity: BatchIdentity, planned: ReadonlySet<string>): BatchJournal => {
  const header = JSON.stringify({ version: 1, ...identity })
  const dir = join(checkpointDir, "batches")
  const path = join(dir, `batch-${hex16(header)}.jsonl`)
  mkdirSync(dir, { recursive: true })
  const lines = readLines(path)
  // A different header under the same name (a CRC collision, or another version) is another batch: start afresh.
  const earlier = lines !== undefined && lines[0] === header ? lines.slice(1) : []
  const done = new Set(earlier.filter((l) => fingerprintLine.test(l) && planned.has(l)))
  const intents = new Map<string, number>()
  for (const l of earlier) {
    const m = intentLine.exec(l)
    if (m?.[1] !== undefined && planned.has(m[1]) && !intents.has(m[1])) intents.set(m[1], Number(m[2]))
  }
  const kept = earlier.filter((l) => l !== "").length
  if (lines === undefined || lines[0] !== header || kept !== done.size + intents.size || lines.at(-1) !== "") {
    // Rewritten whole (temp file, then rename) so a kill here leaves the old journal or the new one, never half.
    const temp = `${path}.${process.pid}.tmp`
    const intentLines = [...intents].map(([f, ms]) => `~${f} ${ms}`)
    writeFileSync(temp, [header, ...done, ...intentLines, ""].join("\n"))
    renameSync(temp, path)
  }
  return {
    path,
    done,
    intents,
    record: (fingerprint) => appendFileSync(path, `${fingerprint}\n`),
    recordIntent: (fingerprint, atMs) => {
      if (!intents.has(fingerprint)) appendFileSync(path, `~${fingerprint} ${Math.floor(atMs)}\n`)
    },
    remove: () => {
      rmSync(path, { force: true })
      // The directory goes too once no batch is left in it, so a finished run leaves no trace.
      try {
        rmdirSync(dir)
      } catch {}
    }
  }
}
