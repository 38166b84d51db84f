/**
 * Driver behaviour against a faithful simulated store: lazy reads, integrity headers, resume, retries, the
 * single-request path and verification of an unanswered Complete.
 */

import { createHash } from "node:crypto"
import { assert, describe, it } from "@effect/vitest"
import * as Effect from "effect/Effect"
import * as MemoryByteSource from "../../adapters/portable/MemoryByteSource.ts"
import * as Crc64 from "../../core/Crc64.ts"
import type { ByteSource } from "../../core/ports/ByteSource.ts"
import { ObjectStore, ObjectStoreError, type UploadPartRequest } from "../../core/ports/ObjectStore.ts"
import { resumableUpload, startUpload } from "../../core/ResumableUpload.ts"
import type { UploadRequest } from "../../core/UploadRequest.ts"
import { bytesOf, makeStack } from "../support/simStack.ts"

const request = (source: ByteSource, extra: Partial<UploadRequest> = {}): UploadRequest => ({
  bucket: "bucket",
  key: "dir/file.bin",
  source,
  partSizeBytes: 16,
  retry: { retriesMax: 3, baseDelayMs: 1, maxDelayMs: 2 },
  ...extra
})

/** Lets other fibers run until `condition` holds; fails the test instead of hanging. */
const waitFor = (condition: () => boolean) =>
  Effect.gen(function* () {
    for (let i = 0; i < 10_000; i++) {
      if (condition()) return
      yield* Effect.yieldNow
    }
    return yield* Effect.die(new Error("condition never held"))
  })

const countingSource = (bytes: Uint8Array) => {
  const inner = MemoryByteSource.make(bytes, { name: "counted", lastModifiedMs: 1000 })
  const reads: Array<number> = []
  const source: ByteSource = {
    ...inner,
    read: (offset, length) =>
      Effect.sync(() => void reads.push(offset)).pipe(Effect.andThen(inner.read(offset, length)))
  }
  return { source, reads }
}

