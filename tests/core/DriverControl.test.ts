/**
 * Driver control: pause and cancel (both flag values), unfit checkpoints under both policies, resume inspection,
 * the checkpoint lock, per-upload pause with two uploads on one client, progress and the Promise facade.
 */
import { assert, describe, it } from "@effect/vitest"
import * as Effect from "effect/Effect"
import * as MemoryByteSource from "../../adapters/portable/MemoryByteSource.ts"
import * as CheckpointJournal from "../../core/CheckpointJournal.ts"
import * as Progress from "../../core/Progress.ts"
import { makeUploader } from "../../core/PromiseFacade.ts"
import { inspectResume, resumableUpload, startUpload } from "../../core/ResumableUpload.ts"
import type { UploadRequest } from "../../core/UploadRequest.ts"
import { bytesOf, makeStack } from "../support/simStack.ts"

const request = (data: Uint8Array, extra: Partial<UploadRequest> = {}, lastModifiedMs = 1000): UploadRequest => ({
  bucket: "bucket",
  key: "file.bin",
  source: MemoryByteSource.make(data, { name: "file.bin", lastModifiedMs }),
  partSizeBytes: 16,
  parallelism: 2,
  retry: { retriesMax: 1, baseDelayMs: 1, maxDelayMs: 2 },
  ...extra
})

const waitFor = (condition: () => boolean) =>
  Effect.gen(function* () {
    for (let i = 0; i < 10_000 && !condition(); i++) yield* Effect.yieldNow
    if (!condition()) return yield* Effect.die(new Error("condition never held"))
  })

/** A stack whose part uploads wait until released, so a test can stop an upload midway. */
const parkedStack = (options: Parameters<typeof makeStack>[0] = {}) => {
  const stack = makeStack(options)
  let parked = 4
  stack.network.autoFate = (r) => (r.operation === "UploadPart" && parked-- <= 0 ? undefined : "Deliver")
  return stack
}

describe("pause and cancel", () => {
  it.live(
    "cancel with deleteUploadIdOnCancelling (default) aborts in-flight parts, the upload and the checkpoint",
    () => {
      const stack = parkedStack()
      return Effect.gen(function* () {
        const handle = yield* startUpload(request(bytesOf(160)))
        yield* waitFor(() => stack.network.pending.length === 2)
        yield* handle.cancel
        const outcome = yield* handle.outcome
        assert.strictEqual(outcome._tag, "Cancelled")
        assert.strictEqual(stack.network.pending.length, 0, "in-flight requests were abandoned")
        assert.deepStrictEqual(stack.model.liveUploads(), [])
        assert.deepStrictEqual(yield* stack.storage.ids, [])
      }).pipe(Effect.scoped, Effect.provide(stack.layer))
    }
  )

  it.live("cancel with deleteUploadIdOnCancelling false keeps upload and checkpoint; the next run resumes", () => {
    const stack = parkedStack()
    const data = bytesOf(160)
    return Effect.gen(function* () {
      const handle = yield* startUpload(request(data, { deleteUploadIdOnCancelling: false }))
      yield* waitFor(() => stack.network.pending.length === 2)
      yield* handle.cancel
      const outcome = yield* handle.outcome
      assert.isTrue(outcome._tag === "Paused" && outcome.byCancel && outcome.committedBytes === 64)
      assert.strictEqual(stack.model.liveUploads().length, 1)
      assert.strictEqual((yield* stack.storage.ids).length, 1)
      stack.network.autoFate = "Deliver"
      const sentBefore = stack.network.log.filter((r) => r.operation === "UploadPart").length
      const resumed = yield* resumableUpload(request(data))
      assert.strictEqual(resumed._tag, "Completed")
      assert.strictEqual(stack.network.log.filter((r) => r.operation === "UploadPart").length - sentBefore, 6)
      assert.deepStrictEqual(stack.model.objectBytes("bucket", "file.bin"), data)
    }).pipe(Effect.scoped, Effect.provide(stack.layer))
  })

  it.live("pause stops one upload of a client while another on the same client finishes", () => {
    const stack = makeStack()
    stack.network.autoFate = (r) =>
      r.operation === "UploadPart" && r.uploadId === stack.model.liveUploads().find((u) => u.key === "a")?.uploadId
        ? undefined
        : "Deliver"
    return Effect.gen(function* () {
      const a = yield* startUpload(request(bytesOf(64), { key: "a" }))
      const b = yield* startUpload(request(bytesOf(64, 2), { key: "b" }))
      yield* waitFor(() => stack.network.pending.length === 2)
      yield* a.pause
      assert.strictEqual((yield* b.outcome)._tag, "Completed")
      const paused = yield* a.outcome
      assert.isTrue(paused._tag === "Paused" && !paused.byCancel)
      assert.strictEqual(stack.model.liveUploads().length, 1)
    }).pipe(Effect.scoped, Effect.provide(stack.layer))
  })

  it.live("a second uploader of the same checkpoint is refused while the first runs", () => {
    const stack = parkedStack()
    return Effect.gen(function* () {
      const first = yield* startUpload(request(bytesOf(160)))
      yield* waitFor(() => stack.network.pending.length === 2)
      const error = yield* resumableUpload(request(bytesOf(160))).pipe(Effect.flip)
      assert.strictEqual(error._tag, "CheckpointLocked")
      yield* first.pause
      assert.strictEqual((yield* first.outcome)._tag, "Paused")
    }).pipe(Effect.scoped, Effect.provide(stack.layer))
  })
})

