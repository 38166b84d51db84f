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
    /** The stored text as the adapter assembles it (snapshot and journal). */
    readonly read: (id: string) => Effect.Effect<string | undefined, unknown>
  }
>()("tests/RawCheckpointText") {}

/** Both services over one storage, built per layer build. */
export const layerFromStorage = <E, R>(
  storage: Effect.Effect<CheckpointStorage, E, R>
): Layer.Layer<CheckpointStore | RawCheckpointText, E, R> =>
  Layer.effectContext(
    Effect.map(storage, (s) =>
      Context.make(CheckpointStore, makeStore(s)).pipe(Context.add(RawCheckpointText, { write: s.set, read: s.get }))
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

/** A checkpoint of the current single-file format (version 1), written by the code before the journal. */
export const version1Text =
  '{"format":"resumable-upload.checkpoint","version":1,"crc64":"14578311922641483599","body":{"dialect":"oss","endpointId":"oss-cn-hangzhou","bucket":"photos","key":"2026/holiday/video.mp4","uploadId":"UPLOAD-V1","source":{"name":"/home/me/video.mp4","sizeBytes":20971521,"lastModifiedMs":1790000000123,"sampleCrc64":"3282521279645520014"},"partSizeBytes":5242880,"parts":[{"partNumber":1,"sizeBytes":5242880,"etag":"\\"A1\\"","crc64":"18446744073709551615"},{"partNumber":2,"sizeBytes":5242880,"etag":"\\"B2\\"","crc64":"0"},{"partNumber":3,"sizeBytes":5242880,"etag":"\\"C3\\"","crc64":"5176089536477648567"}],"createdAtMs":1790000100000,"updatedAtMs":1790000200000}}'

/** A checkpoint of many small parts, none done yet, and its n-th part record. */
const manyParts = (uploadId = "many"): Checkpoint.Checkpoint => ({
  ...sampleCheckpoint(uploadId),
  source: { ...sampleCheckpoint().source, sizeBytes: 10_000 * 1024 },
  partSizeBytes: 1024,
  parts: []
})
const partRecord = (n: number, etag = `"E${n}"`): Checkpoint.PartRecord => ({
  partNumber: n,
  sizeBytes: 1024,
  etag,
  crc64: String(n)
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

    it.effect("a version 1 checkpoint (written before the journal) loads, and takes parts after a save", () =>
      withStore((store) =>
        Effect.gen(function* () {
          const raw = yield* RawCheckpointText
          yield* raw.write("old", version1Text)
          const loaded = yield* store.load("old")
          assert.deepStrictEqual(loaded, sorted(sampleCheckpoint("UPLOAD-V1")))
          if (loaded === undefined) return
          yield* store.save("old", loaded) // what a resumed run does first: the file becomes version 2
          yield* store.savePart("old", { partNumber: 4, sizeBytes: 1, etag: '"D4"', crc64: "4" }, 1_790_000_300_000)
          const resumed = yield* store.load("old")
          assert.deepStrictEqual(
            resumed?.parts.map((p) => p.partNumber),
            [1, 2, 3, 4]
          )
          assert.strictEqual(resumed?.updatedAtMs, 1_790_000_300_000)
        })
      )
    )

    it.effect("savePart appends O(1) bytes per part, compacts, stays bounded, and load sees every part", () =>
      withStore((store) =>
        Effect.gen(function* () {
          const raw = yield* RawCheckpointText
          yield* store.save("job", manyParts())
          let previous = (yield* raw.read("job"))?.length ?? 0
          let appends = 0
          let largest = 0
          for (let n = 1; n <= 600; n++) {
            yield* store.savePart("job", partRecord(n), 1_790_000_300_000 + n)
            const length = (yield* raw.read("job"))?.length ?? 0
            if (length > previous) {
              assert.isBelow(length - previous, 300, `part ${n} added ${length - previous} characters`)
              appends++
            }
            largest = Math.max(largest, length)
            previous = length
          }
          assert.isAbove(appends, 500) // most parts are appended...
          assert.isBelow(appends, 600) // ...and some compact the journal into a snapshot
          // The journal never outgrows half the snapshot (or 64 records): the text stays under 1.5 snapshots.
          const all = Array.from({ length: 600 }, (_, i) => partRecord(i + 1))
          assert.isBelow(largest, 1.5 * Checkpoint.encode({ ...manyParts(), parts: all }).length + 64 * 300)
          const loaded = yield* store.load("job")
          assert.deepStrictEqual(loaded?.parts, all)
          assert.strictEqual(loaded?.updatedAtMs, 1_790_000_300_600)
        })
      )
    )

    it.effect("a record saved again wins; save drops the journal; remove drops it too", () =>
      withStore((store) =>
        Effect.gen(function* () {
          yield* store.save("job", manyParts())
          yield* store.savePart("job", partRecord(1), 1_790_000_300_000)
          yield* store.savePart("job", partRecord(1, '"again"'), 1_790_000_300_001)
          assert.deepStrictEqual((yield* store.load("job"))?.parts, [partRecord(1, '"again"')])
          yield* store.save("job", manyParts("second"))
          assert.deepStrictEqual(yield* store.load("job"), manyParts("second"))
          yield* store.savePart("job", partRecord(2), 1_790_000_300_002)
          yield* store.remove("job")
          assert.isUndefined(yield* store.load("job"))
          yield* store.save("job", manyParts("third"))
          assert.deepStrictEqual(yield* store.load("job"), manyParts("third"))
        })
      )
    )

    it.effect("a torn last record loses that part only; a damaged earlier one is CheckpointCorrupt", () =>
      withStore((store) =>
        Effect.gen(function* () {
          const raw = yield* RawCheckpointText
          yield* store.save("job", manyParts())
          for (let n = 1; n <= 3; n++) yield* store.savePart("job", partRecord(n), 1_790_000_300_000 + n)
          const text = (yield* raw.read("job")) ?? ""
          const lastRecord = text.lastIndexOf("\n")
          for (const cut of [lastRecord, lastRecord + 1, lastRecord + 20, text.length - 1]) {
            yield* raw.write("torn", text.slice(0, cut))
            assert.deepStrictEqual((yield* store.load("torn"))?.parts, [partRecord(1), partRecord(2)], `cut at ${cut}`)
          }
          const secondRecord = text.indexOf("\n", text.indexOf("\n") + 1)
          yield* raw.write("damaged", `${text.slice(0, secondRecord - 5)}x${text.slice(secondRecord - 4)}`)
          const error = yield* Effect.flip(store.load("damaged"))
          assert.strictEqual(error._tag === "CheckpointCorrupt" && error.reason, "ChecksumMismatch")
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
