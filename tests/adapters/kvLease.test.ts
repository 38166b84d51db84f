/**
 * A reloaded page must not be locked out of its own checkpoint: two "pages" (each its own `KeyValueStore` over
 * `layerStorage`, and its own event target standing for `window`) share one fake `localStorage`. Page A locks a
 * checkpoint and dies without closing its scope, as a reloaded page does; page B is refused until A's `pagehide`
 * (through the browser bundle's PagehideRelease layer) drops A's lease, and then locks it at once.
 */
import { assert, describe, it } from "@effect/vitest"
import * as Context from "effect/Context"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import * as KeyValueStore from "effect/persistence/KeyValueStore"
import * as Scope from "effect/Scope"
import * as PagehideRelease from "../../adapters/browser/PagehideRelease.ts"
import * as KvCheckpointStore from "../../adapters/portable/KvCheckpointStore.ts"
import { CheckpointStore } from "../../core/ports/CheckpointStore.ts"

/** The synchronous `Storage` API over a Map, like one origin's `localStorage`. */
class FakeStorage implements Storage {
  readonly #items = new Map<string, string>()
  get length() {
    return this.#items.size
  }
  key(index: number) {
    return [...this.#items.keys()][index] ?? null
  }
  getItem(key: string) {
    return this.#items.get(key) ?? null
  }
  setItem(key: string, value: string) {
    this.#items.set(key, String(value))
  }
  removeItem(key: string) {
    this.#items.delete(key)
  }
  clear() {
    this.#items.clear()
  }
  keys() {
    return [...this.#items.keys()]
  }
}

/** One page: its checkpoint store and pagehide listener over the shared storage, built in `scope`. */
const openPage = (storage: Storage, window: EventTarget, scope: Scope.Scope) => {
  const checkpoints = Layer.merge(
    KvCheckpointStore.layer({ persistent: true, prefix: "app/", leaseTtlMs: 30_000 }),
    PagehideRelease.layer(window)
  ).pipe(Layer.provide(KeyValueStore.layerStorage(() => storage)))
  return Effect.map(Layer.buildWithScope(checkpoints, scope), Context.get(CheckpointStore))
}

describe("KvCheckpointStore leases across page loads (browser bundle)", () => {
  it.effect("a dead page's lease blocks the next page until its pagehide releases it", () =>
    Effect.gen(function* () {
      const storage = new FakeStorage()
      const [windowA, windowB] = [new EventTarget(), new EventTarget()]
      const pageAScope = yield* Scope.make() // never closed: page A is reloaded, not shut down
      const pageA = yield* openPage(storage, windowA, pageAScope)
      const pageB = yield* openPage(storage, windowB, yield* Scope.make())
      yield* Scope.provide(pageA.lock("upload-1"), pageAScope)
      yield* Scope.provide(pageA.lock("upload-2"), pageAScope)
      assert.deepStrictEqual(storage.keys().sort(), ["app/lock/upload-1", "app/lock/upload-2"])

      const refused = yield* Effect.flip(Effect.scoped(pageB.lock("upload-1")))
      assert.strictEqual(refused._tag, "CheckpointLocked")
      windowB.dispatchEvent(new Event("pagehide")) // B holds nothing: its pagehide must not touch A's leases
      assert.strictEqual(storage.keys().length, 2)

      windowA.dispatchEvent(new Event("pagehide")) // synchronous: the leases are gone when it returns
      assert.deepStrictEqual(storage.keys(), [])
      yield* Effect.scoped(pageB.lock("upload-1")) // at once: no TestClock advance, no TTL waited
      yield* Effect.scoped(pageB.lock("upload-2"))
    })
  )

  it.effect("pagehide leaves alone a lease another page took over, and a page without pagehide still works", () =>
    Effect.gen(function* () {
      const storage = new FakeStorage()
      const windowA = new EventTarget()
      const pageAScope = yield* Scope.make()
      const pageA = yield* openPage(storage, windowA, pageAScope)
      yield* Scope.provide(pageA.lock("job"), pageAScope)
      // Page A's lease lapsed (a frozen tab) and page C took it over.
      const foreign = JSON.stringify({ owner: "page-c", expiresAtMs: Number.MAX_SAFE_INTEGER })
      storage.setItem("app/lock/job", foreign)
      windowA.dispatchEvent(new Event("pagehide"))
      assert.strictEqual(storage.getItem("app/lock/job"), foreign)

      // A worker-like global without addEventListener: the layer builds and does nothing.
      const worker = Layer.merge(KvCheckpointStore.layer({ persistent: true }), PagehideRelease.layer({})).pipe(
        Layer.provide(KeyValueStore.layerStorage(() => new FakeStorage()))
      )
      yield* Effect.scoped(Layer.build(worker))
    })
  )
})
