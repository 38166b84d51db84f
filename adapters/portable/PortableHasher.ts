/**
 * The portable {@link Hasher}: MD5 from spark-md5, CRC-64 from core. Runs unchanged in Node, Deno and browsers,
 * because WebCrypto has no MD5 and nothing here touches `node:*` or the DOM.
 *
 * **Gotchas**: `SparkMD5.ArrayBuffer#append` takes a whole `ArrayBuffer`, so passing `view.buffer` of a
 * `Uint8Array` with a non-zero `byteOffset` (a `subarray`, a pooled Node `Buffer`) would hash the wrong bytes; each
 * chunk is therefore copied out with `Uint8Array#slice`. spark-md5 also copies every appended chunk once more
 * internally, so large parts are fed in bounded slices to keep the transient copies small. `end()` resets the
 * state, so the digest is cached to make a second `digest()` return the same bytes.
 *
 * @since 0.1.0
 */

import { Hasher, type IncrementalHash, pureCrc64 } from "@resumable-upload/core/ports/Hasher"
import * as Layer from "effect/Layer"
import SparkMD5 from "spark-md5"

/** Bounds spark-md5's per-append copy (it concatenates its 0..63 byte tail with the whole chunk). */
const appendSliceBytes = 1024 * 1024

/** A fresh spark-md5 state. @category constructors */
export const md5 = (): IncrementalHash<Uint8Array> => {
  const state = new SparkMD5.ArrayBuffer()
  let digest: Uint8Array | undefined
  return {
    update: (chunk) => {
      if (digest !== undefined) throw new Error("PortableHasher: md5 update after digest")
      for (let start = 0; start < chunk.length; start += appendSliceBytes) {
        // `slice` (unlike `subarray`) gives a fresh ArrayBuffer holding exactly these bytes.
        state.append(chunk.slice(start, start + appendSliceBytes).buffer)
      }
    },
    digest: () => {
      if (digest === undefined) {
        const binary = state.end(true) // 16 chars, each char code one byte
        digest = Uint8Array.from(binary, (char) => char.charCodeAt(0))
      }
      return digest
    }
  }
}

/** @category layers */
export const layer: Layer.Layer<Hasher> = Layer.succeed(Hasher, Hasher.of({ md5, crc64: pureCrc64 }))
