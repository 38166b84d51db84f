/**
 * CRC-64/XZ, the checksum OSS sends as `x-oss-hash-crc64ecma` (reflected poly 0xC96C5795D7870F42, init = xorout =
 * ~0, check value 0x995DC9BBDF1939FA). Used to verify each uploaded part and, via `combine`, the whole object.
 *
 * Hand-written because ali-oss has no CRC-64, the npm ports are WASM / emscripten builds, and core must run on any
 * runtime without `Buffer`, WASM or native code. BigInt is far too slow per byte, so the 64-bit register lives in two
 * 32-bit numbers (`hi`, `lo`) and `compute` uses slicing-by-8 tables; BigInt appears only at the API boundary.
 * {@link make} builds the same engine for another reflected CRC-64 with init = xorout = ~0 (S3's CRC-64/NVME).
 *
 * @since 0.1.0
 */
// biome-ignore-all lint/style/noNonNullAssertion: every typed-array index below is in bounds by construction

const MASK32 = 0xffffffffn

/** One reflected CRC-64 with init = xorout = ~0. @category models */
export interface Crc64Algorithm {
  /** Go's `crc64.Update`: `compute(b, compute(a)) === compute(a ‖ b)`; `previous` 0n for none. */
  readonly compute: (bytes: Uint8Array, previous?: bigint) => bigint
  /** CRC of A ‖ B from crc(A), crc(B) and the byte length of B. */
  readonly combine: (crc1: bigint, crc2: bigint, length2Bytes: number) => bigint
}

// A polynomial mod P as [hi, lo] in reflected form: bit 63 (top bit of `hi`) is x^0.
type Poly = readonly [number, number]

/**
 * The engine for the reflected polynomial `reflectedPoly` (e.g. 0xC96C5795D7870F42n for CRC-64/XZ).
 *
 * @category constructors
 */
