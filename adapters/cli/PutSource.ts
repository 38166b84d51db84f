/**
 * What an upload reads: a file (the default), standard input (`-`), or with `--follow` a file that is still being
 * written, until it stops growing for `--idle-timeout` or the `--until-exists` marker appears. The flags are
 * checked here, before the store or the file is touched, so a typo costs nothing.
 *
 * @since 0.4.0
 */
import { existsSync, statSync } from "node:fs"
import type { ByteSource } from "@resumable-upload/core/ports/ByteSource"
import type { StreamSource } from "@resumable-upload/core/ports/StreamSource"
import * as NodeFileByteSource from "@resumable-upload/node/NodeFileByteSource"
import * as NodeStreamSource from "@resumable-upload/node/NodeStreamSource"
import * as Effect from "effect/Effect"
import { UsageError } from "./CliErrors.ts"
import { stdio } from "./CopyPaths.ts"
import { parseDurationMs } from "./Units.ts"

/** The `--follow` flags. @category models */
export interface FollowFlags {
  readonly follow: boolean
  readonly idleTimeout: string | undefined
  readonly untilExists: string | undefined
}

/** The idle timeout when neither `--idle-timeout` nor `--until-exists` is given. @category constants */
export const defaultIdleTimeout = "10s"
/** An idle timeout above a day is a typo (a writer that pauses longer should make a marker). */
const idleTimeoutMsMax = 86_400_000

/** @category models */
export type PutSource =
  | { readonly _tag: "File"; readonly source: ByteSource }
  | { readonly _tag: "Stream"; readonly source: StreamSource; readonly description: string }

const usage = (message: string) => new UsageError({ message })

/** The flags that apply only with `--follow` are refused without it, rather than silently ignored. */
const followOptions = (flags: FollowFlags) =>
  Effect.gen(function* () {
    if (!flags.follow) {
      if (flags.idleTimeout !== undefined) return yield* usage("--idle-timeout applies with --follow")
      if (flags.untilExists !== undefined) return yield* usage("--until-exists applies with --follow")
      return undefined
    }
    // A marker alone waits for the marker; the idle timeout then applies only when asked for.
    const text = flags.idleTimeout ?? (flags.untilExists === undefined ? defaultIdleTimeout : undefined)
    const idleTimeoutMs = text === undefined ? undefined : parseDurationMs(text)
    if (text !== undefined && (idleTimeoutMs === undefined || idleTimeoutMs < 1 || idleTimeoutMs > idleTimeoutMsMax)) {
      return yield* usage(`--idle-timeout: "${text}" is not a duration from 1ms to 1d (try 10s)`)
    }
    return { idleTimeoutMs, ...(flags.untilExists === undefined ? {} : { untilExists: flags.untilExists }) }
  })

/** Checks the flags against `file` (as typed) and `path` (resolved). @category constructors */
export const sourceFor = (file: string, path: string, flags: FollowFlags): Effect.Effect<PutSource, UsageError> =>
  Effect.gen(function* () {
    const follow = yield* followOptions(flags)
    if (file === stdio) {
      if (follow !== undefined) return yield* usage("--follow reads a file; stdin (-) is already read to its end")
      return { _tag: "Stream", source: NodeStreamSource.stdin(), description: "standard input" }
    }
    if (!existsSync(path)) return yield* usage(`no such file: ${file}`)
    if (!statSync(path).isFile()) return yield* usage(`${file} is not a regular file`)
    if (follow !== undefined) {
      const until = follow.untilExists === undefined ? "" : `, or until ${follow.untilExists} exists`
      const idle = follow.idleTimeoutMs === undefined ? "" : ` until it has not grown for ${follow.idleTimeoutMs} ms`
      return {
        _tag: "Stream",
        source: NodeStreamSource.follow(path, follow),
        description: `${path}, following it as it grows${idle}${until}`
      }
    }
    const source = yield* NodeFileByteSource.make(path).pipe(Effect.mapError((e) => usage(e.message)))
    return { _tag: "File", source }
  })
