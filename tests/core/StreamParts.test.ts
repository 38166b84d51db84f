/**
 * The stream transitions, pure (`transition` alone, no driver): the first parts of a stream; its end fixed from
 * `SourceEnded`'s length even when that arrives before the short part's answer; completion only once no read is in
 * flight; a committed part re-read as a verification; a divergence reported as `CannotResumeUpload`; the part at
 * the part limit marked so its reader checks the stream ends there; a one-shot stream announced before anything.
 */
import { assert, describe, it } from "@effect/vitest"
import * as Effect from "effect/Effect"
import * as HashMap from "effect/HashMap"
import type * as Checkpoint from "../../core/Checkpoint.ts"
import * as Limits from "../../core/Limits.ts"
import type * as PartGrowth from "../../core/PartGrowth.ts"
import * as PartPlan from "../../core/PartPlan.ts"
import * as Machine from "../../core/UploadMachine.ts"
import { transition } from "../../core/UploadTransition.ts"

/** Parts of 4 bytes doubling every 2 parts, up to 16, at most 6 parts: 4, 4, 8, 8, 16, 16 (56 bytes). */
const growth: PartGrowth.Growth = { startPartSizeBytes: 4, partSizeBytesMax: 16, growthEveryParts: 2, partCountMax: 6 }
const layout = PartPlan.streaming(growth, 4)

const settings = (overrides: Partial<Machine.Settings> = {}): Machine.Settings => ({
  checkpointId: "stream-1",
  target: {
    dialect: "s3",
    endpointId: "e",
    bucket: "b",
    key: "k",
    source: { name: "-", sizeBytes: 0, sampleCrc64: "0" },
    limits: { ...Limits.s3Limits, partCountMax: 6, partSizeBytesMin: 4, partSizeBytesMax: 16 },
    requestedPartSizeBytes: 4,
    stream: true
  },
  plan: layout,
  parallelism: 2,
  persistent: true,
  onUnresumable: "restart",
  deleteUploadIdOnCancelling: true,
  singleRequest: false,
  restartsMax: 2,
  stream: { replayable: true },
  ...overrides
})

const record = (partNumber: number, sizeBytes: number): Checkpoint.PartRecord => ({
  partNumber,
  sizeBytes,
  etag: `"e${partNumber}"`,
  crc64: String(partNumber),
  md5: "0".repeat(32)
})

const uploading = (
  s: Machine.Settings,
  done: ReadonlyArray<Checkpoint.PartRecord>,
  inFlight: ReadonlyArray<number>,
  nextPartNumber: number
): Machine.UploadState => ({
  _tag: "Uploading",
  settings: s,
  upload: {
    uploadId: "u1",
    layout,
    createdAtMs: 0,
    done: HashMap.fromIterable(done.map((p) => [p.partNumber, p] as const)),
    committedBytes: done.reduce((n, p) => n + p.sizeBytes, 0)
  },
  inFlight: new Set(inFlight),
  inFlightBytes: inFlight.reduce((n, p) => n + PartPlan.rangeOf(layout, p).sizeBytes, 0),
  nextPartNumber,
  restarts: 0
})

const step = (state: Machine.UploadState, event: Machine.UploadEvent) => Effect.runSync(transition(state, event))
const uploaded = (part: Checkpoint.PartRecord): Machine.UploadEvent => ({
  _tag: "PartUploaded",
  uploadId: "u1",
  part,
  atMs: 10
})
const tags = (s: Machine.Step) => s.commands.map((c) => c._tag)

