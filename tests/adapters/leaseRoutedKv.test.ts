/**
 * The browser's two-part checkpoint storage (adapters/browser/LeaseRoutedKeyValueStore.ts): leases in the
 * synchronous store, checkpoints in the other, one store to the checkpoint store. Runs the CheckpointStore contract
 * over it (two memory stores standing in for localStorage and IndexedDB) and checks the routing itself; IndexedDB
 * proper is exercised in Chromium (tests/browser/presignedIndexedDb.test.ts).
 */
import { assert, describe, it } from "@effect/vitest"
import * as Effect from "effect/Effect"
import * as KeyValueStore from "effect/persistence/KeyValueStore"
import * as LeaseRoutedKeyValueStore from "../../adapters/browser/LeaseRoutedKeyValueStore.ts"
import * as KvCheckpointStore from "../../adapters/portable/KvCheckpointStore.ts"
import { checkpointStoreContract, layerFromStorage } from "../contracts/CheckpointStoreContract.ts"

const prefix = "checkpoint/"
const twoStores = Effect.gen(function* () {
  const memory = Effect.provide(
    Effect.gen(function* () {
      return yield* KeyValueStore.KeyValueStore
    }),
    KeyValueStore.layerMemory
  )
  const leases = yield* memory
  const data = yield* memory
  return { leases, data, routed: LeaseRoutedKeyValueStore.make(`${prefix}lock/`, leases, data) }
})

checkpointStoreContract("kv over leases + data stores", () =>
  layerFromStorage(
    Effect.map(twoStores, ({ routed }) => KvCheckpointStore.makeStorage(routed, { persistent: true, prefix }))
  )
)

describe("LeaseRoutedKeyValueStore", () => {
  it.effect("puts a held lease in the lease store and the checkpoint in the data store", () =>
    Effect.gen(function* () {
      const { leases, data, routed } = yield* twoStores
      const storage = KvCheckpointStore.makeStorage(routed, { persistent: true, prefix })
      yield* Effect.scoped(
        Effect.gen(function* () {
          yield* storage.lock("upload-1")
          yield* storage.set("upload-1", "{}")
          assert.deepStrictEqual(yield* leases.keys, [`${prefix}lock/upload-1`])
          assert.deepStrictEqual(yield* data.keys, [`${prefix}data/upload-1`])
          assert.strictEqual((yield* routed.keys).length, 2)
        })
      )
      assert.deepStrictEqual(yield* leases.keys, [])
    })
  )

  it.effect("clear removes only its own leases from a shared lease store", () =>
    Effect.gen(function* () {
      const { leases, data, routed } = yield* twoStores
      yield* leases.set("someone-else", "x")
      yield* routed.set(`${prefix}lock/a`, "lease")
      yield* routed.set(`${prefix}data/a`, "checkpoint")
      yield* routed.clear
      assert.deepStrictEqual(yield* leases.keys, ["someone-else"])
      assert.strictEqual(yield* data.size, 0)
    })
  )
})
