/**
 * Streams of unknown size through the driver, against the simulated store: no more is read ahead than the parts
 * in flight; parts grow and the object is the stream byte for byte; an empty stream is a 0-byte object; a rerun verifies committed parts by digest and sends
 * only the rest; a diverged stream fails with `CannotResumeUpload` or has the differing part sent again; a
 * one-shot stream is announced as such; a stream longer than the store allows fails instead of being cut.
 */
import { assert, describe, it } from "@effect/vitest"
import * as Effect from "effect/Effect"
import * as ChunkedStreamSource from "../../adapters/portable/ChunkedStreamSource.ts"
import * as PartGrowth from "../../core/PartGrowth.ts"
import { SourceReadError } from "../../core/ports/ByteSource.ts"
import type { ObjectStoreShape, UploadPartRequest } from "../../core/ports/ObjectStore.ts"
import { ObjectStore } from "../../core/ports/ObjectStore.ts"
import type { StreamSource } from "../../core/ports/StreamSource.ts"
import { resumableUpload, startUpload } from "../../core/ResumableUpload.ts"
import type { Notice } from "../../core/UploadMachine.ts"
import type { UploadRequest } from "../../core/UploadRequest.ts"
import { bytesOf, makeStack } from "../support/simStack.ts"

/** Parts of 4 bytes doubling up to 64, at most 20 parts: a few hundred bytes show the growth and the limit. */
const limits = {
  partCountMax: 20,
  partSizeBytesMin: 4,
  partSizeBytesMax: 64,
  objectSizeBytesMax: 1280,
  listPageSizeMax: 4
}

/** `bytes` in uneven chunks (1, 2, …, 13 bytes, repeating), so chunk and part edges never line up. */
const chunked = (bytes: Uint8Array): ReadonlyArray<Uint8Array> => {
  const chunks: Array<Uint8Array> = []
  for (let at = 0, n = 1; at < bytes.length; n = (n % 13) + 1) {
    chunks.push(bytes.slice(at, at + n))
    at += n
  }
  return chunks
}

/** A replayable stream that fails after `failAfterBytes`: a producer that died mid-way. */
const dying = (bytes: Uint8Array, failAfterBytes: number): StreamSource => {
  const inner = ChunkedStreamSource.fromChunks(chunked(bytes.subarray(0, failAfterBytes)), { name: "s" })
  let ended = false
  return {
    name: "s",
    replayable: true,
    pull: Effect.flatMap(inner.pull, (chunk) => {
      if (chunk !== undefined || ended) return Effect.succeed(chunk)
      ended = true
      return Effect.fail(
        new SourceReadError({ sourceName: "s", offsetBytes: failAfterBytes, lengthBytes: 0, message: "producer died" })
      )
    })
  }
}

const request = (source: StreamSource, extra: Partial<UploadRequest> = {}): UploadRequest => ({
  bucket: "bucket",
  key: "stream.bin",
  source,
  partSizeBytes: 4,
  parallelism: 3,
  retry: { retriesMax: 2, baseDelayMs: 1, maxDelayMs: 2 },
  ...extra
})

const counting = (stack: ReturnType<typeof makeStack>) => {
  const sent: Array<UploadPartRequest> = []
  const store: ObjectStoreShape = {
    ...stack.store,
    uploadPart: (r) => Effect.sync(() => void sent.push(r)).pipe(Effect.andThen(stack.store.uploadPart(r)))
  }
  return { sent, provide: Effect.provideService(ObjectStore, store) }
}

/** Lets other fibers run until `condition` holds; fails the test instead of hanging. */
const waitFor = (condition: () => boolean) =>
  Effect.gen(function* () {
    for (let i = 0; i < 10_000; i++) {
      if (condition()) return
      yield* Effect.yieldNow
    }
    return yield* Effect.die(new Error("condition never held"))
  })

const stream = (bytes: Uint8Array, replayable = true) =>
  ChunkedStreamSource.fromChunks(chunked(bytes), { name: "s", replayable })

