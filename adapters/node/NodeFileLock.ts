/**
 * An exclusive, cross-process lock for one checkpoint id on Node: the file `<dir>/<encoded id>.lock`, created with
 * `O_EXCL` (flag `"wx"`) and holding `{ pid, hostname, acquiredAtMs, token }`. Removed when the Scope closes.
 *
 * A lock left by a dead process (SIGKILL, power loss) is taken over when its pid no longer exists on this host
 * (`process.kill(pid, 0)` throws `ESRCH`) or when it predates the last boot. A lock from another host is always
 * honoured: its liveness cannot be checked from here.
 *
 * **Gotchas**: timestamps use the wall clock (`Date.now`), not Effect's `Clock`: the file is read by other
 * processes, and a TestClock's time 0 would look older than the boot and be stolen. A reused pid makes a stale
 * lock look alive (remove the file by hand). Taking over a stale lock is remove-if-unchanged then re-create, so
 * two processes taking over the same stale lock at the same instant can, rarely, both succeed. Same-process
 * callers are refused too (the pid is ours and alive), which is what the engine wants.
 *
 * @since 0.1.0
 */
import { randomUUID } from "node:crypto"
import { mkdir, readFile, rm, stat, writeFile } from "node:fs/promises"
import { hostname, uptime } from "node:os"
import { join } from "node:path"
import * as Effect from "effect/Effect"
import * as Option from "effect/Option"
import * as Schema from "effect/Schema"
import type * as Scope from "effect/Scope"
import { CheckpointLocked, CheckpointStoreError } from "../../core/ports/CheckpointStore.ts"
import { encodeFileName } from "./NodeFileKeyValueStore.ts"

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

/** Where the lock for `id` lives; throws a `URIError` for ids with lone surrogates. @category utils */
export const lockFilePath = (directory: string, id: string): string => join(directory, `${encodeFileName(id)}.lock`)

const codeOf = (cause: unknown) => (cause as { code?: unknown } | null)?.code
const readOrUndefined = (path: string) =>
  readFile(path, "utf8").catch((cause) => (codeOf(cause) === "ENOENT" ? undefined : Promise.reject(cause)))

const isAlive = (pid: number): boolean => {
  try {
    process.kill(pid, 0) // signal 0: existence check only
    return true
  } catch (cause) {
    return codeOf(cause) !== "ESRCH" // EPERM: alive, owned by another user
  }
}

/** `undefined` when the lock is stale (may be taken over), otherwise why it is held. */
const heldBecause = async (path: string, text: string): Promise<string | undefined> => {
  const holder = decodeHolder(text)
  if (Option.isNone(holder)) {
    const ageMs = await stat(path).then(
      (s) => Date.now() - s.mtimeMs,
      () => 0
    )
    return ageMs > unreadableGraceMs ? undefined : "an unreadable lock file (being written?)"
  }
  const { pid, hostname: host, acquiredAtMs } = holder.value
  const by = `pid ${pid} on ${host} since ${new Date(acquiredAtMs).toISOString()}`
  if (host !== hostname()) return by
  if (acquiredAtMs < Date.now() - uptime() * 1000 - 60_000) return undefined // from before the last boot
  return isAlive(pid) ? by : undefined // our own pid is alive too: same-process callers are refused
}

const tryAcquire = async (directory: string, path: string, mine: Holder): Promise<string | undefined> => {
  await mkdir(directory, { recursive: true })
  for (let attempt = 0; attempt < 3; attempt++) {
    try {
      await writeFile(path, JSON.stringify(mine), { flag: "wx" })
      return undefined
    } catch (cause) {
      if (codeOf(cause) !== "EEXIST") throw cause
    }
    const text = await readOrUndefined(path)
    if (text === undefined) continue // released in between: try again
    const reason = await heldBecause(path, text)
    if (reason !== undefined) return reason
    // Stale: remove it only if nobody replaced it meanwhile, then race for it like everyone else.
    if ((await readOrUndefined(path)) === text) await rm(path, { force: true })
  }
  return "a lock that keeps changing hands"
}

/** Holds the lock until the Scope closes. @category constructors */
export const acquire = (
  directory: string,
  id: string
): Effect.Effect<void, CheckpointLocked | CheckpointStoreError, Scope.Scope> => {
  const attempt = Effect.tryPromise({
    try: async () => {
      const path = lockFilePath(directory, id)
      const token = randomUUID() // per run: re-running the same Effect never reuses a token
      const mine: Holder = { pid: process.pid, hostname: hostname(), acquiredAtMs: Date.now(), token }
      return { path, token, heldBy: await tryAcquire(directory, path, mine) }
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
      if (Option.isSome(holder) && holder.value.token === token) await rm(path, { force: true })
    }).pipe(Effect.ignore)
  return Effect.asVoid(Effect.acquireRelease(attempt, release))
}
