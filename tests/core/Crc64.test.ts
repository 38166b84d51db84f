import { assert, describe, it } from "@effect/vitest"
import fc from "fast-check"
import * as Crc64 from "../../core/Crc64.ts"

const utf8 = (text: string): Uint8Array => new TextEncoder().encode(text)
const concat = (...parts: ReadonlyArray<Uint8Array>): Uint8Array => {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0))
  let offset = 0
  for (const p of parts) {
    out.set(p, offset)
    offset += p.length
  }
  return out
}
const params = { seed: 0x5eed, numRuns: 200 } as const
const U64_MAX = 2n ** 64n - 1n

// Independent references: bit-at-a-time CRC and GOv2's `CRC64Combine` (GF(2) matrices), both on plain BigInt.
const POLY = 0xc96c5795d7870f42n
const slowCrc = (bytes: Uint8Array, previous = 0n): bigint => {
  let crc = previous ^ U64_MAX
  for (const byte of bytes) {
    crc ^= BigInt(byte)
    for (let bit = 0; bit < 8; bit++) crc = crc & 1n ? (crc >> 1n) ^ POLY : crc >> 1n
  }
  return crc ^ U64_MAX
}
const gf2Times = (mat: ReadonlyArray<bigint>, vec: bigint): bigint => {
  let sum = 0n
  for (let i = 0; vec !== 0n; i++, vec >>= 1n) if (vec & 1n) sum ^= mat[i] ?? 0n
  return sum
}
const gf2Square = (mat: ReadonlyArray<bigint>): Array<bigint> => mat.map((row) => gf2Times(mat, row))
const matrixCombine = (crc1: bigint, crc2: bigint, len2: bigint): bigint => {
  if (len2 === 0n) return crc1
  let odd = [POLY, ...Array.from({ length: 63 }, (_, n) => 1n << BigInt(n))]
  let even = gf2Square(odd)
  odd = gf2Square(even)
  for (;;) {
    even = gf2Square(odd)
    if (len2 & 1n) crc1 = gf2Times(even, crc1)
    len2 >>= 1n
    if (len2 === 0n) break
    odd = gf2Square(even)
    if (len2 & 1n) crc1 = gf2Times(odd, crc1)
    len2 >>= 1n
    if (len2 === 0n) break
  }
  return crc1 ^ crc2
}