describe("stream uploads", () => {
  it.live("reads no further ahead than the parts in flight: parallelism × part size, plus one chunk", () => {
    const stack = makeStack({ limits })
    const data = bytesOf(700)
    const inner = stream(data)
    let pulledBytes = 0
    const counted: StreamSource = {
      ...inner,
      pull: Effect.tap(inner.pull, (chunk) =>
        Effect.sync(() => {
          pulledBytes += chunk?.length ?? 0
        })
      )
    }
    return Effect.gen(function* () {
      stack.network.autoFate = (r) => (r.operation === "UploadPart" ? undefined : "Deliver")
      const handle = yield* startUpload(request(counted, { parallelism: 3 }))
      yield* waitFor(() => stack.network.pending.length === 3)
      // The three first parts (they grow: 4, 8, 16 bytes here), and at most the rest of the chunk the third ended in.
      const threePartsBytes = PartGrowth.offsetOf(PartGrowth.make(4, limits), 4)
      assert.isAtLeast(pulledBytes, threePartsBytes)
      assert.isAtMost(pulledBytes, threePartsBytes + 12)
      stack.network.autoFate = "Deliver"
      while (stack.network.pending.length > 0) stack.network.decide(0, "Deliver")
      const outcome = yield* handle.outcome
      assert.strictEqual(outcome._tag, "Completed")
      assert.deepStrictEqual(stack.model.objectBytes("bucket", "stream.bin"), data)
    }).pipe(Effect.scoped, Effect.provide(stack.layer))
  })

  it.live("cut into growing parts, the object equal to the stream", () => {
    const stack = makeStack({ limits })
    const { sent, provide } = counting(stack)
    const data = bytesOf(700)
    return Effect.gen(function* () {
      const outcome = yield* resumableUpload(request(stream(data))).pipe(provide)
      assert.strictEqual(outcome._tag, "Completed")
      assert.deepStrictEqual(stack.model.objectBytes("bucket", "stream.bin"), data)
      const sizes = sent.map((r) => r.body.bytes.length)
      assert.strictEqual(sizes[0], 4)
      assert.isAbove(Math.max(...sizes), 4 * 2) // grew
      assert.isAtMost(Math.max(...sizes), 64)
      assert.isAtMost(sent.length, 20)
      if (outcome._tag === "Completed") assert.strictEqual(outcome.sizeBytes, 700)
    }).pipe(Effect.provide(stack.layer))
  })

  it.live("an empty stream is a 0-byte object", () => {
    const stack = makeStack({ limits })
    return Effect.gen(function* () {
      const outcome = yield* resumableUpload(request(stream(new Uint8Array(0))))
      assert.strictEqual(outcome._tag, "Completed")
      assert.deepStrictEqual(stack.model.objectBytes("bucket", "stream.bin"), new Uint8Array(0))
    }).pipe(Effect.provide(stack.layer))
  })

  it.live("a stream that ends on a part edge completes with exactly its parts", () => {
    const stack = makeStack({ limits })
    const data = bytesOf(4 + 4 + 8) // with growth every 2+ parts: parts of 4, 4, 8 (or 4, 8, 4): an edge either way
    return Effect.gen(function* () {
      const outcome = yield* resumableUpload(request(stream(data), { parallelism: 1 }))
      assert.strictEqual(outcome._tag, "Completed")
      assert.deepStrictEqual(stack.model.objectBytes("bucket", "stream.bin"), data)
    }).pipe(Effect.provide(stack.layer))
  })

  it.live("a rerun verifies the committed parts by digest and sends only the rest", () => {
    const stack = makeStack({ limits })
    const data = bytesOf(500)
    return Effect.gen(function* () {
      const first = yield* Effect.flip(resumableUpload(request(dying(data, 200), { parallelism: 1 })))
      assert.strictEqual(first._tag, "UploadFailed")
      if (first._tag === "UploadFailed") assert.isTrue(first.resumable)
      const { sent, provide } = counting(stack)
      const outcome = yield* resumableUpload(request(stream(data))).pipe(provide)
      assert.strictEqual(outcome._tag, "Completed")
      assert.deepStrictEqual(stack.model.objectBytes("bucket", "stream.bin"), data)
      const resentFrom = Math.min(...sent.map((r) => r.partNumber))
      assert.isAbove(resentFrom, 1) // parts before the producer died were verified, not sent again
      if (outcome._tag === "Completed") assert.strictEqual(outcome.partCount, sent.length + resentFrom - 1)
    }).pipe(Effect.provide(stack.layer))
  })

  it.live("a diverged rerun fails with CannotResumeUpload when asked to, and keeps the upload", () => {
    const stack = makeStack({ limits })
    const data = bytesOf(500)
    return Effect.gen(function* () {
      yield* Effect.flip(resumableUpload(request(dying(data, 200), { parallelism: 1 })))
      const changed = Uint8Array.from(data)
      changed[5] = (changed[5] ?? 0) ^ 1
      const error = yield* Effect.flip(resumableUpload(request(stream(changed), { onUnresumable: "fail" })))
      assert.strictEqual(error._tag, "CannotResumeUpload")
      if (error._tag === "CannotResumeUpload") assert.strictEqual(error.reason, "SourceChanged")
      assert.strictEqual(stack.model.objectBytes("bucket", "stream.bin"), undefined)
    }).pipe(Effect.provide(stack.layer))
  })

  it.live("a diverged rerun sends the differing parts again by default, and says so", () => {
    const stack = makeStack({ limits })
    const data = bytesOf(500)
    return Effect.gen(function* () {
      yield* Effect.flip(resumableUpload(request(dying(data, 200), { parallelism: 1 })))
      const changed = Uint8Array.from(data)
      changed[5] = (changed[5] ?? 0) ^ 1
      const notices: Array<Notice> = []
      const outcome = yield* resumableUpload(request(stream(changed), { onNotice: (n) => void notices.push(n) }))
      assert.strictEqual(outcome._tag, "Completed")
      assert.deepStrictEqual(stack.model.objectBytes("bucket", "stream.bin"), changed)
      assert.deepStrictEqual(
        notices.filter((n) => n._tag === "PartResent").map((n) => (n._tag === "PartResent" ? n.partNumber : 0)),
        [2]
      )
    }).pipe(Effect.provide(stack.layer))
  })

  it.live("a shorter rerun drops the recorded parts past its end", () => {
    const stack = makeStack({ limits })
    const data = bytesOf(500)
    return Effect.gen(function* () {
      yield* Effect.flip(resumableUpload(request(dying(data, 200), { parallelism: 1 })))
      const shorter = data.slice(0, 30)
      const outcome = yield* resumableUpload(request(stream(shorter)))
      assert.strictEqual(outcome._tag, "Completed")
      assert.deepStrictEqual(stack.model.objectBytes("bucket", "stream.bin"), shorter)
    }).pipe(Effect.provide(stack.layer))
  })

  it.live("a one-shot stream is announced as not replayable before anything is sent", () => {
    const stack = makeStack({ limits })
    const notices: Array<Notice> = []
    return Effect.gen(function* () {
      yield* resumableUpload(request(stream(bytesOf(10), false), { onNotice: (n) => void notices.push(n) }))
      assert.strictEqual(notices[0]?._tag, "StreamNotReplayable")
    }).pipe(Effect.provide(stack.layer))
  })

  it.live("a stream longer than the store's largest object fails instead of being cut short", () => {
    const stack = makeStack({ limits })
    return Effect.gen(function* () {
      const error = yield* Effect.flip(resumableUpload(request(stream(bytesOf(1281)), { partSizeBytes: 64 })))
      assert.strictEqual(error._tag, "UploadFailed")
      if (error._tag === "UploadFailed") assert.strictEqual(error.reason, "SourceUnreadable")
      assert.strictEqual(stack.model.objectBytes("bucket", "stream.bin"), undefined)
    }).pipe(Effect.provide(stack.layer))
  })
})
