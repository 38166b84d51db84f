/**
 * One server per data directory: two servers on one directory would each hold their own model and silently undo
 * each other's changes. The lock is NodeFileLock's pid-checked lock file, so a killed server's lock is taken over
 * by the next start, while a live holder (another process, or another server in this process) makes `start` fail.
 *
 * @since 0.1.0
 */
import { mkdir } from "node:fs/promises"
import * as NodeFileLock from "@resumable-upload/node/NodeFileLock"
import * as Effect from "effect/Effect"
import * as Exit from "effect/Exit"
import * as Scope from "effect/Scope"
import { ServerStartError } from "./ServerStartError.ts"

/** The lock file's id; NodeFileLock turns it into `_local-oss-server.lock` in the data directory. */
const lockId = "local-oss-server"

/**
 * Takes the directory's lock; resolves to its release. Rejects with a `ServerStartError` when another live server
 * holds it (`locked`) or the lock file cannot be written (`storage`); a failed `mkdir` rejects with its own error.
 *
 * @category utils
 */
export const lockDirectory = async (root: string): Promise<() => Promise<void>> => {
  await mkdir(root, { recursive: true })
  const scope = Effect.runSync(Scope.make())
  const exit = await Effect.runPromiseExit(Scope.provide(NodeFileLock.acquire(root, lockId), scope))
  const release = () => Effect.runPromise(Scope.close(scope, Exit.void))
  if (Exit.isFailure(exit)) {
    await release()
    const locked = exit.cause.reasons.some((r) => r._tag === "Fail" && r.error._tag === "CheckpointLocked")
    throw locked
      ? new ServerStartError({
          reason: "locked",
          message: `the data directory ${root} is in use by another server: stop that server, or pick another data directory`
        })
      : new ServerStartError({
          reason: "storage",
          message: `cannot write the lock file in the data directory ${root}: make it writable, or pick another data directory`,
          cause: exit.cause
        })
  }
  return release
}
