/**
 * The command line's own errors, and the exit code each outcome maps to, so scripts can rely on them.
 *
 * | code | meaning |
 * |---|---|
 * | 0 | done |
 * | 1 | the upload or command failed (the message says whether running it again resumes) |
 * | 2 | bad arguments or configuration |
 * | 3 | a checkpoint exists but cannot be resumed (`--on-unresumable fail`) |
 * | 4 | paused (Ctrl-C, or `--keep-on-cancel`): run the same command again to resume |
 * | 5 | another process is uploading the same file to the same object |
 * | 130 | interrupted by a second Ctrl-C |
 *
 * @since 0.1.0
 */

import type { ObjectStoreError } from "@resumable-upload/core/ports/ObjectStore"
import * as Data from "effect/Data"
import * as Effect from "effect/Effect"
import type * as Scope from "effect/Scope"

/** @category errors */
export class UsageError extends Data.TaggedError("UsageError")<{ readonly message: string }> {}

/** `serve` could not start (data directory in use or unwritable, port taken, bad keys): exit code 2, one line. @category errors */
export class ServeError extends Data.TaggedError("ServeError")<{ readonly message: string }> {}

/** @category constants */
export const ExitCode = {
  ok: 0,
  failed: 1,
  usage: 2,
  cannotResume: 3,
  paused: 4,
  locked: 5,
  interrupted: 130
} as const

/** One line on stdout. @category output */
export const line = (text: string): void => void process.stdout.write(`${text}\n`)

/** Reports a store error on stderr with its code and request id; the exit code is `failed`. @category output */
export const storeFailed = (e: ObjectStoreError): number => {
  process.stderr.write(
    `${e.operation} failed: ${e.code} ${e.message}${e.requestId === undefined ? "" : ` (request ${e.requestId})`}\n`
  )
  return ExitCode.failed
}

/**
 * A store-facing command as the CLI runs it: its scope (the embedded server, if one was started) closes when it
 * ends, and a store error becomes exit code 1 with one line on stderr.
 *
 * @category output
 */
export const storeCommand = <R>(
  command: Effect.Effect<number, UsageError | ObjectStoreError, R>
): Effect.Effect<number, UsageError, Exclude<R, Scope.Scope>> =>
  command.pipe(
    Effect.scoped,
    Effect.catchTag("ObjectStoreError", (e) => Effect.succeed(storeFailed(e)))
  )