describe("checkpoints that no longer fit", () => {
  const pausedHalfway = (stack: ReturnType<typeof makeStack>, data: Uint8Array) =>
    Effect.gen(function* () {
      const handle = yield* startUpload(request(data))
      yield* waitFor(() => stack.network.pending.length === 2)
      yield* handle.pause
      yield* handle.outcome
      stack.network.autoFate = "Deliver"
    }).pipe(Effect.scoped)

  it.live("source changed: by default the stale upload is aborted and the upload starts over, saying why", () => {
    const stack = parkedStack()
    const changed = bytesOf(160, 9)
    return Effect.gen(function* () {
      yield* pausedHalfway(stack, bytesOf(160))
      const staleId = stack.model.liveUploads()[0]?.uploadId
      const notices: Array<string> = []
      const outcome = yield* resumableUpload(
        request(
          changed,
          { onNotice: (n) => void notices.push(n._tag === "Restarted" ? `Restarted:${n.reason}` : n._tag) },
          2000
        )
      )
      assert.strictEqual(outcome._tag, "Completed")
      assert.deepStrictEqual(notices.slice(0, 2), ["Restarted:SourceChanged", "StaleUploadAborted"])
      assert.isFalse(stack.model.liveUploads().some((u) => u.uploadId === staleId))
      assert.deepStrictEqual(stack.model.objectBytes("bucket", "file.bin"), changed)
    }).pipe(Effect.provide(stack.layer))
  })

  it.live("source changed with the fail policy: CannotResumeUpload naming the reason, nothing touched", () => {
    const stack = parkedStack()
    return Effect.gen(function* () {
      yield* pausedHalfway(stack, bytesOf(160))
      const sent = stack.network.log.length
      const error = yield* resumableUpload(request(bytesOf(160), { onUnresumable: "fail" }, 2000)).pipe(Effect.flip)
      assert.isTrue(error._tag === "CannotResumeUpload" && error.reason === "SourceChanged", String(error))
      assert.strictEqual(stack.network.log.length, sent)
      assert.strictEqual(stack.model.liveUploads().length, 1)
    }).pipe(Effect.provide(stack.layer))
  })

  it.live("upload expired on the store: restart by default, CannotResumeUpload(UploadGone) with fail", () => {
    const stack = parkedStack()
    const data = bytesOf(160)
    return Effect.gen(function* () {
      yield* pausedHalfway(stack, data)
      for (const u of stack.model.liveUploads()) stack.model.expireUpload(u.uploadId)
      const error = yield* resumableUpload(request(data, { onUnresumable: "fail" })).pipe(Effect.flip)
      assert.isTrue(error._tag === "CannotResumeUpload" && error.reason === "UploadGone")
      const outcome = yield* resumableUpload(request(data))
      assert.strictEqual(outcome._tag, "Completed")
      assert.deepStrictEqual(stack.model.objectBytes("bucket", "file.bin"), data)
    }).pipe(Effect.provide(stack.layer))
  })

  it.live("a corrupt checkpoint is reported, then replaced by a fresh upload", () => {
    const stack = makeStack()
    const data = bytesOf(80)
    return Effect.gen(function* () {
      const report = yield* inspectResume(request(data))
      yield* stack.storage.set(
        report.checkpointId,
        '{"format":"resumable-upload.checkpoint","version":1,"crc64":"1","bo'
      )
      assert.strictEqual((yield* inspectResume(request(data)))._tag, "Corrupt")
      const error = yield* resumableUpload(request(data, { onUnresumable: "fail" })).pipe(Effect.flip)
      assert.isTrue(error._tag === "CannotResumeUpload" && error.reason === "CheckpointCorrupt")
      assert.strictEqual((yield* resumableUpload(request(data)))._tag, "Completed")
    }).pipe(Effect.provide(stack.layer))
  })

  it.live("a resume with another part size keeps the checkpoint's layout and says so", () => {
    const stack = parkedStack()
    const data = bytesOf(160)
    return Effect.gen(function* () {
      yield* pausedHalfway(stack, data)
      const notices: Array<unknown> = []
      const outcome = yield* resumableUpload(
        request(data, { partSizeBytes: 48, onNotice: (n) => void notices.push(n) })
      )
      assert.strictEqual(outcome._tag === "Completed" && outcome.partCount, 10)
      assert.deepInclude(notices, { _tag: "PartSizeKept", requestedBytes: 48, keptBytes: 16 })
      assert.deepStrictEqual(stack.model.objectBytes("bucket", "file.bin"), data)
    }).pipe(Effect.provide(stack.layer))
  })
})

