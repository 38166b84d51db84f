/**
 * An Initiate whose answer is lost (the store made the upload, the client never learned its id) no longer orphans
 * the upload: the driver writes an initiate intent first (core/InitiateIntent.ts), and the next run lists the key's
 * uploads initiated since then and aborts them once its own upload is complete or cancelled (core/StrayUploads.ts).
 * An Initiate retried within one run after a lost answer looks for the earlier attempt's upload the same way.
 */
import { assert, describe, it } from "@effect/vitest"
import * as Effect from "effect/Effect"
import * as MemoryByteSource from "../../adapters/portable/MemoryByteSource.ts"
import * as InitiateIntent from "../../core/InitiateIntent.ts"
import { startUpload } from "../../core/ResumableUpload.ts"
import type { UploadRequest } from "../../core/UploadRequest.ts"
import { bytesOf, makeStack } from "../support/simStack.ts"

const data = bytesOf(100)
const request = (extra: Partial<UploadRequest> = {}): UploadRequest => ({
  bucket: "bucket",
  key: "file.bin",
  source: MemoryByteSource.make(data, { name: "file.bin", lastModifiedMs: 1000 }),
  partSizeBytes: 16,
  parallelism: 2,
  retry: { retriesMax: 0, baseDelayMs: 1, maxDelayMs: 2 },
  ...extra
})

/** A stack whose first Initiate is applied by the store but its answer never arrives. */
const lostInitiateStack = () => {
  const stack = makeStack({ nowMs: () => Date.now() })
  let lost = 1
  stack.network.autoFate = (r) => (r.operation === "InitiateMultipartUpload" && lost-- > 0 ? "LoseResponse" : "Deliver")
  return stack
}

const run = (stack: ReturnType<typeof makeStack>, r: UploadRequest) =>
  Effect.gen(function* () {
    const handle = yield* startUpload(r)
    return yield* Effect.result(handle.outcome)
  }).pipe(Effect.scoped, Effect.provide(stack.layer))

describe("an Initiate whose answer was lost", () => {
  it.live("leaves an intent; the next run completes and aborts the orphaned upload", () =>
    Effect.gen(function* () {
      const stack = lostInitiateStack()
      // Someone else's upload of another key (same prefix) is not ours to touch.
      const other = stack.model.initiate({ bucket: "bucket", key: "file.bin.other" }, Date.now())
      // Nor is an upload of this key that holds parts (say, a paused upload of another file): its owner knew its id.
      const held = stack.model.initiate({ bucket: "bucket", key: "file.bin" }, Date.now())
      const heldId = held.ok ? held.value : "?"
      const partBytes = bytesOf(16, 9)
      stack.model.uploadPart(
        { bucket: "bucket", key: "file.bin", uploadId: heldId, partNumber: 1, bytes: partBytes },
        0
      )
      const first = yield* run(stack, request())
      assert.strictEqual(first._tag, "Failure")
      assert.strictEqual(stack.model.liveUploads().length, 3, "the orphan, the other key's and the held upload")
      const [id] = yield* stack.storage.ids
      const stored = id === undefined ? undefined : yield* stack.storage.get(id)
      assert.isTrue(stored !== undefined && InitiateIntent.isIntent(stored), "the intent is stored")
      assert.deepStrictEqual(yield* stack.checkpoints.list, [], "an intent is not listed as a checkpoint")

      const second = yield* run(stack, request())
      assert.strictEqual(second._tag === "Success" && second.success._tag, "Completed")
      const live = stack.model.liveUploads().map((u) => u.uploadId)
      assert.deepStrictEqual(live.sort(), [other.ok ? other.value : "?", heldId].sort(), "only the orphan is gone")
      assert.deepStrictEqual(yield* stack.storage.ids, [])
    })
  )

  it.live("a cancel of the next run aborts the orphan too", () =>
    Effect.gen(function* () {
      const stack = lostInitiateStack()
      yield* run(stack, request())
      assert.strictEqual(stack.model.liveUploads().length, 1)
      stack.network.autoFate = (r) => (r.operation === "UploadPart" ? undefined : "Deliver") // parts wait
      const second = yield* Effect.gen(function* () {
        const handle = yield* startUpload(request())
        for (let i = 0; i < 10_000 && stack.network.pending.length === 0; i++) yield* Effect.yieldNow
        assert.isAbove(stack.network.pending.length, 0, "parts of the new upload are in flight")
        yield* handle.cancel
        return yield* handle.outcome
      }).pipe(Effect.scoped, Effect.provide(stack.layer))
      assert.strictEqual(second._tag, "Cancelled")
      assert.deepStrictEqual(stack.model.liveUploads(), [])
      assert.deepStrictEqual(yield* stack.storage.ids, [])
    })
  )

  it.live("retried within one run: the earlier attempt's upload is found and aborted after Complete", () =>
    Effect.gen(function* () {
      const stack = lostInitiateStack()
      const outcome = yield* run(stack, request({ retry: { retriesMax: 1, baseDelayMs: 1, maxDelayMs: 2 } }))
      assert.strictEqual(outcome._tag === "Success" && outcome.success._tag, "Completed")
      assert.strictEqual(stack.network.log.filter((r) => r.operation === "InitiateMultipartUpload").length, 2)
      assert.deepStrictEqual(stack.model.liveUploads(), [], "the lost attempt's upload is aborted")
    })
  )

  it("an intent decodes back, and damaged or foreign text is no intent", () => {
    const text = InitiateIntent.encode({ bucket: "b", key: "k", sinceMs: 5 })
    assert.deepStrictEqual(InitiateIntent.decode(text), { bucket: "b", key: "k", sinceMs: 5 })
    assert.isUndefined(InitiateIntent.decode(text.replace('"sinceMs":5', '"sinceMs":6')))
    assert.isUndefined(InitiateIntent.decode('{"format":"resumable-upload.checkpoint"}'))
  })
})
