/**
 * The browser services layer: the portable hasher and a checkpoint store over `localStorage` (or memory). The
 * ObjectStore is not included: the caller picks the store and merges its layer with this one.
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
import * as Layer from "effect/Layer"
import * as KeyValueStore from "effect/persistence/KeyValueStore"
import * as PagehideRelease from "./PagehideRelease.ts"

/** @category models */
export interface BrowserBundleOptions {
  /** Default `"localStorage"` (persistent); `"memory"` keeps checkpoints for this page only. */
  readonly storage?: "localStorage" | "memory"
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
  const persistent = (options.storage ?? "localStorage") === "localStorage"
  const { prefix = "resumable-upload/", leaseTtlMs } = options
  const kvOptions = { persistent, prefix, ...(leaseTtlMs === undefined ? {} : { leaseTtlMs }) }
  const checkpoints = persistent
    ? Layer.merge(KvCheckpointStore.layer(kvOptions), PagehideRelease.layer()).pipe(
        Layer.provide(KeyValueStore.layerStorage(() => localStorage))
      )
    : KvCheckpointStore.layer(kvOptions).pipe(Layer.provide(KeyValueStore.layerMemory))
  return Layer.mergeAll(PortableHasher.layer, checkpoints)
}
