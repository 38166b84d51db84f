/**
 * An exclusive, cross-process lock for one checkpoint id: the file `<dir>/<encodeFileName(id)>.lock`, created once
 * with `O_EXCL` and holding `{ pid, hostname, acquiredAtMs, token }`, removed when the Scope closes if it still holds
 * our token. Written once over a {@link FileHost}, so Node and Deno write the same file and exclude each other.
 *
 * A lock left by a dead process (SIGKILL, power loss) is taken over when it was written on this host and either
 * its pid is gone (`FileHost.isAlive`) or it predates the last boot. A lock from another host is always honoured:
 * its liveness cannot be checked from here. A lock file that does not parse is taken over once it is 10 s old.
 *
 * **Gotchas**: timestamps use the wall clock (`Date.now`), not Effect's `Clock`: the file is read by other
 * processes, and a TestClock's time 0 would look older than the boot and be stolen. A reused pid makes a stale
 * lock look alive (remove the file by hand; the `CheckpointLocked` message names it). Taking over a stale lock is
 * remove-if-unchanged then re-create, so two processes taking over the same stale lock at the same instant can,
 * rarely, both succeed. Same-process callers are refused too (our pid is alive), which is what the engine wants.
 *
 * @since 0.2.0
 */

import { CheckpointLocked, CheckpointStoreError } from "@resumable-upload/core/ports/CheckpointStore"
import * as Effect from "effect/Effect"
import * as Option from "effect/Option"
import * as Schema from "effect/Schema"
import type * as Scope from "effect/Scope"
import { type FileHost, ifFound } from "./FileHost.ts"
import { encodeFileName, inDirectory } from "./fileNames.ts"

const Holder = Schema.fromJsonString(
  Schema.Struct({
    pid: Schema.Int,
    hostname: Schema.String,
    acquiredAtMs: Schema.Number,
    token: Schema.optionalKey(Schema.String) // absent in hand-written locks
  })
)
type Holder = typeof Holder.Type
const decodeHolder = Schema.decodeUnknownOption(Holder)

/** An unreadable lock younger than this may still be being written by its creator. */
const unreadableGraceMs = 10_000
/** Slack for the boot time, which is derived from an uptime and the clock. */
const bootSlackMs = 60_000

/** Where the lock for `id` lives; throws a `URIError` for ids with lone surrogates. @category utils */
export const lockFilePath = (directory: string, id: string): string =>
  inDirectory(directory, `${encodeFileName(id)}.lock`)

/** `undefined` when the lock is stale (may be taken over), otherwise who holds it. */
const heldBecause = async (host: FileHost, path: string, text: string): Promise<string | undefined> => {
  const holder = decodeHolder(text)
  if (Option.isNone(holder)) {
    const ageMs = await host.stat(path).then(
      (info) => Date.now() - (info.mtimeMs ?? Date.now()), // no mtime: treat as fresh, never steal blindly
      () => 0
    )
    return ageMs > unreadableGraceMs ? undefined : "an unreadable lock file (being written?)"
  }
  const { pid, hostname, acquiredAtMs } = holder.value
  const by = `pid ${pid} on ${hostname} since ${new Date(acquiredAtMs).toISOString()} (lock file ${path})`
  if (hostname !== host.hostname()) return by
  const bootMs = host.bootTimeMs()
  if (bootMs !== undefined && acquiredAtMs < bootMs - bootSlackMs) return undefined // from before the last boot
  return (await host.isAlive(pid)) ? by : undefined
}

/** Creates `path` with `text` only if it does not exist yet: `false` when it does. */
const createExclusive = async (host: FileHost, path: string, text: string): Promise<boolean> => {
  const file = await host
    .open(path, "createNew")
    .catch((cause) => (host.isAlreadyExists(cause) ? undefined : Promise.reject(cause)))
  if (file === undefined) return false
  try {
    await file.writeAll(text)
  } finally {
    await file.close()
  }
  return true
}

/** `undefined` once the lock is ours, otherwise who holds it. */
const tryAcquire = async (host: FileHost, directory: string, path: string, mine: Holder) => {
  await host.makeDirectory(directory)
  for (let attempt = 0; attempt < 3; attempt++) {
    if (await createExclusive(host, path, JSON.stringify(mine))) return undefined
    const text = await ifFound(host, host.readTextFile(path))
    if (text === undefined) continue // released in between: try again
    const reason = await heldBecause(host, path, text)
    if (reason !== undefined) return reason
    // Stale: remove it only if nobody replaced it meanwhile, then race for it like everyone else.
    if ((await ifFound(host, host.readTextFile(path))) === text) await ifFound(host, host.remove(path))
  }
  return "a lock that keeps changing hands"
}

/** Holds the lock file for `id` in `directory` until the Scope closes. @category constructors */
export const acquire = (
  host: FileHost,
  directory: string,
  id: string
): Effect.Effect<void, CheckpointLocked | CheckpointStoreError, Scope.Scope> => {
  const attempt = Effect.tryPromise({
    try: async () => {
      const path = lockFilePath(directory, id)
      const token = host.randomUUID() // per run: re-running the same Effect never reuses a token
      const mine: Holder = { pid: host.pid, hostname: host.hostname(), acquiredAtMs: Date.now(), token }
      return { path, token, heldBy: await tryAcquire(host, directory, path, mine) }
    },
    catch: (cause) =>
      new CheckpointStoreError({
        method: "lock",
        checkpointId: id,
        message: `cannot take the lock file for ${id} in ${directory}: ${cause instanceof Error ? cause.message : cause}`,
        cause
      })
  }).pipe(
    Effect.flatMap(({ heldBy, ...ours }) =>
      heldBy === undefined
        ? Effect.succeed(ours)
        : Effect.fail(new CheckpointLocked({ checkpointId: id, message: `checkpoint ${id} is locked by ${heldBy}` }))
    )
  )
  // Release only a lock that is still ours (token match), never one a taker re-created.
  const release = ({ path, token }: { readonly path: string; readonly token: string }) =>
    Effect.tryPromise(async () => {
      const text = await ifFound(host, host.readTextFile(path))
      const holder = text === undefined ? Option.none() : decodeHolder(text)
      if (Option.isSome(holder) && holder.value.token === token) await ifFound(host, host.remove(path))
    }).pipe(Effect.ignore)
  return Effect.asVoid(Effect.acquireRelease(attempt, release))
}