describe("Driver", () => {
  it.live("reads parts lazily: never more than `parallelism` part buffers before answers come back", () => {
    const stack = makeStack()
    return Effect.gen(function* () {
      stack.network.autoFate = (r) => (r.operation === "UploadPart" ? undefined : "Deliver")
      const data = bytesOf(16 * 40)
      const { source, reads } = countingSource(data)
      const fingerprintReads = 1
      const handle = yield* startUpload(request(source, { parallelism: 3 }))
      yield* waitFor(() => stack.network.pending.length === 3)
      yield* Effect.yieldNow
      assert.strictEqual(reads.length - fingerprintReads, 3)
      stack.network.decide(0, "Deliver")
      yield* waitFor(() => stack.network.pending.length === 3)
      assert.strictEqual(reads.length - fingerprintReads, 4)
      stack.network.autoFate = "Deliver"
      while (stack.network.pending.length > 0) stack.network.decide(0, "Deliver")
      const outcome = yield* handle.outcome
      assert.strictEqual(outcome._tag, "Completed")
      assert.deepStrictEqual(stack.model.objectBytes("bucket", "dir/file.bin"), data)
    }).pipe(Effect.scoped, Effect.provide(stack.layer))
  })

  it.live("sends Content-MD5 and CRC-64 with every part, and checks the object CRC after Complete", () =>
    Effect.gen(function* () {
      const stack = makeStack()
      const sent: Array<UploadPartRequest> = []
      const spy = {
        ...stack.store,
        uploadPart: (r: UploadPartRequest) =>
          Effect.sync(() => void sent.push(r)).pipe(Effect.andThen(stack.store.uploadPart(r)))
      }
      const data = bytesOf(100)
      const outcome = yield* resumableUpload(request(MemoryByteSource.make(data, { name: "a" }))).pipe(
        Effect.provideService(ObjectStore, spy),
        Effect.provide(stack.layer)
      )
      assert.strictEqual(sent.length, 7)
      for (const r of sent) {
        assert.strictEqual(r.body.md5Base64, createHash("md5").update(r.body.bytes).digest("base64"))
        assert.strictEqual(r.body.crc64, Crc64.compute(r.body.bytes))
      }
      assert.strictEqual(outcome._tag === "Completed" && outcome.crc64, Crc64.compute(data))
    })
  )

  it.live("retries a part whose answer shows a damaged body, and fails cleanly if it stays damaged", () =>
    Effect.gen(function* () {
      const stack = makeStack()
      let damaged = 1
      const flaky = {
        ...stack.store,
        uploadPart: (r: UploadPartRequest) =>
          Effect.map(stack.store.uploadPart(r), (answer) =>
            r.partNumber === 2 && damaged-- > 0 ? { ...answer, crc64: 1n } : answer
          )
      }
      const data = bytesOf(64)
      const ok = yield* resumableUpload(request(MemoryByteSource.make(data, { name: "b" }))).pipe(
        Effect.provideService(ObjectStore, flaky),
        Effect.provide(stack.layer)
      )
      assert.strictEqual(ok._tag, "Completed")
      damaged = 100
      const error = yield* resumableUpload(request(MemoryByteSource.make(data, { name: "c" }))).pipe(
        Effect.provideService(ObjectStore, flaky),
        Effect.provide(stack.layer),
        Effect.flip
      )
      assert.strictEqual(error._tag === "UploadFailed" && error.reason, "IntegrityMismatch")
    })
  )

  it.live("retries retryable errors only: a 503 is retried, an AccessDenied is not", () =>
    Effect.gen(function* () {
      const stack = makeStack()
      let throttles = 2
      stack.network.autoFate = (r) =>
        r.operation === "UploadPart" && r.partNumber === 1 && throttles-- > 0 ? "Throttle" : "Deliver"
      const data = bytesOf(40)
      const outcome = yield* resumableUpload(request(MemoryByteSource.make(data, { name: "d" }))).pipe(
        Effect.provide(stack.layer)
      )
      assert.strictEqual(outcome._tag, "Completed")
      assert.strictEqual(stack.network.log.filter((r) => r.operation === "UploadPart" && r.partNumber === 1).length, 3)

      let attempts = 0
      const denied = new ObjectStoreError({
        operation: "UploadPart",
        reason: "Remote",
        status: 403,
        code: "AccessDenied",
        message: "denied",
        requestId: "r-1"
      })
      const refusing = {
        ...stack.store,
        uploadPart: () =>
          Effect.suspend(() => {
            attempts++
            return Effect.fail(denied)
          })
      }
      const error = yield* resumableUpload(
        request(MemoryByteSource.make(data, { name: "e" }), { parallelism: 1 })
      ).pipe(Effect.provideService(ObjectStore, refusing), Effect.provide(stack.layer), Effect.flip)
      assert.strictEqual(attempts, 1)
      assert.strictEqual(error._tag, "UploadFailed")
      if (error._tag === "UploadFailed") {
        assert.strictEqual(error.reason, "StoreRejected")
        assert.strictEqual(error.cause?._tag === "ObjectStoreError" && error.cause.requestId, "r-1")
        assert.isTrue(error.resumable)
      }
    })
  )

  it.live("resumes after a failure, sending only the parts the store does not hold", () =>
    Effect.gen(function* () {
      const stack = makeStack()
      const data = bytesOf(16 * 10)
      stack.network.autoFate = (r) => (r.operation === "UploadPart" && r.partNumber === 6 ? "ServerError" : "Deliver")
      const source = MemoryByteSource.make(data, { name: "f", lastModifiedMs: 5 })
      const first = yield* resumableUpload(request(source, { parallelism: 1, retry: { retriesMax: 0 } })).pipe(
        Effect.provide(stack.layer),
        Effect.flip
      )
      assert.isTrue(first._tag === "UploadFailed" && first.resumable)
      const sentBefore = stack.network.log.length
      stack.network.autoFate = "Deliver"
      const notices: Array<string> = []
      const second = yield* resumableUpload(request(source, { onNotice: (n) => void notices.push(n._tag) })).pipe(
        Effect.provide(stack.layer)
      )
      assert.strictEqual(second._tag, "Completed")
      const resent = stack.network.log
        .slice(sentBefore)
        .filter((r) => r.operation === "UploadPart")
        .map((r) => r.partNumber)
      assert.deepStrictEqual(
        [...resent].sort((a, b) => (a ?? 0) - (b ?? 0)),
        [6, 7, 8, 9, 10]
      )
      assert.include(notices, "Resumed")
      assert.deepStrictEqual(stack.model.objectBytes("bucket", "dir/file.bin"), data)
    })
  )

  it.live("sends Complete once; when its answer is lost, confirms the object with HEAD", () =>
    Effect.gen(function* () {
      const stack = makeStack({ dialect: "s3" })
      stack.network.autoFate = (r) => (r.operation === "CompleteMultipartUpload" ? "LoseResponse" : "Deliver")
      const data = bytesOf(50)
      const outcome = yield* resumableUpload(request(MemoryByteSource.make(data, { name: "g" }))).pipe(
        Effect.provide(stack.layer)
      )
      assert.strictEqual(outcome._tag, "Completed")
      assert.strictEqual(stack.network.log.filter((r) => r.operation === "CompleteMultipartUpload").length, 1)
      assert.strictEqual(stack.network.log.filter((r) => r.operation === "HeadObject").length, 1)
    })
  )

  it.live("an empty ETag on Complete (Ceph RGW) is checked with HEAD against the multipart ETag", () =>
    Effect.gen(function* () {
      const stack = makeStack({ dialect: "s3", emptyCompleteEtag: true })
      const outcome = yield* resumableUpload(request(MemoryByteSource.make(bytesOf(70), { name: "h" }))).pipe(
        Effect.provide(stack.layer)
      )
      assert.strictEqual(outcome._tag, "Completed")
      assert.match(outcome._tag === "Completed" ? outcome.etag : "", /-5"?$/)
      assert.strictEqual(stack.network.log.filter((r) => r.operation === "HeadObject").length, 1)
    })
  )

  it.live("a source of one part goes up as a single PutObject", () =>
    Effect.gen(function* () {
      const stack = makeStack()
      const data = bytesOf(10)
      const outcome = yield* resumableUpload(request(MemoryByteSource.make(data, { name: "i" }))).pipe(
        Effect.provide(stack.layer)
      )
      assert.strictEqual(outcome._tag, "Completed")
      assert.deepStrictEqual(
        stack.network.log.map((r) => r.operation),
        ["PutObject"]
      )
      assert.deepStrictEqual(stack.model.objectBytes("bucket", "dir/file.bin"), data)
    })
  )

  it.live("a zero-byte source uploads as an empty object", () =>
    Effect.gen(function* () {
      const stack = makeStack()
      const outcome = yield* resumableUpload(
        request(MemoryByteSource.make(new Uint8Array(0), { name: "j" }), { singleRequest: false })
      ).pipe(Effect.provide(stack.layer))
      assert.strictEqual(outcome._tag === "Completed" && outcome.sizeBytes, 0)
      assert.deepStrictEqual(stack.model.objectBytes("bucket", "dir/file.bin"), new Uint8Array(0))
    })
  )

  it.live("bad requests fail with a typed error naming the field, before anything is sent", () =>
    Effect.gen(function* () {
      const stack = makeStack()
      const source = MemoryByteSource.make(bytesOf(40), { name: "k" })
      const cases: ReadonlyArray<readonly [Partial<UploadRequest>, string]> = [
        [{ key: "/abs" }, "key"],
        [{ key: "" }, "key"],
        [{ partSizeBytes: 4 }, "partSizeBytes"],
        [{ parallelism: 0 }, "parallelism"],
        [{ parallelism: 65 }, "parallelism"],
        [{ retry: { retriesMax: 99 } }, "retry"],
        [{ bucket: "" }, "bucket"]
      ]
      for (const [extra, field] of cases) {
        const error = yield* resumableUpload(request(source, extra)).pipe(Effect.provide(stack.layer), Effect.flip)
        assert.strictEqual(error._tag === "InvalidUploadRequest" && error.field, field, JSON.stringify(extra))
      }
      assert.strictEqual(stack.network.log.length, 0)
    })
  )

  it.live("an upload callback asked of an S3 store is refused before anything is sent; OSS accepts it", () =>
    Effect.gen(function* () {
      const callback = { url: "http://127.0.0.1:1/cb", body: "x=1" }
      const s3 = makeStack({ dialect: "s3" })
      const error = yield* resumableUpload(
        request(MemoryByteSource.make(bytesOf(40), { name: "cb" }), { callback })
      ).pipe(Effect.provide(s3.layer), Effect.flip)
      assert.strictEqual(error._tag === "InvalidUploadRequest" && error.field, "callback")
      assert.strictEqual(s3.network.log.length, 0)
      const oss = makeStack({ dialect: "oss" })
      const outcome = yield* resumableUpload(
        request(MemoryByteSource.make(bytesOf(40), { name: "cb" }), { callback })
      ).pipe(Effect.provide(oss.layer))
      assert.strictEqual(outcome._tag, "Completed")
    })
  )

  it.live("a one-part OSS upload with a callback goes as a multipart upload, so Complete carries the callback", () =>
    Effect.gen(function* () {
      const callback = { url: "http://127.0.0.1:1/cb", body: "x=1" }
      const oss = makeStack({ dialect: "oss" })
      const outcome = yield* resumableUpload(
        request(MemoryByteSource.make(bytesOf(10), { name: "cb-small" }), { callback })
      ).pipe(Effect.provide(oss.layer))
      assert.strictEqual(outcome._tag, "Completed")
      const operations = oss.network.log.map((entry) => entry.operation)
      assert.deepStrictEqual(operations, ["InitiateMultipartUpload", "UploadPart", "CompleteMultipartUpload"])
      // Without a callback the same source is one PutObject.
      const plain = makeStack({ dialect: "oss" })
      yield* resumableUpload(request(MemoryByteSource.make(bytesOf(10), { name: "plain-small" }))).pipe(
        Effect.provide(plain.layer)
      )
      assert.deepStrictEqual(
        plain.network.log.map((entry) => entry.operation),
        ["PutObject"]
      )
    })
  )
})
