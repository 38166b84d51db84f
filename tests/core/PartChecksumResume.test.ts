/**
 * A store's per-part value for Complete (`StoredChecksums.partChecksum`; S3's CRC-64/NVME for the full-object
 * checksum) survives a resume: the engine keeps it in the checkpoint (snapshot and journal) and passes it back in
 * Complete's parts, also for the parts an earlier process sent.
 */
import { assert, describe, it } from "@effect/vitest"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import * as MemoryByteSource from "../../adapters/portable/MemoryByteSource.ts"
import { type CompletedPart, ObjectStore } from "../../core/ports/ObjectStore.ts"
import { startUpload } from "../../core/ResumableUpload.ts"
import type { UploadRequest } from "../../core/UploadRequest.ts"
import { bytesOf, makeStack } from "../support/simStack.ts"

const data = bytesOf(160)
const request: UploadRequest = {
  bucket: "bucket",
  key: "file.bin",
  source: MemoryByteSource.make(data, { name: "file.bin", lastModifiedMs: 1000 }),
  partSizeBytes: 16,
  parallelism: 2,
  retry: { retriesMax: 1, baseDelayMs: 1, maxDelayMs: 2 }
}

describe("a store's per-part checksum across a resume", () => {
  it.live("is kept in the checkpoint and sent with every part of the resumed Complete", () =>
    Effect.gen(function* () {
      const stack = makeStack()
      const completed: Array<ReadonlyArray<CompletedPart>> = []
      // The sim store, answering each part with a value of its own, and recording what Complete gets.
      const store = {
        ...stack.store,
        uploadPart: (r: Parameters<typeof stack.store.uploadPart>[0]) =>
          Effect.map(stack.store.uploadPart(r), (stored) => ({ ...stored, partChecksum: `sum-${r.partNumber}` })),
        complete: (r: Parameters<typeof stack.store.complete>[0]) => {
          completed.push(r.parts)
          return stack.store.complete(r)
        }
      }
      const layer = Layer.merge(stack.layer, Layer.succeed(ObjectStore, store))
      let delivered = 0
      stack.network.autoFate = (r) => (r.operation !== "UploadPart" || delivered++ < 6 ? "Deliver" : undefined)
      const first = yield* Effect.gen(function* () {
        const handle = yield* startUpload(request)
        for (let i = 0; i < 10_000 && stack.network.pending.length === 0; i++) yield* Effect.yieldNow
        yield* handle.pause
        return yield* handle.outcome
      }).pipe(Effect.scoped, Effect.provide(layer))
      assert.strictEqual(first._tag, "Paused")
      assert.deepStrictEqual(completed, [])

      stack.network.autoFate = "Deliver"
      const second = yield* Effect.gen(function* () {
        const handle = yield* startUpload(request)
        return yield* handle.outcome
      }).pipe(Effect.scoped, Effect.provide(layer))
      assert.strictEqual(second._tag, "Completed")
      const parts = completed[0] ?? []
      assert.strictEqual(parts.length, 10)
      for (const part of parts)
        assert.strictEqual(part.partChecksum, `sum-${part.partNumber}`, `part ${part.partNumber}`)
    })
  )
})
