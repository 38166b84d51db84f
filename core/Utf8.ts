/**
 * UTF-8 encoding without `TextEncoder`, which is not part of the ECMAScript library core is checked against.
 *
 * Used for object keys and checkpoint text, never for part bodies, so clarity wins over speed here.
 *
 * @since 0.1.0
 */

/** UTF-8 bytes of a string; an unpaired surrogate becomes U+FFFD, as `TextEncoder` does. @category utils */
export const encode = (text: string): Uint8Array => {
  const out: Array<number> = []
  for (const char of text) {
    let cp = char.codePointAt(0) ?? 0xfffd
    if (cp >= 0xd800 && cp <= 0xdfff) cp = 0xfffd
    if (cp < 0x80) out.push(cp)
    else if (cp < 0x800) out.push(0xc0 | (cp >> 6), 0x80 | (cp & 63))
    else if (cp < 0x10000) out.push(0xe0 | (cp >> 12), 0x80 | ((cp >> 6) & 63), 0x80 | (cp & 63))
    else out.push(0xf0 | (cp >> 18), 0x80 | ((cp >> 12) & 63), 0x80 | ((cp >> 6) & 63), 0x80 | (cp & 63))
  }
  return Uint8Array.from(out)
}
