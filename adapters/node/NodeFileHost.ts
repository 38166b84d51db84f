/**
 * The {@link FileHost} for Node: `node:fs/promises`, `node:os` and `node:process`. It is the only Node-specific
 * part of the Node file lock, key-value store and byte source, whose logic lives in the portable package.
 *
 * **Gotchas**: reads are positioned (`pread`), so a handle has no shared position. `readFile` returns a `Buffer`,
 * re-wrapped as a plain `Uint8Array`: a `Buffer` does not deep-equal one and its `slice` shares memory. A pid is
 * probed with `process.kill(pid, 0)` (signal 0 only checks existence); `EPERM` means alive, another user's.
 *
 * @since 0.2.0
 */
import { randomUUID } from "node:crypto"
import { constants, type Stats } from "node:fs"
import { mkdir, type FileHandle as NodeHandle, open, readdir, readFile, rename, rm, stat } from "node:fs/promises"
import { hostname, uptime } from "node:os"
import process from "node:process"
import type { FileHandle, FileHost, FileInfo } from "@resumable-upload/portable/FileHost"

const codeOf = (cause: unknown) => (cause as { code?: unknown } | null)?.code
const infoOf = (stats: Stats): FileInfo => ({ isFile: stats.isFile(), sizeBytes: stats.size, mtimeMs: stats.mtimeMs })

const handleOf = (handle: NodeHandle): FileHandle => ({
  stat: async () => infoOf(await handle.stat()),
  readAt: async (into, position) => (await handle.read(into, 0, into.length, position)).bytesRead,
  writeAll: (data) => handle.writeFile(data),
  sync: () => handle.sync(),
  close: () => handle.close()
})

const isAlive = (pid: number): boolean => {
  try {
    process.kill(pid, 0) // signal 0: an existence check, nothing is sent
    return true
  } catch (cause) {
    return codeOf(cause) !== "ESRCH" // EPERM: alive, owned by another user
  }
}

/** @category services */
export const NodeFileHost: FileHost = {
  open: async (path, mode) =>
    handleOf(
      await open(path, mode === "read" ? "r" : mode === "createNew" ? "wx" : constants.O_WRONLY | constants.O_APPEND)
    ),
  stat: async (path) => infoOf(await stat(path)),
  readFile: async (path) => {
    const buffer = await readFile(path)
    // A plain view over the same memory: no copy, and no Buffer semantics leaking into callers.
    return new Uint8Array(buffer.buffer, buffer.byteOffset, buffer.byteLength)
  },
  readTextFile: (path) => readFile(path, "utf8"),
  readDir: async (path) => (await readdir(path, { withFileTypes: true })).flatMap((e) => (e.isFile() ? [e.name] : [])),
  makeDirectory: async (path) => {
    await mkdir(path, { recursive: true })
  },
  rename: (from, to) => rename(from, to),
  remove: (path) => rm(path),
  isNotFound: (cause) => codeOf(cause) === "ENOENT",
  isAlreadyExists: (cause) => codeOf(cause) === "EEXIST",
  randomUUID: () => randomUUID(),
  pid: process.pid,
  hostname: () => hostname(),
  bootTimeMs: () => Date.now() - uptime() * 1000,
  isAlive: async (pid) => isAlive(pid)
}
