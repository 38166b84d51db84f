/**
 * The Deno checkpoint lock: the portable {@link FileLock} (a pid-checked `O_EXCL` lock file, the same file and
 * format as Node's, so the runtimes exclude each other) over {@link DenoFileHost}. Stale locks are detected only
 * on Linux, and need `--allow-sys` (see DenoFileHost).
 *
 * @since 0.1.0
 */

import type { CheckpointLocked, CheckpointStoreError } from "@resumable-upload/core/ports/CheckpointStore"
import * as FileLock from "@resumable-upload/portable/FileLock"
import type * as Effect from "effect/Effect"
import type * as Scope from "effect/Scope"
import { DenoFileHost } from "./DenoFileHost.ts"

/** Holds the lock file for `id` until the Scope closes. @category constructors */
export const acquire = (
  directory: string,
  id: string
): Effect.Effect<void, CheckpointLocked | CheckpointStoreError, Scope.Scope> =>
  FileLock.acquire(DenoFileHost, directory, id)
