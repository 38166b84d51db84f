/**
 * One `KeyValueStore` made of two: lock leases (`<prefix>lock/…`) in a synchronous store (`localStorage`), all else
 * (checkpoints) in a large asynchronous one (IndexedDB). The leases are tiny and must be freed inside `pagehide`,
 * where only synchronous work finishes ({@link ./PagehideRelease.ts}); the checkpoints need room. The checkpoint
 * store sees one store and cannot tell.
 *
 * @since 0.2.0
 */
import * as Effect from "effect/Effect"
import * as KeyValueStore from "effect/persistence/KeyValueStore"

/** @category constructors */
export const make = (
  leasePrefix: string,
  leases: KeyValueStore.KeyValueStore,
  data: KeyValueStore.KeyValueStore
): KeyValueStore.KeyValueStore => {
  const pick = (key: string) => (key.startsWith(leasePrefix) ? leases : data)
  const leaseKeys = Effect.map(leases.keys, (keys) => keys.filter((k) => k.startsWith(leasePrefix)))
  return KeyValueStore.makeStringOnly({
    get: (key) => pick(key).get(key),
    set: (key, value) => pick(key).set(key, value),
    remove: (key) => pick(key).remove(key),
    // Only this store's own entries: the lease store is the whole origin's localStorage.
    clear: Effect.andThen(
      Effect.flatMap(leaseKeys, (keys) => Effect.forEach(keys, (k) => leases.remove(k), { discard: true })),
      data.clear
    ),
    size: Effect.map(Effect.all([leaseKeys, data.size]), ([own, n]) => own.length + n),
    keys: Effect.map(Effect.all([leaseKeys, data.keys]), ([own, rest]) => [...own, ...rest])
  })
}