export const make = (reflectedPoly: bigint): Crc64Algorithm => {
  const POLY_HI = Number((reflectedPoly >> 32n) & MASK32)
  const POLY_LO = Number(reflectedPoly & MASK32)
  // Slice k, entry b (index k * 256 + b): the register contribution of byte b followed by k zero bytes. 16 KiB,
  // built on first use so importing core costs nothing.
  let TABLE_HI: Uint32Array | undefined
  let TABLE_LO: Uint32Array | undefined

  const buildTables = (): void => {
    const hiT = new Uint32Array(2048)
    const loT = new Uint32Array(2048)
    for (let i = 0; i < 2048; i++) {
      // Slice 0 runs the byte through 8 bit-steps; slice k > 0 pushes slice k-1's entry through one more zero byte.
      let hi = i < 256 ? 0 : hiT[i - 256]!
      let lo = i < 256 ? i : loT[i - 256]!
      if (i < 256) {
        for (let bit = 0; bit < 8; bit++) {
          const odd = lo & 1
          lo = ((lo >>> 1) | (hi << 31)) ^ (odd ? POLY_LO : 0)
          hi = (hi >>> 1) ^ (odd ? POLY_HI : 0)
        }
      } else {
        const t = lo & 0xff
        lo = loT[t]! ^ ((lo >>> 8) | (hi << 24))
        hi = hiT[t]! ^ (hi >>> 8)
      }
      hiT[i] = hi
      loT[i] = lo
    }
    TABLE_HI = hiT
    TABLE_LO = loT
  }

  const compute = (bytes: Uint8Array, previous: bigint = 0n): bigint => {
    if (TABLE_HI === undefined) buildTables()
    const T_HI = TABLE_HI!
    const T_LO = TABLE_LO!
    // Undo the final complement of `previous` to get the running register back.
    let hi = ~Number((previous >> 32n) & MASK32) >>> 0
    let lo = ~Number(previous & MASK32) >>> 0
    const n = bytes.length
    const end8 = n - (n & 7)
    let i = 0
    for (; i < end8; i += 8) {
      // Absorb 8 bytes little-endian, then look each byte up in the slice for how many bytes still follow it.
      const l = lo ^ (bytes[i]! | (bytes[i + 1]! << 8) | (bytes[i + 2]! << 16) | (bytes[i + 3]! << 24))
      const h = hi ^ (bytes[i + 4]! | (bytes[i + 5]! << 8) | (bytes[i + 6]! << 16) | (bytes[i + 7]! << 24))
      const a = 1792 + (l & 0xff)
      const b = 1536 + ((l >>> 8) & 0xff)
      const c = 1280 + ((l >>> 16) & 0xff)
      const d = 1024 + (l >>> 24)
      const e = 768 + (h & 0xff)
      const f = 512 + ((h >>> 8) & 0xff)
      const g = 256 + ((h >>> 16) & 0xff)
      const k = h >>> 24
      hi = T_HI[a]! ^ T_HI[b]! ^ T_HI[c]! ^ T_HI[d]! ^ T_HI[e]! ^ T_HI[f]! ^ T_HI[g]! ^ T_HI[k]!
      lo = T_LO[a]! ^ T_LO[b]! ^ T_LO[c]! ^ T_LO[d]! ^ T_LO[e]! ^ T_LO[f]! ^ T_LO[g]! ^ T_LO[k]!
    }
    for (; i < n; i++) {
      const t = (lo ^ bytes[i]!) & 0xff
      lo = T_LO[t]! ^ ((lo >>> 8) | (hi << 24))
      hi = T_HI[t]! ^ (hi >>> 8)
    }
    return (BigInt(~hi >>> 0) << 32n) | BigInt(~lo >>> 0)
  }

  /** a * b mod P: zlib's `multmodp`, 64 conditional XORs of b * x^i, all on 32-bit numbers. */
  const mulMod = ([aHi, aLo]: Poly, [bHi, bLo]: Poly): Poly => {
    let pHi = 0
    let pLo = 0
    for (let i = 0; i < 64; i++) {
      const mask = -((i < 32 ? aHi >>> (31 - i) : aLo >>> (63 - i)) & 1)
      pHi ^= bHi & mask
      pLo ^= bLo & mask
      // b *= x is a right shift in reflected form, reduced by P when the x^63 term overflows.
      const odd = bLo & 1
      bLo = ((bLo >>> 1) | (bHi << 31)) ^ (odd ? POLY_LO : 0)
      bHi = (bHi >>> 1) ^ (odd ? POLY_HI : 0)
    }
    return [pHi >>> 0, pLo >>> 0]
  }

  // Shift operator x^(8 * length) mod P per length. The engine folds thousands of same-sized parts plus one shorter
  // last part, so a few entries make each combine a single `mulMod` (zlib rebuilds it on every call).
  const shiftCache = new Map<number, Poly>()

  const shiftOperator = (length: number): Poly => {
    const cached = shiftCache.get(length)
    if (cached !== undefined) return cached
    // Square-and-multiply, sq = x^8, x^16, x^32, ... Bits are taken with arithmetic, not `>>`, so lengths past 2^32
    // keep their high bits.
    let op: Poly = [0x80000000, 0]
    for (let n = length, sq: Poly = [0x00800000, 0]; n > 0; n = Math.floor(n / 2), sq = mulMod(sq, sq)) {
      if (n % 2 === 1) op = mulMod(sq, op)
    }
    if (shiftCache.size >= 8) shiftCache.delete(shiftCache.keys().next().value!)
    shiftCache.set(length, op)
    return op
  }

  const combine = (crc1: bigint, crc2: bigint, length2Bytes: number): bigint => {
    if (!Number.isSafeInteger(length2Bytes) || length2Bytes < 0) {
      throw new RangeError(`Crc64.combine: invalid length ${length2Bytes}`)
    }
    if (length2Bytes === 0) return crc1
    const [hi, lo] = mulMod(shiftOperator(length2Bytes), [Number((crc1 >> 32n) & MASK32), Number(crc1 & MASK32)])
    return ((BigInt(hi) << 32n) | BigInt(lo)) ^ BigInt.asUintN(64, crc2)
  }

  return { compute, combine }
}

const xz = make(0xc96c5795d7870f42n)

/**
 * Go's `crc64.Update`: `previous` is the finalized CRC of the bytes before `bytes` (0n for none); returns the
 * finalized CRC of everything, so `compute(b, compute(a)) === compute(a ‖ b)`.
 *
 * @category hashing
 */
export const compute: (bytes: Uint8Array, previous?: bigint) => bigint = xz.compute

/**
 * CRC of A ‖ B from `crc1` = crc(A), `crc2` = crc(B) and the byte length of B: zlib's `crc32_combine` in its
 * polynomial form (zlib ≥ 1.2.12), which gives the same result as the GF(2) matrix form of GOv2's `CRC64Combine`.
 * Since init = xorout it works on finalized values: `combine(0n, c, n) === c`, `combine(c, x, 0) === c`.
 * Throws a RangeError for a length that is not a non-negative safe integer (a programming error).
 *
 * @category hashing
 */
export const combine: (crc1: bigint, crc2: bigint, length2Bytes: number) => bigint = xz.combine

/** The header / XML form: unsigned decimal. @category conversions */
export const toDecimal = (crc: bigint): string => BigInt.asUintN(64, crc).toString()

/** Parses 1–20 decimal digits in 0..2^64-1; anything else is `undefined`. @category conversions */
export const fromDecimal = (text: string): bigint | undefined => {
  if (!/^[0-9]{1,20}$/.test(text)) return undefined
  const value = BigInt(text)
  return value <= 0xffffffffffffffffn ? value : undefined
}
