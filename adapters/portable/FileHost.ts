/**
 * The file and process operations the portable file adapters (FileLock, FileKeyValueStore, FileByteSource) need
 * from a runtime, and nothing more. Each runtime implements it once (NodeFileHost, DenoFileHost), so the lock
 * staleness rules, the atomic write and the range-read change checks exist once, and both runtimes read and
 * write the same files.
 *
 * Promise-based because both runtimes' file APIs are; the adapters wrap whole operations in `Effect.tryPromise`.
 * Failures are the runtime's own errors, classified by `isNotFound` / `isAlreadyExists` (codes on Node, classes
 * on Deno), so messages and causes stay what the runtime reported.
 *
 * @since 0.2.0
 */

/** What `stat` reports. `mtimeMs` is `undefined` where the platform does not report one. @category models */
export interface FileInfo {
  readonly isFile: boolean
  readonly sizeBytes: number
  readonly mtimeMs: number | undefined
}

/** An open file (or, opened for reading, a directory, for `sync`). @category models */
export interface FileHandle {
  readonly stat: () => Promise<FileInfo>
  /** Reads into `into` from file offset `position`: the count read, which may be short; 0 at end of file. */
  readonly readAt: (into: Uint8Array, position: number) => Promise<number>
  /** Writes all of `data` (a string as UTF-8) at the current position. */
  readonly writeAll: (data: string | Uint8Array) => Promise<void>
  /** fsync: the data is on disk when it resolves. */
  readonly sync: () => Promise<void>
  readonly close: () => Promise<void>
}

/** @category models */
export interface FileHost {
  /**
   * `"read"`: an existing file or directory. `"createNew"`: a new file to write, failing if it exists (`O_EXCL`).
   * `"append"`: an existing file, every write going to its end (`O_APPEND`, never created).
   */
  readonly open: (path: string, mode: "read" | "createNew" | "append") => Promise<FileHandle>
  readonly stat: (path: string) => Promise<FileInfo>
  /** A plain `Uint8Array` (not a subclass such as Node's `Buffer`). */
  readonly readFile: (path: string) => Promise<Uint8Array>
  readonly readTextFile: (path: string) => Promise<string>
  /** The names of the regular files in a directory (no subdirectories, no symlinks). */
  readonly readDir: (path: string) => Promise<ReadonlyArray<string>>
  /** Creates the directory and its parents; succeeds if it exists. */
  readonly makeDirectory: (path: string) => Promise<void>
  /** Atomically replaces `to` with `from` (same directory). */
  readonly rename: (from: string, to: string) => Promise<void>
  /** Removes one file; a missing file fails with an error `isNotFound` accepts. */
  readonly remove: (path: string) => Promise<void>
  readonly isNotFound: (cause: unknown) => boolean
  readonly isAlreadyExists: (cause: unknown) => boolean
  readonly randomUUID: () => string
  /** This process's id, as other processes see it. */
  readonly pid: number
  readonly hostname: () => string
  /** When this machine last booted (wall-clock ms), or `undefined` when the runtime cannot tell. */
  readonly bootTimeMs: () => number | undefined
  /** `false` only when no process `pid` exists on this host; `true` when unsure. */
  readonly isAlive: (pid: number) => Promise<boolean>
}

/** `undefined` instead of a "not found" failure (a missing key, a directory not created yet). @category utils */
export const ifFound = <A>(host: FileHost, promise: Promise<A>): Promise<A | undefined> =>
  promise.catch((cause) => (host.isNotFound(cause) ? undefined : Promise.reject(cause)))