describe("stream transitions", () => {
  it("parts follow the growth: 4, 4, 8, 8, 16, 16", () => {
    assert.deepStrictEqual(
      PartPlan.ranges(layout).map((r) => [r.offsetBytes, r.sizeBytes]),
      [
        [0, 4],
        [4, 4],
        [8, 8],
        [16, 8],
        [24, 16],
        [40, 16]
      ]
    )
  })

  it("SourceEnded before the short part's answer fixes the end from the stream's length; Complete waits", () => {
    // Parts 3 (8 bytes from 8) and 4 in flight; the stream is 11 bytes: part 3 is short, part 4 finds nothing.
    const s0 = uploading(settings(), [record(1, 4), record(2, 4)], [3, 4], 5)
    const s1 = step(s0, { _tag: "SourceEnded", uploadId: "u1", partNumber: 4, streamSizeBytes: 11 })
    assert.strictEqual(s1.state._tag, "Uploading")
    assert.deepStrictEqual(tags(s1), [], "no more parts: the end is known, part 3 still in flight")
    if (s1.state._tag !== "Uploading") return
    assert.strictEqual(s1.state.upload.layout.partCount, 3)
    assert.strictEqual(s1.state.upload.layout.sizeBytes, 11)
    assert.strictEqual(s1.state.inFlightBytes, 3, "part 3's range shrank to the 3 bytes it holds")
    const s2 = step(s1.state, uploaded(record(3, 3)))
    assert.strictEqual(s2.state._tag, "Completing")
    assert.deepStrictEqual(tags(s2), ["SaveCheckpoint", "CompleteUpload"])
    const complete = s2.commands.find((c) => c._tag === "CompleteUpload")
    assert.deepStrictEqual(
      complete?._tag === "CompleteUpload" ? complete.parts.map((p) => p.partNumber) : [],
      [1, 2, 3]
    )
  })

  it("a short part ends the stream, and records past the end (a longer earlier stream's) are dropped", () => {
    const s0 = uploading(settings(), [record(1, 4), record(3, 8), record(4, 8)], [2], 5)
    const s1 = step(s0, uploaded(record(2, 1)))
    assert.strictEqual(s1.state._tag, "Completing")
    const complete = s1.commands.find((c) => c._tag === "CompleteUpload")
    assert.deepStrictEqual(complete?._tag === "CompleteUpload" ? complete.parts.map((p) => p.partNumber) : [], [1, 2])
  })

  it("a committed part is re-read to be verified, not skipped; a divergence fails with CannotResumeUpload", () => {
    const s = settings({ onUnresumable: "fail" })
    const s0 = uploading(s, [record(1, 4), record(2, 4)], [], 1)
    // Filling from part 1: both committed parts are read again, each with its record to compare against.
    const filled = step(s0, { _tag: "SourceEnded", uploadId: "u1", partNumber: 9, streamSizeBytes: 0 })
    assert.strictEqual(filled.state, s0, "an answer for a part not in flight is dropped")
    const begun = step(uploading(s, [record(1, 4), record(2, 4)], [1], 2), {
      _tag: "PartVerified",
      uploadId: "u1",
      part: record(1, 4)
    })
    const verify = begun.commands.find((c) => c._tag === "UploadPart")
    assert.deepStrictEqual(
      verify?._tag === "UploadPart" ? [verify.range.partNumber, verify.expected?.etag, verify.onMismatch] : [],
      [2, '"e2"', "report"]
    )
    const diverged = step(uploading(s, [record(1, 4), record(2, 4)], [2], 3), {
      _tag: "PartDiverged",
      uploadId: "u1",
      partNumber: 2,
      message: "part 2 differs"
    })
    assert.strictEqual(diverged.state._tag, "Failed")
    if (diverged.state._tag === "Failed") {
      assert.strictEqual(diverged.state.error._tag, "CannotResumeUpload")
      assert.include(diverged.state.error.message, "part 2 differs")
    }
    assert.deepStrictEqual(tags(diverged), ["StopPartUploads"])
  })

  it("the part at the part limit is marked, and a full one there ends the stream", () => {
    const s0 = uploading(
      settings(),
      [1, 2, 3, 4].map((n) => record(n, PartPlan.rangeOf(layout, n).sizeBytes)),
      [5],
      6
    )
    const s1 = step(s0, uploaded(record(5, 16)))
    const last = s1.commands.find((c) => c._tag === "UploadPart")
    assert.deepStrictEqual(last?._tag === "UploadPart" ? [last.range.partNumber, last.lastPossible] : [], [6, true])
    if (s1.state._tag !== "Uploading") return assert.fail("still uploading")
    const s2 = step(s1.state, uploaded(record(6, 16)))
    assert.strictEqual(s2.state._tag, "Completing", "a full last possible part is the end")
  })

  it("a one-shot stream is announced before anything is sent", () => {
    const s = settings({ stream: { replayable: false } })
    const first = step(Machine.initial(s), { _tag: "CheckpointLoaded", checkpoint: undefined })
    assert.deepStrictEqual(tags(first), ["Notify", "InitiateUpload"])
    const notice = first.commands[0]
    assert.strictEqual(notice?._tag === "Notify" ? notice.notice._tag : "", "StreamNotReplayable")
  })
})
