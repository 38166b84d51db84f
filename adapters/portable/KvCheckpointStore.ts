/**
 * A {@link CheckpointStore} over Effect's `KeyValueStore` (`layerMemory`, `layerStorage(() => localStorage)` in a
 * browser, ...). Checkpoint snapshots live at `<prefix>data/<id>`, their journal at `<prefix>journal/<id>/<n>`, lock
 * leases at `<prefix>lock/<id>`, so a listing never mistakes a lease or a journal chunk for a checkpoint.
 *
 * A key-value store cannot append, so the journal is cut into chunks of {@link recordsPerChunk} records: appending
 * rewrites the current chunk only, O(1) per part, and the keys stay bounded (the port compacts the journal before
 * it holds more records than half of 10,000 parts, so at most 80 chunks). A snapshot write removes the chunks
 * after it; a crash in between leaves chunks whose records name the old snapshot, which reading ignores.
 *
 * The lock is an in-process table (exact; shared by all stores over the same `KeyValueStore` value) plus a lease
 * record `{ owner, expiresAtMs }`, renewed every third of its TTL, that other processes or tabs honour until it
 * expires: a crashed holder frees the checkpoint after at most one TTL.
 *
 * **Gotchas**: `KeyValueStore` has no compare-and-set, so the lease is best effort across processes: two claimants
 * reading "free" at the same instant can both write, and the read-back check only catches the slower one; a holder
 * paused longer than the TTL (a frozen background tab) loses it silently. `set` is only as atomic as the
 * underlying store (`layerFileSystem` is NOT; use NodeFileKeyValueStore on Node). A holder that dies without closing
 * its scopes (a reloaded page) keeps others out for a TTL unless it calls `releaseLeases` on its way out.
 *
 * @since 0.1.0
 */

import * as Port from "@resumable-upload/core/ports/CheckpointStore"
import * as Clock from "effect/Clock"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import * as Option from "effect/Option"
import * as KeyValueStore from "effect/persistence/KeyValueStore"
import * as Random from "effect/Random"
import * as Schema from "effect/Schema"

/** @category models */
export interface KvCheckpointStoreOptions {
  /** Whether the store outlives the process (true for localStorage or disk, false for `layerMemory`). */
  readonly persistent: boolean
  /** Defaults to `"checkpoint/"`. */
  readonly prefix?: string
  /** How long a lease outlives a silent holder. Defaults to 30 s. */
  readonly leaseTtlMs?: number
  /**
   * For a store that can append to a key's value in place, durably (FileKeyValueStore's `append`): the journal then
   * stays in the checkpoint's own key instead of chunk keys.
   */
  readonly appendInPlace?: (key: string, text: string) => Effect.Effect<void, KeyValueStore.KeyValueStoreError>
}

const decodeLease = Schema.decodeUnknownOption(
  Schema.fromJsonString(Schema.Struct({ owner: Schema.String, expiresAtMs: Schema.Number }))
)
/** Per `KeyValueStore` value: the lease keys this process holds, each with its owner token ("" while acquiring). */
const heldByKv = new WeakMap<KeyValueStore.KeyValueStore, Map<string, string>>()

/** Journal records per key: appending rewrites at most this many. @category constants */
export const recordsPerChunk = 64
/** Chunks read or removed per checkpoint, at most: 10,000 parts' journal, with room to spare. @category constants */
export const chunksMax = 160

