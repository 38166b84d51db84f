/**
 * The Node {@link Hasher}: incremental MD5 from `node:crypto` (native, several times faster than spark-md5),
 * CRC-64 from core.
 *
 * **Gotchas**: `createHash("md5")` throws on a FIPS-enabled OpenSSL; the layer probes it once when built so the
 * failure is a clear defect at startup, not mid-upload. `Hash#digest` returns a `Buffer` and throws if called
 * twice, so the digest is cached and re-wrapped as a plain `Uint8Array` (a `Buffer` does not deep-equal one).
 *
 * @since 0.1.0
 */
import { createHash } from "node:crypto"
import { Hasher, type IncrementalHash, pureCrc64 } from "@resumable-upload/core/ports/Hasher"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"

const md5 = (): IncrementalHash<Uint8Array> => {
  const hash = createHash("md5")
  let digest: Uint8Array | undefined
  return {
    // `update` honours the view's byteOffset/byteLength, so subarrays need no copy.
    update: (chunk) => void hash.update(chunk),
    digest: () => {
      if (digest === undefined) {
        const buffer = hash.digest()
        digest = new Uint8Array(buffer.buffer, buffer.byteOffset, buffer.byteLength)
      }
      return digest
    }
  }
}

/** @category layers */
export const layer: Layer.Layer<Hasher> = Layer.effect(
  Hasher,
  Effect.try({
    try: () => {
      createHash("md5") // throws under FIPS
      return Hasher.of({ md5, crc64: pureCrc64 })
    },
    catch: (cause) => new Error("NodeHasher: node:crypto has no MD5 here (FIPS mode?)", { cause })
  }).pipe(Effect.orDie)
)
