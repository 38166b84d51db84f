/**
 * Frees this page's checkpoint leases when the page goes away. A reload or a closed tab never closes the upload's
 * scope, so without this the lease in `localStorage` would keep the reloaded page (or another tab) out with
 * `CheckpointLocked` until it expired, up to one lease TTL later. `pagehide` fires on every way out that still
 * runs script (reload, navigation, closing the tab, entering the back/forward cache); `localStorage` is synchronous,
 * so the leases are gone before the event returns.
 *
 * A worker has no `pagehide` (and no `localStorage`), and a runtime without `addEventListener` gets nothing: the
 * listener is added only when the layer is built, never at import.
 *
 * @since 0.1.0
 */

import * as KvCheckpointStore from "@resumable-upload/portable/KvCheckpointStore"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import * as KeyValueStore from "effect/persistence/KeyValueStore"

/** The part of `window` this needs. @category models */
export interface PageEvents {
  readonly addEventListener?: (type: "pagehide", listener: () => void) => void
  readonly removeEventListener?: (type: "pagehide", listener: () => void) => void
}

/** Releases the leases held through the layer's `KeyValueStore` on `events`' `pagehide`. @category layers */
export const layer = (
  events: PageEvents = globalThis as PageEvents
): Layer.Layer<never, never, KeyValueStore.KeyValueStore> =>
  Layer.effectDiscard(
    Effect.gen(function* () {
      const { addEventListener: add, removeEventListener: remove } = events
      if (typeof add !== "function" || typeof remove !== "function") return
      const kv = yield* KeyValueStore.KeyValueStore
      // Exit, not throw: an event listener has nobody to report to, and a failed removal only means waiting a TTL.
      const onPagehide = () => void Effect.runSyncExit(KvCheckpointStore.releaseLeases(kv))
      yield* Effect.acquireRelease(
        Effect.sync(() => add.call(events, "pagehide", onPagehide)),
        () => Effect.sync(() => remove.call(events, "pagehide", onPagehide))
      )
    })
  )
