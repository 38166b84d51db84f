/**
 * The Node checkpoint lock: the portable {@link FileLock} (a pid-checked `O_EXCL` lock file, shared with Deno) over
 * {@link NodeFileHost}. Kept as its own module for the server's directory lock and for tests.
 *
 * @since 0.1.0
 */

import type { CheckpointLocked, CheckpointStoreError } from "@resumable-upload/core/ports/CheckpointStore"
import * as FileLock from "@resumable-upload/portable/FileLock"
import type * as Effect from "effect/Effect"
import type * as Scope from "effect/Scope"
import { NodeFileHost } from "./NodeFileHost.ts"

/** Where the lock for `id` lives; throws a `URIError` for ids with lone surrogates. @category utils */
export const lockFilePath: (directory: string, id: string) => string = FileLock.lockFilePath

/** Holds the lock file for `id` until the Scope closes. @category constructors */
export const acquire = (
  directory: string,
  id: string
): Effect.Effect<void, CheckpointLocked | CheckpointStoreError, Scope.Scope> =>
  FileLock.acquire(NodeFileHost, directory, id)