/** The text primitives, exported so other adapters can reuse them with their own lock. @category constructors */
export const makeStorage = (
  kv: KeyValueStore.KeyValueStore,
  options: KvCheckpointStoreOptions
): Port.CheckpointStorage => {
  const { prefix = "checkpoint/", leaseTtlMs = 30_000 } = options
  const dataPrefix = `${prefix}data/`
  const chunkKey = (id: string, n: number) => `${prefix}journal/${id}/${n}`
  /** The chunk this process appends to, per id: its number, text and record count. */
  const tails = new Map<string, { index: number; text: string; records: number }>()
  const held = heldByKv.get(kv) ?? new Map<string, string>()
  heldByKv.set(kv, held)
  const storeError = (method: Port.CheckpointStoreError["method"], checkpointId: string) =>
    Effect.mapError(
      (cause: KeyValueStore.KeyValueStoreError) =>
        new Port.CheckpointStoreError({ method, checkpointId, message: cause.message, cause })
    )
  const locked = (checkpointId: string, message: string) => new Port.CheckpointLocked({ checkpointId, message })
  const readLease = (key: string) =>
    Effect.map(kv.get(key), (text) => (text === undefined ? Option.none() : decodeLease(text)))
  const writeLease = (key: string, owner: string) =>
    Effect.flatMap(Clock.currentTimeMillis, (now) =>
      kv.set(key, JSON.stringify({ owner, expiresAtMs: now + leaseTtlMs }))
    )

  const acquire = Effect.fnUntraced(function* (id: string, key: string) {
    if (held.has(key)) return yield* locked(id, `checkpoint ${id} is locked in this process`)
    held.set(key, "") // in the same synchronous step as the check, so a concurrent fiber fails fast
    const owner = `${(yield* Random.nextInt).toString(36)}.${(yield* Random.nextInt).toString(36)}`
    const lockError = storeError("lock", id)
    return yield* Effect.gen(function* () {
      const current = yield* lockError(readLease(key))
      // A lease that does not decode (torn write, foreign value) counts as free rather than locking forever.
      if (Option.isSome(current) && current.value.expiresAtMs > (yield* Clock.currentTimeMillis)) {
        return yield* locked(
          id,
          `checkpoint ${id} is leased by another uploader until ${new Date(current.value.expiresAtMs).toISOString()}`
        )
      }
      yield* lockError(writeLease(key, owner))
      const after = yield* lockError(readLease(key))
      if (Option.isNone(after) || after.value.owner !== owner)
        return yield* locked(id, `checkpoint ${id}: lost a race for the lease`)
      held.set(key, owner)
      return owner
    }).pipe(Effect.onError(() => Effect.sync(() => void held.delete(key))))
  })

  const renewLoop = Effect.fnUntraced(function* (key: string, owner: string) {
    while (true) {
      yield* Effect.sleep(leaseTtlMs / 3)
      const current = yield* readLease(key).pipe(Effect.orElseSucceed(() => Option.none()))
      if (Option.isSome(current) && current.value.owner !== owner) return // taken over after a lapse: do not fight
      yield* writeLease(key, owner).pipe(Effect.ignore) // a failed renewal is retried next tick
    }
  })

  const release = (key: string, owner: string) =>
    readLease(key).pipe(
      Effect.flatMap((current) =>
        Option.isSome(current) && current.value.owner === owner ? kv.remove(key) : Effect.void
      ),
      Effect.ignore,
      Effect.ensuring(Effect.sync(() => void held.delete(key)))
    )

  /** The journal chunks of `id` in order, up to the first missing one. */
  const chunks = Effect.fnUntraced(function* (id: string) {
    const texts: Array<string> = []
    for (let n = 0; n < chunksMax; n++) {
      const text = yield* kv.get(chunkKey(id, n))
      if (text === undefined) break
      texts.push(text)
    }
    return texts
  })
  const removeChunks = Effect.fnUntraced(function* (id: string) {
    const count = (yield* chunks(id)).length
    for (let n = 0; n < count; n++) yield* kv.remove(chunkKey(id, n))
    tails.delete(id)
  })
  const append = Effect.fnUntraced(function* (id: string, text: string) {
    // After a snapshot this process wrote, the tail is known; otherwise continue after the chunks already there.
    const tail = tails.get(id) ?? { index: (yield* storeError("save", id)(chunks(id))).length, text: "", records: 0 }
    if (tail.index >= chunksMax) {
      return yield* new Port.CheckpointStoreError({
        method: "save",
        checkpointId: id,
        message: `checkpoint ${id} has ${chunksMax} journal chunks, the limit; it should have been compacted`
      })
    }
    const next = { index: tail.index, text: tail.text + text, records: tail.records + 1 }
    yield* kv.set(chunkKey(id, next.index), next.text).pipe(storeError("save", id))
    tails.set(id, next.records >= recordsPerChunk ? { index: next.index + 1, text: "", records: 0 } : next)
  })

  const { appendInPlace } = options
  const journal: Pick<Port.CheckpointStorage, "get" | "set" | "append" | "remove"> =
    appendInPlace === undefined
      ? {
          get: (id) =>
            Effect.gen(function* () {
              const snapshot = yield* kv.get(dataPrefix + id)
              return snapshot === undefined ? undefined : snapshot + (yield* chunks(id)).join("")
            }).pipe(storeError("load", id)),
          set: (id, text) =>
            Effect.andThen(kv.set(dataPrefix + id, text), removeChunks(id)).pipe(
              Effect.tap(() => Effect.sync(() => void tails.set(id, { index: 0, text: "", records: 0 }))),
              storeError("save", id)
            ),
          append,
          remove: (id) => Effect.andThen(kv.remove(dataPrefix + id), removeChunks(id)).pipe(storeError("remove", id))
        }
      : {
          get: (id) => kv.get(dataPrefix + id).pipe(storeError("load", id)),
          set: (id, text) => kv.set(dataPrefix + id, text).pipe(storeError("save", id)),
          append: (id, text) => appendInPlace(dataPrefix + id, text).pipe(storeError("save", id)),
          remove: (id) => kv.remove(dataPrefix + id).pipe(storeError("remove", id))
        }

  return {
    persistent: options.persistent,
    ...journal,
    ids: kv.keys.pipe(
      Effect.map((keys) =>
        keys.flatMap((key) => (key.startsWith(dataPrefix) ? [key.slice(dataPrefix.length)] : [])).sort()
      ),
      storeError("list", "*")
    ),
    lock: (id) => {
      const key = `${prefix}lock/${id}`
      return Effect.acquireRelease(acquire(id, key), (owner) => release(key, owner)).pipe(
        Effect.flatMap((owner) => Effect.forkScoped(renewLoop(key, owner))), // interrupted before the release runs
        Effect.asVoid
      )
    }
  }
}

