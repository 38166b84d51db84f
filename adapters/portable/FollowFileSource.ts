/**
 * A growing file as a stream source (`cp --follow`): a recording, a log, a download in progress. It reads from
 * where it left off; when no new bytes are there it polls (every `pollIntervalMs`, bounded) until they come, and
 * ends when the writer is done: the file has not grown for `idleTimeoutMs`, or the `untilExists` marker appeared
 * (then the file is read to its end once more, since the writer may have appended just before creating it).
 *
 * Replayable: a rerun reads the same file from its start, so the parts an earlier run committed are verified
 * against its prefix by digest. Time comes from Effect's `Clock` (`Effect.sleep`, `Clock.currentTimeMillis`), so a
 * test moves it with `TestClock`. A file that shrinks under the reader is a `SourceReadError`, never a silently
 * different object.
 *
 * @since 0.4.0
 */
import { SourceReadError } from "@resumable-upload/core/ports/ByteSource"
import type { StreamSource } from "@resumable-upload/core/ports/StreamSource"
import * as Clock from "effect/Clock"
import * as Effect from "effect/Effect"
import { type FileHandle, type FileHost, ifFound } from "./FileHost.ts"

/** @category models */
export interface FollowOptions {
  /** End when the file has not grown for this long; `undefined` waits for `untilExists` alone. */
  readonly idleTimeoutMs: number | undefined
  /** End once this path exists (the writer's "done" marker). */
  readonly untilExists?: string
  /** How often to look for new bytes; default a quarter of the idle timeout, within [10 ms, 1 s]. */
  readonly pollIntervalMs?: number
  /** Bytes per read; default 1 MiB. */
  readonly chunkBytes?: number
}

/** @category constants */
export const pollIntervalMsMin = 10
export const pollIntervalMsMax = 1000

/** A source over `path`, which must exist; no byte is read until the first pull. @category constructors */
export const make = (host: FileHost, path: string, options: FollowOptions): StreamSource => {
  const pollIntervalMs = Math.min(
    pollIntervalMsMax,
    Math.max(pollIntervalMsMin, options.pollIntervalMs ?? (options.idleTimeoutMs ?? 4000) / 4)
  )
  const chunkBytes = Math.max(1, options.chunkBytes ?? 1024 * 1024)
  let handle: FileHandle | undefined
  let positionBytes = 0
  let lastGrowthMs: number | undefined
  let ended = false
  const failed = (message: string, cause?: unknown) =>
    new SourceReadError({ sourceName: path, offsetBytes: positionBytes, lengthBytes: chunkBytes, message, cause })
  const attempt = <A>(what: string, run: () => Promise<A>) =>
    Effect.tryPromise({ try: run, catch: (cause) => failed(`${what} ${path}: ${String(cause)}`, cause) })

  /** The next bytes there are now (possibly none). */
  const readNow = Effect.gen(function* () {
    if (handle === undefined) {
      const opened = yield* attempt("opening", () => host.open(path, "read"))
      handle = opened
    }
    const open = handle
    const buffer = new Uint8Array(chunkBytes)
    const count = yield* attempt("reading", () => open.readAt(buffer, positionBytes))
    if (count === 0) {
      const info = yield* attempt("checking", () => open.stat())
      if (info.sizeBytes < positionBytes) {
        return yield* failed(`${path} shrank to ${info.sizeBytes} bytes after ${positionBytes} were read`)
      }
    }
    positionBytes += count
    // A short read is copied out, so a few new bytes do not hold a whole chunk buffer in memory.
    return count === chunkBytes ? buffer : buffer.slice(0, count)
  })

  const markerExists = (marker: string) =>
    attempt("checking", () => ifFound(host, host.stat(marker))).pipe(Effect.map((info) => info !== undefined))

  const finish = Effect.gen(function* () {
    ended = true
    const open = handle
    handle = undefined
    if (open !== undefined) yield* attempt("closing", () => open.close())
    return undefined
  })

  const pull: StreamSource["pull"] = Effect.gen(function* () {
    if (ended) return undefined
    lastGrowthMs ??= yield* Clock.currentTimeMillis
    while (true) {
      const bytes = yield* readNow
      if (bytes.length > 0) {
        lastGrowthMs = yield* Clock.currentTimeMillis
        return bytes
      }
      if (options.untilExists !== undefined && (yield* markerExists(options.untilExists))) {
        const last = yield* readNow // what the writer appended before it made the marker
        return last.length > 0 ? last : yield* finish
      }
      const idleMs = (yield* Clock.currentTimeMillis) - lastGrowthMs
      if (options.idleTimeoutMs !== undefined && idleMs >= options.idleTimeoutMs) return yield* finish
      yield* Effect.sleep(pollIntervalMs)
    }
  })
  return { name: path, replayable: true, pull }
}
