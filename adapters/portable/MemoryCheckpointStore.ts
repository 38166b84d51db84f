/**
 * A {@link CheckpointStore} that lives in this process only (`persistent: false`): tests, the simulator, and
 * uploads that must not leave resume state behind. The engine aborts a failed upload instead of keeping its parts.
 *
 * The lock is a set of held ids; Effect runs the check-and-add synchronously, so no two fibers can both win.
 *
 * @since 0.1.0
 */

import {
  CheckpointLocked,
  type CheckpointStorage,
  CheckpointStore,
  CheckpointStoreError,
  type CheckpointStoreShape,
  make as makeStore
} from "@resumable-upload/core/ports/CheckpointStore"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"

/** The raw text primitives, exported so the simulator can wrap `set` to inject torn or lost writes. @category constructors */
export const makeStorage = (): CheckpointStorage => {
  const texts = new Map<string, string>()
  const held = new Set<string>()
  return {
    persistent: false,
    get: (id) => Effect.sync(() => texts.get(id)),
    set: (id, text) => Effect.sync(() => void texts.set(id, text)),
    // V8 concatenates strings as ropes, so appending costs O(text), not O(what is stored).
    append: (id, text) =>
      Effect.suspend(() => {
        const before = texts.get(id)
        if (before === undefined) {
          return Effect.fail(
            new CheckpointStoreError({ method: "save", checkpointId: id, message: `no checkpoint ${id} to append to` })
          )
        }
        texts.set(id, before + text)
        return Effect.void
      }),
    remove: (id) => Effect.sync(() => void texts.delete(id)),
    // Sorted so listings are deterministic (simulator replays compare them).
    ids: Effect.sync(() => [...texts.keys()].sort()),
    lock: (id) =>
      Effect.acquireRelease(
        Effect.suspend(() => {
          if (held.has(id)) {
            return Effect.fail(
              new CheckpointLocked({ checkpointId: id, message: `checkpoint ${id} is locked in this process` })
            )
          }
          held.add(id)
          return Effect.void
        }),
        () => Effect.sync(() => void held.delete(id))
      )
  }
}

/** @category constructors */
export const make = (): CheckpointStoreShape => makeStore(makeStorage())

/** A fresh, empty store per layer build. @category layers */
export const layer: Layer.Layer<CheckpointStore> = Layer.sync(CheckpointStore, make)
