/**
 * The order canonical requests sort header names and query parameters in: Unicode code point, which is UTF-8 byte
 * order, as the SDKs of both stores sort, and the order stores list keys in (UTF-8 byte order).
 *
 * JavaScript's own `<` and `Array.prototype.sort` compare UTF-16 code units, which disagree for keys with
 * characters above U+FFFF; a signer that sorted that way would fail verification on exactly those keys.
 *
 * @since 0.1.0
 */

/**
 * Orders strings by Unicode code point, which is UTF-8 byte order: what Go's `sort.Strings` and Python's `sorted` do
 * in the SDKs. Plain `<` compares UTF-16 code units and puts U+E000..U+FFFF after astral characters.
 *
 * @category ordering
 */
export const compareCodePoints = (a: string, b: string): number => {
  const length = Math.min(a.length, b.length)
  for (let i = 0; i < length; i++) {
    const x = a.charCodeAt(i)
    const y = b.charCodeAt(i)
    if (x !== y) return codePointRank(x) - codePointRank(y)
  }
  return a.length - b.length
}

// Surrogates (D800–DFFF) start astral code points, which sort after E000–FFFF: shift the two ranges past each other.
const codePointRank = (unit: number): number =>
  unit >= 0xd800 && unit <= 0xdfff ? unit + 0x2000 : unit >= 0xe000 ? unit - 0x800 : unit
