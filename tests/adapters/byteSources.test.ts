/**
 * The memory and Node file ByteSources: ranges, the short last range, reads past the end, parallel reads, and
 * (file only) a file changed under an upload.
 */
import { mkdtempSync, rmSync, utimesSync, writeFileSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { afterAll, assert, describe, it } from "@effect/vitest"
import * as Effect from "effect/Effect"
import * as NodeFileByteSource from "../../adapters/node/NodeFileByteSource.ts"
import * as MemoryByteSource from "../../adapters/portable/MemoryByteSource.ts"
import type { ByteSource } from "../../core/ports/ByteSource.ts"

const root = mkdtempSync(join(tmpdir(), "byte-sources-"))
afterAll(() => rmSync(root, { recursive: true, force: true }))

const sizeBytes = 1_000_003
const content = Uint8Array.from({ length: sizeBytes }, (_, i) => (i * 31 + (i >> 8)) & 0xff)
const writeSample = (name: string, bytes: Uint8Array = content) => {
  const path = join(root, name)
  writeFileSync(path, bytes)
  return path
}

const sourceCases = (name: string, makeSource: () => Effect.Effect<ByteSource, unknown>) =>
  describe(name, () => {
    it.effect("reads exact ranges, the short last range, and empty ranges", () =>
      Effect.gen(function* () {
        const source = yield* makeSource()
        assert.strictEqual(source.sizeBytes, sizeBytes)
        assert.deepStrictEqual(yield* source.read(0, 10), content.slice(0, 10))
        assert.deepStrictEqual(yield* source.read(65_536, 4096), content.slice(65_536, 65_536 + 4096))
        const partBytes = 262_144
        const lastOffset = Math.floor(sizeBytes / partBytes) * partBytes
        const last = yield* source.read(lastOffset, sizeBytes - lastOffset)
        assert.strictEqual(last.length, sizeBytes - lastOffset)
        assert.deepStrictEqual(last, content.slice(lastOffset))
        assert.strictEqual((yield* source.read(sizeBytes, 0)).length, 0)
      })
    )

    it.effect("a read past the end, or a negative or fractional range, fails with SourceReadError", () =>
      Effect.gen(function* () {
        const source = yield* makeSource()
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
          assert.strictEqual(error.sourceName, source.name)
        }
      })
    )

    it.effect("parallel reads of interleaved ranges return the right bytes", () =>
      Effect.gen(function* () {
        const source = yield* makeSource()
        const ranges = Array.from({ length: 64 }, (_, i) => {
          const offset = (i * 15_551) % (sizeBytes - 20_000)
          return [offset, 1 + ((i * 7_919) % 20_000)] as const
        })
        const reads = yield* Effect.forEach(ranges, ([offset, length]) => source.read(offset, length), {
          concurrency: "unbounded"
        })
        for (const [i, [offset, length]] of ranges.entries()) {
          assert.deepStrictEqual(reads[i], content.slice(offset, offset + length))
        }
      })
    )
  })

sourceCases("MemoryByteSource", () => Effect.sync(() => MemoryByteSource.make(content, { name: "sample.bin" })))
sourceCases("NodeFileByteSource", () => NodeFileByteSource.make(writeSample("sample.bin")))

describe("MemoryByteSource specifics", () => {
  it("reads are views (no copy); name and lastModifiedMs are passed through", () => {
    const source = MemoryByteSource.make(content, { lastModifiedMs: 1234 })
    assert.strictEqual(source.name, "memory")
    assert.strictEqual(source.lastModifiedMs, 1234)
    assert.isFalse("lastModifiedMs" in MemoryByteSource.make(content))
    const view = Effect.runSync(source.read(10, 5))
    assert.strictEqual(view.buffer, content.buffer)
    assert.strictEqual(view.byteOffset, 10)
  })
})

describe("NodeFileByteSource specifics", () => {
  it.effect("name is the path; lastModifiedMs is the file's integer mtime", () =>
    Effect.gen(function* () {
      const path = writeSample("mtime.bin", Uint8Array.of(1, 2, 3))
      utimesSync(path, 1_700_000_000.789, 1_700_000_000.789)
      const source = yield* NodeFileByteSource.make(path)
      assert.strictEqual(source.name, path)
      assert.strictEqual(source.lastModifiedMs, 1_700_000_000_789)
    })
  )

  it.effect("a missing file or a directory fails with SourceReadError", () =>
    Effect.gen(function* () {
      assert.strictEqual((yield* Effect.flip(NodeFileByteSource.make(join(root, "absent"))))._tag, "SourceReadError")
      assert.strictEqual((yield* Effect.flip(NodeFileByteSource.make(root)))._tag, "SourceReadError")
    })
  )

  it.effect("a file truncated or rewritten after make fails the read instead of mixing versions", () =>
    Effect.gen(function* () {
      const path = writeSample("changing.bin", content.slice(0, 1000))
      const source = yield* NodeFileByteSource.make(path)
      writeFileSync(path, content.slice(0, 500))
      const truncated = yield* Effect.flip(source.read(0, 1000))
      assert.include(truncated.message, "changed")
      writeFileSync(path, content.slice(1, 1001)) // same size, new content and mtime
      utimesSync(path, 1, 1)
      assert.strictEqual((yield* Effect.flip(source.read(0, 10)))._tag, "SourceReadError")
    })
  )
})