/**
 * Drops every lease this process holds through `kv` (not one another holder took over), for a holder about to
 * vanish without closing its scopes (a page on `pagehide`), so the next one need not wait a TTL. The locks stay
 * held: a holder that lives on after all (back/forward cache) writes its lease again at the next renewal.
 * Synchronous when `kv` is (`layerStorage` over `localStorage`), so it can run inside the event.
 *
 * @category utils
 */
export const releaseLeases = (kv: KeyValueStore.KeyValueStore): Effect.Effect<void> =>
  Effect.forEach(
    [...(heldByKv.get(kv) ?? [])],
    ([key, owner]) =>
      owner === ""
        ? Effect.void
        : kv.get(key).pipe(
            Effect.flatMap((text) =>
              Option.exists(text === undefined ? Option.none() : decodeLease(text), (lease) => lease.owner === owner)
                ? kv.remove(key)
                : Effect.void
            ),
            Effect.ignore
          ),
    { discard: true }
  )

/** @category constructors */
export const make = (kv: KeyValueStore.KeyValueStore, options: KvCheckpointStoreOptions): Port.CheckpointStoreShape =>
  Port.make(makeStorage(kv, options))

/** @category layers */
export const layer = (
  options: KvCheckpointStoreOptions
): Layer.Layer<Port.CheckpointStore, never, KeyValueStore.KeyValueStore> =>
  Layer.effect(
    Port.CheckpointStore,
    Effect.map(KeyValueStore.KeyValueStore, (kv) => make(kv, options))
  )
