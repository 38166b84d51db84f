/**
 * The browser services layer: the portable hasher and a checkpoint store over IndexedDB, `localStorage` or memory.
 * The ObjectStore is not included: the caller picks the store and merges its layer with this one.
 *
 * With `"indexedDB"` (`upload()`'s default where IndexedDB exists) checkpoints go to IndexedDB
 * ({@link ./IndexedDbKeyValueStore.ts}: asynchronous, no 5 MiB ceiling) and only the small lock leases stay in
 * `localStorage` ({@link ./LeaseRoutedKeyValueStore.ts}), so `pagehide` can still free them synchronously; in a worker
 * (no `localStorage`) the leases go to IndexedDB too.
 *
 * With `localStorage` (the default) checkpoints survive a reload, so picking the same file again resumes; the lock
 * is a lease that other tabs honour (see KvCheckpointStore), given up on `pagehide` so a reloaded page resumes at
 * once (PagehideRelease.ts). With `"memory"` nothing outlives the page, and the engine aborts a failed upload
 * instead of leaving parts behind.
 *
 * **Gotchas**: `localStorage` is synchronous, per origin and small (about 5 MiB): a 10,000-part checkpoint is about
 * 1.2 MB. It is read only when the layer is used, so the bundle also loads in a worker, as long as the worker
 * asks for `"memory"`. A background tab frozen longer than the lease TTL loses its lock silently.
 *
 * @since 0.1.0
 */

import type { CheckpointStore } from "@resumable-upload/core/ports/CheckpointStore"
import type { Hasher } from "@resumable-upload/core/ports/Hasher"
import * as KvCheckpointStore from "@resumable-upload/portable/KvCheckpointStore"
import * as PortableHasher from "@resumable-upload/portable/PortableHasher"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import * as KeyValueStore from "effect/persistence/KeyValueStore"
import * as IndexedDbKeyValueStore from "./IndexedDbKeyValueStore.ts"
import * as LeaseRoutedKeyValueStore from "./LeaseRoutedKeyValueStore.ts"
import * as PagehideRelease from "./PagehideRelease.ts"

/** @category models */
export interface BrowserBundleOptions {
  /**
   * Default `"localStorage"` here (`upload()` defaults to `"indexedDB"` where it exists); `"indexedDB"` and
   * `"localStorage"` persist, `"memory"` keeps checkpoints for this page only.
   */
  readonly storage?: "indexedDB" | "localStorage" | "memory"
  /** Key prefix in the storage; default `"resumable-upload/"`, since `localStorage` is shared by the whole origin. */
  readonly prefix?: string
  /**
   * How long a lease outlives a page that vanished without `pagehide` (a crashed tab), and how long a tab frozen in
   * the background keeps its lock; renewed every third of it. Default 30 s.
   */
  readonly leaseTtlMs?: number
}

/** Hasher + CheckpointStore; add an ObjectStore layer to run uploads. @category layers */
export const layer = (options: BrowserBundleOptions = {}): Layer.Layer<Hasher | CheckpointStore> => {
  const storage = options.storage ?? "localStorage"
  const { prefix = "resumable-upload/", leaseTtlMs } = options
  const kvOptions = { persistent: storage !== "memory", prefix, ...(leaseTtlMs === undefined ? {} : { leaseTtlMs }) }
  const persistentWith = (kv: Layer.Layer<KeyValueStore.KeyValueStore>) =>
    Layer.merge(KvCheckpointStore.layer(kvOptions), PagehideRelease.layer()).pipe(Layer.provide(kv))
  const checkpoints =
    storage === "memory"
      ? KvCheckpointStore.layer(kvOptions).pipe(Layer.provide(KeyValueStore.layerMemory))
      : storage === "localStorage"
        ? persistentWith(KeyValueStore.layerStorage(() => localStorage))
        : persistentWith(indexedDbStore(prefix))
  return Layer.mergeAll(PortableHasher.layer, checkpoints)
}

/** Whether this runtime has IndexedDB (pages and workers do; Node does not). @category utils */
export const hasIndexedDb = (): boolean => IndexedDbKeyValueStore.globalIndexedDb() != null

const indexedDbStore = (prefix: string): Layer.Layer<KeyValueStore.KeyValueStore> =>
  typeof localStorage === "undefined"
    ? Layer.sync(KeyValueStore.KeyValueStore, () => IndexedDbKeyValueStore.make())
    : Layer.effect(
        KeyValueStore.KeyValueStore,
        Effect.gen(function* () {
          const leases = yield* KeyValueStore.KeyValueStore
          return LeaseRoutedKeyValueStore.make(`${prefix}lock/`, leases, IndexedDbKeyValueStore.make())
        })
      ).pipe(Layer.provide(KeyValueStore.layerStorage(() => localStorage)))