describe("inspection, progress, failures, facade", () => {
  it.live("inspectResume reports no checkpoint, then committed bytes, then unfit after a change", () => {
    const stack = parkedStack()
    const data = bytesOf(160)
    return Effect.gen(function* () {
      assert.strictEqual((yield* inspectResume(request(data)))._tag, "NoCheckpoint")
      const handle = yield* startUpload(request(data))
      yield* waitFor(() => stack.network.pending.length === 2)
      yield* handle.pause
      yield* handle.outcome
      const report = yield* inspectResume(request(data))
      assert.isTrue(report._tag === "Resumable" && report.committedBytes === 64 && report.totalBytes === 160)
      const unfit = yield* inspectResume(request(data, {}, 5000))
      assert.isTrue(unfit._tag === "Unfit" && unfit.reason === "SourceChanged")
      assert.strictEqual(stack.network.log.filter((r) => r.operation === "ListParts").length, 0)
    }).pipe(Effect.scoped, Effect.provide(stack.layer))
  })

  it.live("committed progress never goes back and the legacy callback adds up to the total", () => {
    const stack = makeStack()
    let throttled = 3
    stack.network.autoFate = (r) => (r.operation === "UploadPart" && throttled-- > 0 ? "Throttle" : "Deliver")
    const seen: Array<Progress.Progress> = []
    const legacy: Array<readonly [number, number, number]> = []
    const toLegacy = Progress.toLegacy((a, b, c) => void legacy.push([a, b, c]))
    return Effect.gen(function* () {
      yield* resumableUpload(
        request(bytesOf(200), {
          retry: { retriesMax: 4, baseDelayMs: 1, maxDelayMs: 1 },
          onProgress: (p) => {
            seen.push(p)
            toLegacy(p)
          }
        })
      )
      for (let i = 1; i < seen.length; i++)
        assert.isAtLeast(seen[i]?.committedBytes ?? 0, seen[i - 1]?.committedBytes ?? 0)
      assert.strictEqual(seen.at(-1)?.phase, "Completed")
      assert.strictEqual(
        legacy.reduce((sum, [sent]) => sum + sent, 0),
        200
      )
      assert.deepStrictEqual(legacy.at(-1)?.slice(1), [200, 200])
    }).pipe(Effect.provide(stack.layer))
  })

  it.live("a failure with an in-memory checkpoint store aborts the upload; a persistent one keeps it", () => {
    const memory = makeStack({ persistent: false })
    memory.network.autoFate = (r) => (r.operation === "UploadPart" && r.partNumber === 3 ? "ServerError" : "Deliver")
    const disk = makeStack({ persistent: true })
    disk.network.autoFate = memory.network.autoFate
    return Effect.gen(function* () {
      const lost = yield* resumableUpload(request(bytesOf(80))).pipe(Effect.provide(memory.layer), Effect.flip)
      assert.isTrue(lost._tag === "UploadFailed" && !lost.resumable)
      assert.deepStrictEqual(memory.model.liveUploads(), [])
      const kept = yield* resumableUpload(request(bytesOf(80))).pipe(Effect.provide(disk.layer), Effect.flip)
      assert.isTrue(kept._tag === "UploadFailed" && kept.resumable)
      assert.strictEqual(disk.model.liveUploads().length, 1)
      assert.strictEqual((yield* disk.storage.ids).length, 1)
    })
  })

  it("the Promise facade uploads, and its errors are the same tagged errors", async () => {
    const stack = makeStack()
    const uploader = makeUploader(stack.layer)
    const data = bytesOf(100)
    const outcome = await uploader.upload(request(data)).done
    assert.strictEqual(outcome._tag, "Completed")
    assert.deepStrictEqual(stack.model.objectBytes("bucket", "file.bin"), data)
    const error = await uploader.upload(request(data, { key: "\\bad" })).done.then(
      () => undefined,
      (e: unknown) => e
    )
    assert.strictEqual((error as { _tag?: string })._tag, "InvalidUploadRequest")
    await uploader.dispose()
  })

  it("a Complete answered with 500 is not resent: the object is checked, and the run fails resumably with every part kept", async () => {
    const stack = makeStack()
    stack.network.autoFate = (r) => (r.operation === "CompleteMultipartUpload" ? "ServerError" : "Deliver")
    const uploader = makeUploader(stack.layer)
    const error = await uploader
      .upload(
        request(bytesOf(64), {
          metadata: { secret: "s3cr3t" },
          retry: { retriesMax: 2, baseDelayMs: 1, maxDelayMs: 1 }
        })
      )
      .done.then(
        () => undefined,
        (e: unknown) => e as { _tag?: string; reason?: string; resumable?: boolean }
      )
    assert.strictEqual(error?._tag, "UploadFailed")
    assert.strictEqual(error?.reason, "CompletionUnconfirmed")
    assert.isTrue(error?.resumable)
    assert.strictEqual(stack.network.log.filter((r) => r.operation === "CompleteMultipartUpload").length, 1)
    assert.strictEqual(stack.network.log.filter((r) => r.operation === "HeadObject").length, 1)
    const [id] = await Effect.runPromise(stack.storage.ids)
    const text = (await Effect.runPromise(stack.storage.get(id ?? ""))) ?? ""
    const decoded = await Effect.runPromise(CheckpointJournal.decode(id ?? "", text))
    assert.deepStrictEqual(
      decoded.parts.map((p) => p.partNumber),
      [1, 2, 3, 4]
    )
    // Only the documented fields: nothing the request carried (metadata, callback, credentials) is written.
    assert.deepStrictEqual(Object.keys(JSON.parse(text).body).sort(), [
      "bucket",
      "createdAtMs",
      "dialect",
      "endpointId",
      "key",
      "partSizeBytes",
      "parts",
      "source",
      "updatedAtMs",
      "uploadId"
    ])
    assert.notInclude(text, "s3cr3t")
    await uploader.dispose()
  })
})
