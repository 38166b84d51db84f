/**
 * Both Hasher adapters against node:crypto: empty, short and 1 MiB inputs, uneven incremental chunks, and views
 * with a non-zero byteOffset (the spark-md5 pitfall), plus the CRC-64/XZ check value.
 */
import { createHash, randomBytes } from "node:crypto"
import { assert, describe, it } from "@effect/vitest"
import * as Effect from "effect/Effect"
import type * as Layer from "effect/Layer"
import * as NodeHasher from "../../adapters/node/NodeHasher.ts"
import * as PortableHasher from "../../adapters/portable/PortableHasher.ts"
import { digestPart, Hasher, toHex } from "../../core/ports/Hasher.ts"

const ascii = (text: string) => Uint8Array.from(text, (c) => c.charCodeAt(0))
const nodeMd5 = (bytes: Uint8Array) => createHash("md5").update(bytes).digest("hex")
const random = new Uint8Array(randomBytes(1024 * 1024 + 7))

const hasherCases = (name: string, layer: Layer.Layer<Hasher>) =>
  describe(name, () => {
    const withHasher = <A>(f: (hasher: Hasher["Service"]) => A) => Effect.map(Hasher, f).pipe(Effect.provide(layer))

    it.effect("MD5 of '', 'abc' and 1 MiB of random bytes in one update", () =>
      withHasher((hasher) => {
        assert.strictEqual(toHex(digest(hasher, [new Uint8Array(0)])), "d41d8cd98f00b204e9800998ecf8427e")
        assert.strictEqual(toHex(digest(hasher, [])), "d41d8cd98f00b204e9800998ecf8427e")
        assert.strictEqual(toHex(digest(hasher, [ascii("abc")])), "900150983cd24fb0d6963f7d28e17f72")
        assert.strictEqual(toHex(digest(hasher, [random])), nodeMd5(random))
      })
    )

    it.effect("MD5 fed in uneven chunks, including subarray views, equals the one-shot digest", () =>
      withHasher((hasher) => {
        const sizes = [0, 1, 63, 64, 65, 1000, 4096, 65_537, 300_000]
        const chunks: Array<Uint8Array> = []
        let offset = 0
        for (let i = 0; offset < random.length; i++) {
          const size = sizes[i % sizes.length] ?? 1
          chunks.push(random.subarray(offset, offset + size)) // views into one buffer, byteOffset > 0
          offset += size
        }
        assert.isTrue(chunks.some((c) => c.byteOffset > 0 && c.byteLength > 0))
        assert.strictEqual(toHex(digest(hasher, chunks)), nodeMd5(random))
      })
    )

    it.effect("a view with a non-zero byteOffset hashes only its own bytes", () =>
      withHasher((hasher) => {
        const backing = new Uint8Array(1000).fill(0xee)
        backing.set(ascii("abc"), 500)
        const view = backing.subarray(500, 503)
        assert.strictEqual(toHex(digest(hasher, [view])), "900150983cd24fb0d6963f7d28e17f72")
        const big = random.subarray(12_345, 12_345 + 2 * 1024 * 1024 - 99_999) // spans the 1 MiB append slices
        assert.strictEqual(toHex(digest(hasher, [big])), nodeMd5(big))
      })
    )

    it.effect("digest is a plain 16-byte Uint8Array and is stable when called twice", () =>
      withHasher((hasher) => {
        const md5 = hasher.md5()
        md5.update(ascii("abc"))
        const first = md5.digest()
        assert.strictEqual(Object.getPrototypeOf(first), Uint8Array.prototype)
        assert.strictEqual(first.length, 16)
        assert.deepStrictEqual(md5.digest(), first)
        assert.throws(() => md5.update(ascii("more")))
      })
    )

    it.effect("CRC-64/XZ check value, incremental, and digestPart", () =>
      Effect.gen(function* () {
        const hasher = yield* Hasher
        const crc = hasher.crc64()
        crc.update(ascii("1234"))
        crc.update(ascii("56789").subarray(0))
        assert.strictEqual(crc.digest(), 11051210869376104954n)
        const part = yield* digestPart(ascii("123456789"), { crc64: true })
        assert.strictEqual(part.crc64, 11051210869376104954n)
        assert.strictEqual(toHex(part.md5), nodeMd5(ascii("123456789")))
        // A store that verifies no CRC-64 gets none: the MD5 alone.
        assert.deepStrictEqual(yield* digestPart(ascii("123456789"), { crc64: false }), { md5: part.md5 })
      }).pipe(Effect.provide(layer))
    )
  })

const digest = (hasher: Hasher["Service"], chunks: ReadonlyArray<Uint8Array>): Uint8Array => {
  const md5 = hasher.md5()
  for (const chunk of chunks) md5.update(chunk)
  return md5.digest()
}

hasherCases("PortableHasher (spark-md5)", PortableHasher.layer)
hasherCases("NodeHasher (node:crypto)", NodeHasher.layer)
