/**
 * The checkpoint journal's codec (a snapshot, then one record per part) and the port's journaling: appends of one
 * record, compaction at the documented bound, stale records ignored, torn tails dropped at any cut.
 */
import { assert, describe, it } from "@effect/vitest"
import * as Effect from "effect/Effect"
import * as Exit from "effect/Exit"
import * as MemoryCheckpointStore from "../../adapters/portable/MemoryCheckpointStore.ts"
import * as Checkpoint from "../../core/Checkpoint.ts"
import * as CheckpointJournal from "../../core/CheckpointJournal.ts"
import * as CheckpointStore from "../../core/ports/CheckpointStore.ts"
import { sampleCheckpoint, version1Text } from "../contracts/CheckpointStoreContract.ts"

const base: Checkpoint.Checkpoint = {
  ...sampleCheckpoint("journal"),
  source: { ...sampleCheckpoint().source, sizeBytes: 10_000 * 1024 },
  partSizeBytes: 1024,
  parts: []
}
const part = (n: number, etag = `"E${n}"`): Checkpoint.PartRecord => ({
  partNumber: n,
  sizeBytes: 1024,
  etag,
  crc64: "7"
})
const decodeExit = (text: string) => Effect.runSyncExit(CheckpointJournal.decode("job", text))
const decoded = (text: string) => {
  const exit = decodeExit(text)
  return Exit.isSuccess(exit) ? exit.value : assert.fail(`decode failed: ${String(exit.cause)}`)
}

/** Memory storage that counts whole writes and appends. */
const counted = () => {
  const storage = MemoryCheckpointStore.makeStorage()
  const calls = { set: 0, append: 0 }
  const store = CheckpointStore.make({
    ...storage,
    set: (id, text) =>
      Effect.andThen(
        Effect.sync(() => calls.set++),
        storage.set(id, text)
      ),
    append: (id, text) =>
      Effect.andThen(
        Effect.sync(() => calls.append++),
        storage.append(id, text)
      )
  })
  return { storage, store, calls }
}

describe("CheckpointJournal codec", () => {
  it("a version 1 checkpoint of the code before the journal decodes as it was written", () => {
    assert.deepStrictEqual(decoded(version1Text), {
      ...sampleCheckpoint("UPLOAD-V1"),
      parts: [...sampleCheckpoint().parts].sort((a, b) => a.partNumber - b.partNumber)
    })
  })

  it("applies records in order: a later record of a part wins, updatedAtMs is the latest", () => {
    const { text, checksum } = Checkpoint.encodeSnapshot(base)
    const records = [part(2), part(1), part(2, '"again"')].map((p, i) =>
      CheckpointJournal.encodeRecord({ base: checksum, part: p, updatedAtMs: base.updatedAtMs + 10 - i })
    )
    const checkpoint = decoded(text + records.join(""))
    assert.deepStrictEqual(checkpoint.parts, [part(1), part(2, '"again"')])
    assert.strictEqual(checkpoint.updatedAtMs, base.updatedAtMs + 10)
  })

  it("drops a torn last record at every cut, and only that record", () => {
    const { text, checksum } = Checkpoint.encodeSnapshot(base)
    const first = CheckpointJournal.encodeRecord({ base: checksum, part: part(1), updatedAtMs: 1 })
    const last = CheckpointJournal.encodeRecord({ base: checksum, part: part(2), updatedAtMs: 2 })
    for (let cut = 0; cut < last.length; cut++) {
      assert.deepStrictEqual(decoded(text + first + last.slice(0, cut)).parts, [part(1)], `cut at ${cut}`)
    }
  })

  it("ignores records naming another snapshot (left over from before a compaction)", () => {
    const { text } = Checkpoint.encodeSnapshot(base)
    const stale = CheckpointJournal.encodeRecord({ base: "12345", part: part(1), updatedAtMs: 1 })
    assert.deepStrictEqual(decoded(text + stale).parts, [])
  })

  it("a damaged record before the last, or a part larger than the layout, is CheckpointCorrupt", () => {
    const { text, checksum } = Checkpoint.encodeSnapshot(base)
    const record = (p: Checkpoint.PartRecord) =>
      CheckpointJournal.encodeRecord({ base: checksum, part: p, updatedAtMs: 1 })
    const damaged = record(part(1)).replace("E1", "E9")
    const reasonOf = (t: string) => {
      const exit = decodeExit(t)
      if (Exit.isSuccess(exit)) return "decoded"
      const failure = exit.cause.reasons.find((r) => r._tag === "Fail")
      return failure?._tag === "Fail" ? `${failure.error.reason}: ${failure.error.message}` : String(exit.cause)
    }
    assert.include(reasonOf(text + damaged + record(part(2))), "ChecksumMismatch")
    assert.include(reasonOf(text + record({ ...part(1), sizeBytes: 2048 })), "larger than the part size")
  })
})

describe("CheckpointStore journaling", () => {
  it.effect("appends one record per part, and compacts once the records outnumber max(64, parts / 2)", () =>
    Effect.gen(function* () {
      const { store, calls } = counted()
      yield* store.save("job", base)
      for (let n = 1; n <= 64; n++) yield* store.savePart("job", part(n), n)
      assert.deepStrictEqual(calls, { set: 1, append: 64 })
      yield* store.savePart("job", part(65), 65) // the 65th record: compacted into a snapshot of 65 parts
      assert.deepStrictEqual(calls, { set: 2, append: 64 })
      for (let n = 66; n <= 66 + 63; n++) yield* store.savePart("job", part(n), n)
      assert.deepStrictEqual(calls, { set: 2, append: 128 })
      yield* store.savePart("job", part(130), 130)
      assert.deepStrictEqual(calls, { set: 3, append: 128 })
      assert.strictEqual((yield* store.load("job"))?.parts.length, 130)
    })
  )

  it.effect("savePart without a save in this process is a defect; so is one after the lock is released", () =>
    Effect.gen(function* () {
      const { store } = counted()
      const unsaved = yield* Effect.exit(store.savePart("job", part(1), 1))
      assert.isTrue(Exit.isFailure(unsaved) && unsaved.cause.reasons.some((r) => r._tag === "Die"))
      yield* Effect.scoped(Effect.andThen(store.lock("job"), store.save("job", base)))
      const released = yield* Effect.exit(store.savePart("job", part(1), 1))
      assert.isTrue(Exit.isFailure(released) && released.cause.reasons.some((r) => r._tag === "Die"))
    })
  )
})
