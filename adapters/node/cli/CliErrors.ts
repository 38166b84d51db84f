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
import * as Data from "effect/Data"

/** @category errors */
export class UsageError extends Data.TaggedError("UsageError")<{ readonly message: string }> {}

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
