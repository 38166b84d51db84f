/**
 * BlobByteSource on Node's Blob and File globals: ranges, names and mtimes taken from a File, options overriding
 * them, bad ranges and a Blob whose read fails.
 */
import { assert, describe, it } from "@effect/vitest"
import * as Effect from "effect/Effect"
import * as BlobByteSource from "../../adapters/browser/BlobByteSource.ts"

const sizeBytes = 100_003
const content = Uint8Array.from({ length: sizeBytes }, (_, i) => (i * 31 + (i >> 8)) & 0xff)

describe("BlobByteSource", () => {
  it.effect("reads exact ranges, the short last range, empty ranges and parallel ranges", () =>
    Effect.gen(function* () {
      const source = BlobByteSource.make(new Blob([content]))
      assert.strictEqual(source.sizeBytes, sizeBytes)
      assert.deepStrictEqual(yield* source.read(0, 10), content.slice(0, 10))
      assert.deepStrictEqual(yield* source.read(65_536, 4096), content.slice(65_536, 65_536 + 4096))
      assert.deepStrictEqual(yield* source.read(98_304, sizeBytes - 98_304), content.slice(98_304))
      assert.strictEqual((yield* source.read(sizeBytes, 0)).length, 0)
      const offsets = [0, 7, 50_000, 99_000]
      const reads = yield* Effect.forEach(offsets, (o) => source.read(o, 1000), { concurrency: "unbounded" })
      for (const [i, o] of offsets.entries()) assert.deepStrictEqual(reads[i], content.slice(o, o + 1000))
    })
  )

  it("takes name and lastModified from a File; options override them; a plain Blob is 'blob' without mtime", () => {
    const file = new File([content], "movie.mp4", { lastModified: 1_700_000_000_123 })
    const fromFile = BlobByteSource.make(file)
    assert.strictEqual(fromFile.name, "movie.mp4")
    assert.strictEqual(fromFile.lastModifiedMs, 1_700_000_000_123)
    const renamed = BlobByteSource.make(file, { name: "upload-7", lastModifiedMs: 5.7 })
    assert.strictEqual(renamed.name, "upload-7")
    assert.strictEqual(renamed.lastModifiedMs, 5) // integer ms, as the checkpoint stores it
    const blob = BlobByteSource.make(new Blob([content]))
    assert.strictEqual(blob.name, "blob")
    assert.isFalse("lastModifiedMs" in blob)
  })

  it.effect("a read past the end, or a negative or fractional range, fails with SourceReadError", () =>
    Effect.gen(function* () {
      const source = BlobByteSource.make(new Blob([content]), { name: "sample" })
      for (const [offset, length] of [
        [sizeBytes - 1, 2],
        [sizeBytes + 1, 0],
        [-1, 1],
        [0, -1],
        [0.5, 1]
      ] as const) {
        const error = yield* Effect.flip(source.read(offset, length))
        assert.strictEqual(error._tag, "SourceReadError")
        assert.strictEqual(error.offsetBytes, offset)
        assert.strictEqual(error.lengthBytes, length)
        assert.strictEqual(error.sourceName, "sample")
      }
    })
  )

  it.effect("a Blob that cannot be read (a File changed on disk) fails with SourceReadError, as does a short one", () =>
    Effect.gen(function* () {
      const unreadable = Object.assign(new Blob([content]), {
        slice: () => ({ arrayBuffer: () => Promise.reject(new Error("NotReadableError: the file changed")) })
      }) as unknown as Blob
      const failed = yield* Effect.flip(BlobByteSource.make(unreadable).read(0, 10))
      assert.strictEqual(failed._tag, "SourceReadError")
      assert.match(failed.message, /NotReadableError/)
      const short = Object.assign(new Blob([content]), {
        slice: () => new Blob([content.slice(0, 4)])
      }) as unknown as Blob
      const shortRead = yield* Effect.flip(BlobByteSource.make(short).read(0, 10))
      assert.match(shortRead.message, /short read: got 4 of 10/)
    })
  )
})
