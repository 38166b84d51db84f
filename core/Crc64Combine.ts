/**
 * CRC-64 combine for a reflected CRC-64 with init = xorout = ~0: the CRC of A ‖ B from crc(A), crc(B) and the byte
 * length of B, without the bytes. zlib's `crc32_combine` in its polynomial form (zlib ≥ 1.2.12), which gives the same
 * result as the GF(2) matrix form of GOv2's `CRC64Combine`. {@link Crc64.make} pairs it with the table engine.
 *
 * @since 0.2.0
 */
// biome-ignore-all lint/style/noNonNullAssertion: the cache's first key exists whenever its size is at least 8

const MASK32 = 0xffffffffn

// A polynomial mod P as [hi, lo] in reflected form: bit 63 (top bit of `hi`) is x^0.
type Poly = readonly [number, number]

/**
 * `combine(crc1, crc2, length2Bytes)` for the reflected polynomial whose halves are `polyHi`, `polyLo`.
 *
 * @category constructors
 */
export const makeCombine = (polyHi: number, polyLo: number) => {
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
      bLo = ((bLo >>> 1) | (bHi << 31)) ^ (odd ? polyLo : 0)
      bHi = (bHi >>> 1) ^ (odd ? polyHi : 0)
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

  return (crc1: bigint, crc2: bigint, length2Bytes: number): bigint => {
    if (!Number.isSafeInteger(length2Bytes) || length2Bytes < 0) {
      throw new RangeError(`Crc64.combine: invalid length ${length2Bytes}`)
    }
    if (length2Bytes === 0) return crc1
    const [hi, lo] = mulMod(shiftOperator(length2Bytes), [Number((crc1 >> 32n) & MASK32), Number(crc1 & MASK32)])
    return ((BigInt(hi) << 32n) | BigInt(lo)) ^ BigInt.asUintN(64, crc2)
  }
}
