/**
 * The behaviour every CheckpointStore adapter must show, run once per adapter by tests/adapters.
 *
 * Corrupt listings need text the codec would never write, so the layer under test also provides
 * {@link RawCheckpointText}, a back door to the adapter's own `CheckpointStorage.set`; {@link layerFromStorage}
 * builds both services from one storage.
 */
import { assert, describe, it } from "@effect/vitest"
import * as Context from "effect/Context"
import * as Effect from "effect/Effect"
import * as Exit from "effect/Exit"
import * as Layer from "effect/Layer"
import * as Scope from "effect/Scope"
import * as Checkpoint from "../../core/Checkpoint.ts"
import * as Crc64 from "../../core/Crc64.ts"
import {
  type CheckpointStorage,
  CheckpointStore,
  type ListedCheckpoint,
  make as makeStore
} from "../../core/ports/CheckpointStore.ts"
import * as Utf8 from "../../core/Utf8.ts"

/** Writes text as-is, bypassing the codec. */
export class RawCheckpointText extends Context.Service<
  RawCheckpointText,
  {
    readonly write: (id: string, text: string) => Effect.Effect<void, unknown>
  }
>()("tests/RawCheckpointText") {}

/** Both services over one storage, built per layer build. */
export const layerFromStorage = <E, R>(
  storage: Effect.Effect<CheckpointStorage, E, R>
): Layer.Layer<CheckpointStore | RawCheckpointText, E, R> =>
  Layer.effectContext(
    Effect.map(storage, (s) =>
      Context.make(CheckpointStore, makeStore(s)).pipe(Context.add(RawCheckpointText, { write: s.set }))
    )
  )

const crcOf = (text: string) => Crc64.toDecimal(Crc64.compute(Utf8.encode(text)))

/** A realistic checkpoint: 3 of 4 parts done, out of order as a parallel upload would record them. */
export const sampleCheckpoint = (uploadId = "0004B9894A22E5B1888A1E29F8236E2D"): Checkpoint.Checkpoint => ({
  dialect: "oss",
  endpointId: "oss-cn-hangzhou",
  bucket: "photos",
  key: "2026/holiday/video.mp4",
  uploadId,
  source: {
    name: "/home/me/video.mp4",
    sizeBytes: 20_971_521,
    lastModifiedMs: 1_790_000_000_123,
    sampleCrc64: crcOf("sample")
  },
  partSizeBytes: 5 * 1024 * 1024,
  parts: [
    { partNumber: 3, sizeBytes: 5 * 1024 * 1024, etag: '"C3"', crc64: crcOf("part 3") },
    { partNumber: 1, sizeBytes: 5 * 1024 * 1024, etag: '"A1"', crc64: "18446744073709551615" },
    { partNumber: 2, sizeBytes: 5 * 1024 * 1024, etag: '"B2"', crc64: "0" }
  ],
  createdAtMs: 1_790_000_100_000,
  updatedAtMs: 1_790_000_200_000
})

const sorted = (checkpoint: Checkpoint.Checkpoint): Checkpoint.Checkpoint => ({
  ...checkpoint,
  parts: [...checkpoint.parts].sort((a, b) => a.partNumber - b.partNumber)
})

const summary = (listed: ReadonlyArray<ListedCheckpoint>) =>
  [...listed]
    .sort((a, b) => (a.id < b.id ? -1 : 1))
    .map((x) => (x._tag === "Valid" ? `${x.id}:Valid:${x.checkpoint.uploadId}` : `${x.id}:Corrupt:${x.error.reason}`))

export const checkpointStoreContract = (
  name: string,
  makeLayer: () => Layer.Layer<CheckpointStore | RawCheckpointText>
) =>
  describe(`CheckpointStore contract: ${name}`, () => {
    const withStore = <A, E>(f: (store: CheckpointStore["Service"]) => Effect.Effect<A, E, RawCheckpointText>) =>
      Effect.flatMap(CheckpointStore, f).pipe(Effect.provide(makeLayer()))

    it.effect("load of a missing id is undefined", () =>
      withStore((store) =>
        Effect.gen(function* () {
          assert.isUndefined(yield* store.load("missing"))
          assert.deepStrictEqual(yield* store.list, [])
        })
      )
    )

    it.effect("save then load round-trips (parts come back in ascending order)", () =>
      withStore((store) =>
        Effect.gen(function* () {
          yield* store.save("job-1", sampleCheckpoint())
          assert.deepStrictEqual(yield* store.load("job-1"), sorted(sampleCheckpoint()))
        })
      )
    )

    it.effect("save replaces the previous checkpoint", () =>
      withStore((store) =>
        Effect.gen(function* () {
          yield* store.save("job-1", sampleCheckpoint("first"))
          const second = { ...sampleCheckpoint("second"), parts: [] }
          yield* store.save("job-1", second)
          assert.deepStrictEqual(yield* store.load("job-1"), second)
          assert.deepStrictEqual(summary(yield* store.list), ["job-1:Valid:second"])
        })
      )
    )

    it.effect("remove deletes; removing a missing id is fine", () =>
      withStore((store) =>
        Effect.gen(function* () {
          yield* store.save("job-1", sampleCheckpoint())
          yield* store.remove("job-1")
          assert.isUndefined(yield* store.load("job-1"))
          yield* store.remove("job-1")
          yield* store.remove("never-existed")
          assert.deepStrictEqual(yield* store.list, [])
        })
      )
    )

    it.effect("list reports valid and corrupt entries; load of a corrupt one fails typed", () =>
      withStore((store) =>
        Effect.gen(function* () {
          const raw = yield* RawCheckpointText
          yield* store.save("good", sampleCheckpoint("good-upload"))
          yield* raw.write("torn", '{"format":"resumable-upload.checkpoint","vers')
          // A real envelope whose body was edited after the checksum was computed.
          const edited = Checkpoint.encode(sampleCheckpoint("original")).replace('"original"', '"edited"')
          yield* raw.write("edited", edited)
          assert.deepStrictEqual(summary(yield* store.list), [
            "edited:Corrupt:ChecksumMismatch",
            "good:Valid:good-upload",
            "torn:Corrupt:NotJson"
          ])
          const error = yield* Effect.flip(store.load("torn"))
          assert.strictEqual(error._tag, "CheckpointCorrupt")
        })
      )
    )

    it.effect("ids with separators, dots, unicode and the empty string round-trip", () =>
      withStore((store) =>
        Effect.gen(function* () {
          const ids = ["a/b", "../x", "..", ".", "", "Ünïcødé 日本", "UPPER", "upper", "lock/x", "data/y"]
          for (const id of ids) yield* store.save(id, sampleCheckpoint(`u-${id}`))
          for (const id of ids) assert.strictEqual((yield* store.load(id))?.uploadId, `u-${id}`)
          assert.deepStrictEqual(
            summary(yield* store.list),
            [...ids].sort().map((id) => `${id}:Valid:u-${id}`)
          )
        })
      )
    )

    it.effect("lock excludes a second holder until the scope closes, then is free again", () =>
      withStore((store) =>
        Effect.gen(function* () {
          const scope = yield* Scope.make()
          yield* Scope.provide(store.lock("job-1"), scope)
          const second = yield* Effect.flip(Effect.scoped(store.lock("job-1")))
          assert.strictEqual(second._tag, "CheckpointLocked")
          // Other ids are independent.
          yield* Effect.scoped(store.lock("job-2"))
          yield* Scope.close(scope, Exit.void)
          yield* Effect.scoped(store.lock("job-1"))
          yield* Effect.scoped(store.lock("job-1")) // and again: release really released
        })
      )
    )
  })
