/**
 * An exclusive, cross-process lock for one checkpoint id on Deno: the file `<dir>/_<encoded id>.lock`, created with
 * `createNew: true` (`O_EXCL`) and holding `{ pid, hostname, acquiredAtMs, token }`. Removed when the Scope closes,
 * only while it still holds our token. Same file and format as NodeFileLock, so the runtimes exclude each other.
 *
 * Stale locks (holder killed, power loss): on Linux, a lock written on this host is taken over when its pid is gone
 * (no `/proc/<pid>`) or it predates the last boot. On macOS and Windows Deno cannot probe a pid without spawning a
 * process, so there, as for locks from another host, the lock is honoured until someone deletes the file; the
 * `CheckpointLocked` message names it. A lock file that does not parse is taken over once it is 10 s old.
 *
 * **Gotchas**: `--allow-sys` is needed for the host name and uptime (without it the host is "unknown" and the boot
 * check is skipped). A reused pid makes a stale lock look alive. Two processes taking over the same stale lock at
 * the same instant can, rarely, both succeed. Same-process callers are refused too (our own pid is alive), which
 * is what the engine wants. Timestamps use the wall clock: other processes read them.
 *
 * @since 0.1.0
 */
import * as Effect from "effect/Effect"
import * as Option from "effect/Option"
import * as Schema from "effect/Schema"
import type * as Scope from "effect/Scope"
import { CheckpointLocked, CheckpointStoreError } from "../../core/ports/CheckpointStore.ts"
import { encodeFileName } from "./DenoFileKeyValueStore.ts"

const Holder = Schema.fromJsonString(
  Schema.Struct({
    pid: Schema.Int,
    hostname: Schema.String,
    acquiredAtMs: Schema.Number,
    token: Schema.optionalKey(Schema.String) // absent in hand-written locks
  })
)
const decodeHolder = Schema.decodeUnknownOption(Holder)
/** An unreadable lock younger than this may still be being written by its creator. */
const unreadableGraceMs = 10_000

const orElse = <A>(f: () => A, fallback: A): A => {
  try {
    return f()
  } catch {
    return fallback // PermissionDenied without --allow-sys
  }
}
const thisHost = () => orElse(() => Deno.hostname(), "unknown")
const readOrUndefined = (path: string) =>
  Deno.readTextFile(path).catch((cause) => (cause instanceof Deno.errors.NotFound ? undefined : Promise.reject(cause)))
/** `false` only when the pid is known to be gone. */
const isAlive = (pid: number): Promise<boolean> =>
  Deno.build.os !== "linux"
    ? Promise.resolve(true)
    : Deno.stat(`/proc/${pid}`).then(
        () => true,
        (cause) => !(cause instanceof Deno.errors.NotFound)
      )

/** `undefined` when the lock is stale (may be taken over), otherwise who holds it. */
const heldBecause = async (path: string, text: string): Promise<string | undefined> => {
  const holder = decodeHolder(text)
  if (Option.isNone(holder)) {
    const ageMs = await Deno.stat(path).then(
      (s) => Date.now() - (s.mtime?.getTime() ?? Date.now()),
      () => 0
    )
    return ageMs > unreadableGraceMs ? undefined : "an unreadable lock file (being written?)"
  }
  const { pid, hostname, acquiredAtMs } = holder.value
  const by = `pid ${pid} on ${hostname} since ${new Date(acquiredAtMs).toISOString()} (lock file ${path})`
  if (hostname !== thisHost()) return by
  const bootMs = orElse(() => Date.now() - Deno.osUptime() * 1000, undefined)
  if (bootMs !== undefined && acquiredAtMs < bootMs - 60_000) return undefined // from before the last boot
  return (await isAlive(pid)) ? by : undefined
}

const tryAcquire = async (directory: string, path: string, mine: string): Promise<string | undefined> => {
  await Deno.mkdir(directory, { recursive: true })
  for (let attempt = 0; attempt < 3; attempt++) {
    try {
      await Deno.writeTextFile(path, mine, { createNew: true })
      return undefined
    } catch (cause) {
      if (!(cause instanceof Deno.errors.AlreadyExists)) throw cause
    }
    const text = await readOrUndefined(path)
    if (text === undefined) continue // released in between: try again
    const reason = await heldBecause(path, text)
    if (reason !== undefined) return reason
    // Stale: remove it only if nobody replaced it meanwhile, then race for it like everyone else.
    if ((await readOrUndefined(path)) === text) await Deno.remove(path).catch(() => undefined)
  }
  return "a lock that keeps changing hands"
}

/** Holds the lock file for `id` until the Scope closes. @category constructors */
export const acquire = (
  directory: string,
  id: string
): Effect.Effect<void, CheckpointLocked | CheckpointStoreError, Scope.Scope> => {
  const attempt = Effect.tryPromise({
    try: async () => {
      const path = `${directory}/${encodeFileName(id)}.lock`
      const token = crypto.randomUUID() // per run: re-running the same Effect never reuses a token
      const mine = { pid: Deno.pid, hostname: thisHost(), acquiredAtMs: Date.now(), token }
      return { path, token, heldBy: await tryAcquire(directory, path, JSON.stringify(mine)) }
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
      const text = await readOrUndefined(path)
      const holder = text === undefined ? Option.none() : decodeHolder(text)
      if (Option.isSome(holder) && holder.value.token === token) await Deno.remove(path)
    }).pipe(Effect.ignore)
  return Effect.asVoid(Effect.acquireRelease(attempt, release))
}
