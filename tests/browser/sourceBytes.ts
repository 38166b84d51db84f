/**
 * The bytes the browser upload tests send: a deterministic pseudo-random pattern that the page (which builds its Blob
 * from it, on every page load) and Node (which checks the stored object against it) generate alike, so the megabytes
 * never have to cross the Playwright bridge. Random rather than a repeating pattern, so a part landing at the wrong
 * offset cannot go unnoticed.
 */

/** `lengthBytes` bytes from a xorshift32 stream seeded with `seed` (any non-zero integer). */
export const sourceBytes = (lengthBytes: number, seed: number): Uint8Array => {
  const words = new Uint32Array(Math.ceil(lengthBytes / 4))
  let x = seed >>> 0 || 1
  for (let i = 0; i < words.length; i++) {
    x ^= x << 13
    x ^= x >>> 17
    x ^= x << 5
    x >>>= 0
    words[i] = x
  }
  return new Uint8Array(words.buffer, 0, lengthBytes)
}
