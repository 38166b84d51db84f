/**
 * Crash-safe files for the directory storage: every file is written to a temp name in its final directory, fsynced,
 * then renamed over the target (and the directory fsynced, best effort). A reader, or a restart after a kill at any
 * moment, sees the old file or the new one, never a torn one; what is left is at worst an orphan temp file, which
 * {@link removeTempFiles} cleans at startup.
 *
 * A record is one file holding a JSON header line and then raw bytes, so a part's or object's metadata and data
 * appear together in one rename, and can never disagree after a crash.
 *
 * @since 0.1.0
 */
import { randomUUID } from "node:crypto"
import { open, readdir, rename, rm } from "node:fs/promises"
import { join } from "node:path"

/** Temp files start with this and hold no other meaning; never a name the storage uses for data. @category constants */
export const tempPrefix = ".tmp-"

/** Persists a directory's entries (new names, renames, removals). Best effort: some systems cannot fsync one. @category utils */
export const syncDirectory = async (directory: string): Promise<void> => {
  try {
    const handle = await open(directory, "r")
    try {
      await handle.sync()
    } finally {
      await handle.close()
    }
  } catch {
    // Windows cannot open a directory and some file systems refuse fsync on one; the data files are still synced.
  }
}

/** Writes `directory/name` atomically from `chunks` (temp file, fsync, rename, directory fsync). @category utils */
export const writeAtomic = async (
  directory: string,
  name: string,
  chunks: ReadonlyArray<Uint8Array | string>
): Promise<void> => {
  const temp = join(directory, `${tempPrefix}${randomUUID()}`)
  try {
    const handle = await open(temp, "wx")
    try {
      for (const chunk of chunks) await handle.writeFile(chunk) // loops until all is written, from the position
      await handle.sync() // the data is on disk before the rename makes it visible
    } finally {
      await handle.close()
    }
    await rename(temp, join(directory, name))
  } catch (cause) {
    await rm(temp, { force: true }).catch(() => undefined)
    throw cause
  }
  await syncDirectory(directory)
}

/** Writes a record: `header` as one JSON line, then `bytes`. @category utils */
export const writeRecord = (
  directory: string,
  name: string,
  header: Readonly<Record<string, unknown>>,
  bytes: Uint8Array = new Uint8Array(0)
): Promise<void> => writeAtomic(directory, name, [`${JSON.stringify({ ...header, sizeBytes: bytes.length })}\n`, bytes])

/** @category models */
export interface RecordContent {
  readonly header: Readonly<Record<string, unknown>>
  readonly bytes: Uint8Array
}

// Read in slices: `readFile` stops at 2 GiB, while an object may reach the 4 GiB a Node 20 Uint8Array holds.
const readSliceBytes = 64 * 1024 * 1024
const headerBytesMax = 64 * 1024

/** The whole file in one array, or `undefined` when it cannot be read. */
const readWhole = async (path: string): Promise<Uint8Array | undefined> => {
  try {
    const handle = await open(path, "r")
    try {
      const { size } = await handle.stat()
      const bytes = new Uint8Array(size)
      for (let offset = 0; offset < size; ) {
        const { bytesRead } = await handle.read(bytes, offset, Math.min(readSliceBytes, size - offset), offset)
        if (bytesRead === 0) return undefined
        offset += bytesRead
      }
      return bytes
    } finally {
      await handle.close()
    }
  } catch {
    return undefined
  }
}

/** Reads a record; `undefined` when the file is missing or not a well-formed record of the length it declares. @category utils */
export const readRecord = async (path: string): Promise<RecordContent | undefined> => {
  const whole = await readWhole(path)
  if (whole === undefined) return undefined
  const newline = whole.subarray(0, headerBytesMax).indexOf(0x0a)
  if (newline === -1) return undefined
  let header: unknown
  try {
    header = JSON.parse(new TextDecoder().decode(whole.subarray(0, newline)))
  } catch {
    return undefined
  }
  if (typeof header !== "object" || header === null || Array.isArray(header)) return undefined
  const bytes = whole.subarray(newline + 1)
  const record = header as Record<string, unknown>
  return record.sizeBytes === bytes.length ? { header: record, bytes } : undefined
}

/** Removes the temp files a killed server left in `directory`. @category utils */
export const removeTempFiles = async (directory: string): Promise<void> => {
  const names = await readdir(directory).catch(() => [] as Array<string>)
  for (const name of names) if (name.startsWith(tempPrefix)) await rm(join(directory, name), { force: true })
}

/** A string field of a record header, or `undefined`. @category utils */
export const stringField = (header: Readonly<Record<string, unknown>>, name: string): string | undefined => {
  const value = header[name]
  return typeof value === "string" ? value : undefined
}

/** A finite number field of a record header, or `undefined`. @category utils */
export const numberField = (header: Readonly<Record<string, unknown>>, name: string): number | undefined => {
  const value = header[name]
  return typeof value === "number" && Number.isFinite(value) ? value : undefined
}
