/**
 * The {@link FileHost} for Deno, on the `Deno` namespace only (no `node:` compatibility layer), so the file lock,
 * key-value store and byte source run with just the permissions they need. It is the only Deno-specific part of
 * them; their logic lives in the portable package, shared with Node.
 *
 * **Gotchas**: Deno has no positional read, so `readAt` seeks then reads (each handle serves one reader, so the
 * position is ours). Host name and uptime need `--allow-sys`: without it the host is "unknown" and the boot check
 * is skipped. A pid can only be probed on Linux (`/proc/<pid>`); elsewhere every pid counts as alive, so a crashed
 * run's lock file must be deleted by hand. `mtime` is `null` on platforms that do not report it.
 *
 * @since 0.2.0
 */
import type { FileHandle, FileHost, FileInfo } from "@resumable-upload/portable/FileHost"

const infoOf = (info: Deno.FileInfo): FileInfo => ({
  isFile: info.isFile,
  sizeBytes: info.size,
  mtimeMs: info.mtime?.getTime()
})

const handleOf = (file: Deno.FsFile): FileHandle => ({
  stat: async () => infoOf(await file.stat()),
  readAt: async (into, position) => {
    await file.seek(position, Deno.SeekMode.Start)
    return (await file.read(into)) ?? 0
  },
  writeAll: async (data) => {
    const bytes = typeof data === "string" ? new TextEncoder().encode(data) : data
    for (let written = 0; written < bytes.length; ) written += await file.write(bytes.subarray(written))
  },
  sync: () => file.sync(),
  close: async () => file.close()
})

/** `fallback` when the call is refused (PermissionDenied without `--allow-sys`). */
const orElse = <A>(f: () => A, fallback: A): A => {
  try {
    return f()
  } catch {
    return fallback
  }
}

const readDir = async (path: string): Promise<Array<string>> => {
  const names: Array<string> = []
  for await (const entry of Deno.readDir(path)) if (entry.isFile) names.push(entry.name)
  return names
}

/** @category services */
export const DenoFileHost: FileHost = {
  open: async (path, mode) =>
    handleOf(
      await Deno.open(
        path,
        mode === "read" ? { read: true } : mode === "createNew" ? { write: true, createNew: true } : { append: true }
      )
    ),
  stat: async (path) => infoOf(await Deno.stat(path)),
  readFile: (path) => Deno.readFile(path),
  readTextFile: (path) => Deno.readTextFile(path),
  readDir,
  makeDirectory: (path) => Deno.mkdir(path, { recursive: true }),
  rename: (from, to) => Deno.rename(from, to),
  remove: (path) => Deno.remove(path),
  isNotFound: (cause) => cause instanceof Deno.errors.NotFound,
  isAlreadyExists: (cause) => cause instanceof Deno.errors.AlreadyExists,
  randomUUID: () => crypto.randomUUID(),
  pid: Deno.pid,
  hostname: () => orElse(() => Deno.hostname(), "unknown"),
  bootTimeMs: () => orElse(() => Date.now() - Deno.osUptime() * 1000, undefined),
  isAlive: (pid) =>
    Deno.build.os !== "linux"
      ? Promise.resolve(true)
      : Deno.stat(`/proc/${pid}`).then(
          () => true,
          (cause) => !(cause instanceof Deno.errors.NotFound)
        )
}