describe("Crc64", () => {
  describe("protocol.md §2.1 vectors", () => {
    const check = "123456789"
    const ebs = "This is a test of the emergency broadcast system."

    it("direct", () => {
      assert.strictEqual(Crc64.compute(new Uint8Array(0)), 0n)
      assert.strictEqual(Crc64.compute(utf8(check)), 0x995dc9bbdf1939fan)
      assert.strictEqual(Crc64.compute(utf8(check)), 11051210869376104954n)
      assert.strictEqual(Crc64.compute(utf8(ebs)), 0x27db187fc15bbc72n)
      assert.strictEqual(Crc64.compute(utf8(ebs)), 2871916124362751090n)
      assert.strictEqual(Crc64.compute(utf8(check + ebs)), 0x6a7aa19fcbf48688n)
      assert.strictEqual(Crc64.compute(utf8("upload part 1")), 6571598172666981661n)
      assert.strictEqual(Crc64.compute(utf8("upload part 2")), 2060813895736234537n)
      assert.strictEqual(Crc64.compute(utf8("upload part 1upload part 2")), 13570749449290420744n)
      assert.strictEqual(Crc64.compute(utf8("12345")), 6748440630437108969n)
      assert.strictEqual(Crc64.compute(utf8("67890")), 6285347597771850461n)
      assert.strictEqual(Crc64.compute(utf8("1234567890")), 12811388247244714686n)
    })

    it("via combine and via previous", () => {
      const pairs: ReadonlyArray<readonly [string, string, bigint]> = [
        [check, ebs, 0x6a7aa19fcbf48688n],
        ["upload part 1", "upload part 2", 13570749449290420744n],
        ["12345", "67890", 12811388247244714686n]
      ]
      for (const [a, b, expected] of pairs) {
        const crcA = Crc64.compute(utf8(a))
        assert.strictEqual(Crc64.combine(crcA, Crc64.compute(utf8(b)), utf8(b).length), expected)
        assert.strictEqual(Crc64.compute(utf8(b), crcA), expected)
        assert.strictEqual(Crc64.combine(0n, crcA, utf8(a).length), crcA)
      }
      assert.strictEqual(Crc64.combine(0x995dc9bbdf1939fan, 0x27db187fc15bbc72n, 49), 0x6a7aa19fcbf48688n)
    })

    it("decimal header form", () => {
      assert.strictEqual(Crc64.toDecimal(0x995dc9bbdf1939fan), "11051210869376104954")
      assert.strictEqual(Crc64.fromDecimal("13570749449290420744"), 13570749449290420744n)
      assert.strictEqual(Crc64.toDecimal(0n), "0")
    })
  })

  describe("compute", () => {
    // "bytes" is the path of big-endian hosts (words assembled from bytes into a scratch run); forced here.
    const byteWords = Crc64.make(POLY, { wordReads: "bytes" })
    for (const [name, compute] of [
      ["native words", Crc64.compute],
      ["words from bytes", byteWords.compute]
    ] as const) {
      it(`${name}: matches a bit-at-a-time reference, including unaligned views and short tails`, () => {
        fc.assert(
          fc.property(fc.uint8Array({ maxLength: 100 }), fc.nat(7), fc.bigInt(0n, U64_MAX), (bytes, skip, previous) => {
            const view = concat(new Uint8Array(skip), bytes).subarray(skip)
            assert.strictEqual(compute(view, previous), slowCrc(bytes, previous))
          }),
          params
        )
      })
    }

    it("both word paths agree on inputs longer than one scratch run (16 KiB), at every alignment", () => {
      const bytes = Uint8Array.from({ length: 40_000 }, (_, i) => (i * 2654435761) >>> 13)
      for (let skip = 0; skip < 4; skip++) {
        const view = bytes.subarray(skip, bytes.length - skip)
        assert.strictEqual(byteWords.compute(view), Crc64.compute(view))
      }
      assert.strictEqual(Crc64.compute(bytes.subarray(0, 3000)), slowCrc(bytes.subarray(0, 3000)))
    })

    it("over a random split equals compute of the whole", () => {
      fc.assert(
        fc.property(fc.uint8Array({ maxLength: 2048 }), fc.nat(), (bytes, cut) => {
          const at = cut % (bytes.length + 1)
          const split = Crc64.compute(bytes.subarray(at), Crc64.compute(bytes.subarray(0, at)))
          assert.strictEqual(split, Crc64.compute(bytes))
        }),
        params
      )
    })

    it("incremental in many random chunks equals one-shot", () => {
      fc.assert(
        fc.property(fc.uint8Array({ maxLength: 4096 }), fc.array(fc.nat(300), { maxLength: 40 }), (bytes, sizes) => {
          let crc = 0n
          let offset = 0
          for (const size of sizes) {
            crc = Crc64.compute(bytes.subarray(offset, offset + size), crc)
            offset = Math.min(bytes.length, offset + size)
          }
          assert.strictEqual(Crc64.compute(bytes.subarray(offset), crc), Crc64.compute(bytes))
        }),
        params
      )
    })
  })

  describe("combine", () => {
    it("combine(crc(a), crc(b), len(b)) === crc(a ‖ b)", () => {
      fc.assert(
        fc.property(fc.uint8Array({ maxLength: 1024 }), fc.uint8Array({ maxLength: 1024 }), (a, b) => {
          const direct = Crc64.compute(concat(a, b))
          assert.strictEqual(Crc64.combine(Crc64.compute(a), Crc64.compute(b), b.length), direct)
        }),
        params
      )
    })

    // n >= 1: for n = 0 the only valid c is crc("") = 0n, and then both identities agree.
    it("identities: combine(0n, c, n) === c and combine(c, x, 0) === c", () => {
      fc.assert(
        fc.property(fc.bigInt(0n, U64_MAX), fc.bigInt(0n, U64_MAX), fc.integer({ min: 1 }), (c, x, n) => {
          assert.strictEqual(Crc64.combine(0n, c, n), c)
          assert.strictEqual(Crc64.combine(c, x, 0), c)
        }),
        params
      )
    })

    it("folds same-length parts like the upload engine", () => {
      const parts = Array.from({ length: 50 }, (_, i) =>
        Uint8Array.from({ length: 1000 }, (_, j) => (i * 31 + j) & 255)
      )
      const folded = parts.reduce((crc, part) => Crc64.combine(crc, Crc64.compute(part), part.length), 0n)
      assert.strictEqual(folded, Crc64.compute(concat(...parts)))
    })

    it("matches GOv2's matrix CRC64Combine for lengths up to 2^45 (many lengths, so the cache evicts)", () => {
      fc.assert(
        fc.property(fc.bigInt(0n, U64_MAX), fc.bigInt(0n, U64_MAX), fc.bigInt(0n, 2n ** 45n), (c1, c2, len) => {
          assert.strictEqual(Crc64.combine(c1, c2, Number(len)), matrixCombine(c1, c2, len))
        }),
        { seed: 0x5eed, numRuns: 40 }
      )
    })

    it("uses the high bits of a length > 2^32 (checked against zero runs built from smaller combines)", () => {
      // crc of 2^k zero bytes by doubling: crc(0^2m) = combine(crc(0^m), crc(0^m), m), every length < 2^32.
      const zeros = [Crc64.compute(new Uint8Array(1))]
      const zeroRun = (k: number): bigint => zeros[k] ?? assert.fail(`no zero run 2^${k}`)
      for (let k = 1; k <= 32; k++) zeros.push(Crc64.combine(zeroRun(k - 1), zeroRun(k - 1), 2 ** (k - 1)))
      assert.strictEqual(zeroRun(20), Crc64.compute(new Uint8Array(2 ** 20)))
      // L = 5 GiB + 3: bit 32 and bit 30 set. crc(A ‖ 0^L) by appending 2^32, then 2^30, then 3 zero bytes; the
      // 2^32 step is a combine of length 2^32 = 2 × 2^31, done as two halves to stay below 2^32.
      const length = 5 * 2 ** 30 + 3
      const crcA = Crc64.compute(utf8("123456789"))
      let reference = Crc64.combine(crcA, zeroRun(31), 2 ** 31)
      reference = Crc64.combine(reference, zeroRun(31), 2 ** 31)
      reference = Crc64.combine(reference, zeroRun(30), 2 ** 30)
      reference = Crc64.compute(new Uint8Array(3), reference)
      const zerosL = Crc64.compute(new Uint8Array(3), Crc64.combine(zeroRun(32), zeroRun(30), 2 ** 30))
      assert.strictEqual(Crc64.combine(crcA, zerosL, length), reference)
      // Had the high bits been dropped, the shift would be by 2^30 + 3 bytes instead.
      assert.notStrictEqual(Crc64.combine(crcA, zerosL, length), Crc64.combine(crcA, zerosL, length % 2 ** 32))
    })

    it("rejects lengths that are not non-negative safe integers", () => {
      for (const bad of [-1, 1.5, Number.NaN, 2 ** 53]) assert.throws(() => Crc64.combine(1n, 2n, bad), RangeError)
    })
  })

  describe("decimal", () => {
    it("fromDecimal(toDecimal(x)) === x", () => {
      fc.assert(
        fc.property(fc.bigInt(0n, U64_MAX), (x) => assert.strictEqual(Crc64.fromDecimal(Crc64.toDecimal(x)), x)),
        params
      )
    })

    it("rejects non-decimal, negative, out-of-range and over-long text", () => {
      for (const bad of [
        "",
        "-1",
        "18446744073709551616",
        "1a",
        "000000000000000000001",
        " 1",
        "1 ",
        "+1",
        "0x10",
        "1e3"
      ]) {
        assert.isUndefined(Crc64.fromDecimal(bad), JSON.stringify(bad))
      }
      assert.strictEqual(Crc64.fromDecimal("18446744073709551615"), U64_MAX)
      assert.strictEqual(Crc64.fromDecimal("00000000000000000042"), 42n)
    })

    it("rejects arbitrary strings that are not 1–20 digits", () => {
      fc.assert(
        fc.property(fc.string(), (text) => {
          if (!/^[0-9]{1,20}$/.test(text)) assert.isUndefined(Crc64.fromDecimal(text))
        }),
        params
      )
    })
  })
})
