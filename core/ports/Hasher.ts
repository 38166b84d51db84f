/**
 * The hashing port: incremental MD5 (for `Content-MD5` and ETags) and CRC-64/XZ (for `x-oss-hash-crc64ecma`).
 *
 * WebCrypto has no MD5, so each runtime brings its own (node:crypto on Node, spark-md5 elsewhere). CRC-64 defaults
 * to the pure implementation in core; an adapter may supply a faster one.
 *
 * @since 0.1.0
 */
import * as Context from "effect/Context"
import * as Data from "effect/Data"
import * as Effect from "effect/Effect"
import * as Crc64 from "../Crc64.ts"

/** @category models */
export interface IncrementalHash<A> {
  readonly update: (chunk: Uint8Array) => void
  readonly digest: () => A
}

/** @category services */
export interface HasherShape {
  /** A fresh MD5 state; `digest` returns the 16-byte digest. */
  readonly md5: () => IncrementalHash<Uint8Array>
  /** A fresh CRC-64/XZ state; `digest` returns the finalized CRC. */
  readonly crc64: () => IncrementalHash<bigint>
  /**
   * The digests of a whole part off the caller's thread (a browser's Web Worker, Node worker threads), so a page
   * stays responsive and parts hash on other cores; when absent, parts are hashed with `md5` and `crc64` right here.
   * `crc64: false` (the store verifies none) may skip the CRC-64. Must not keep `bytes`, and may detach them (move
   * them to a worker and back, no copy) only by answering them as the digest's `bytes`, which are then sent instead.
   */
  readonly digestPart?: (bytes: Uint8Array, options: DigestOptions) => Promise<PartDigest>
}

/** @category services */
export class Hasher extends Context.Service<Hasher, HasherShape>()("resumable-upload/Hasher") {}

/** The pure CRC-64 from core, as an incremental state. @category constructors */
export const pureCrc64 = (): IncrementalHash<bigint> => {
  let crc = 0n
  return {
    update: (chunk) => {
      crc = Crc64.compute(chunk, crc)
    },
    digest: () => crc
  }
}

/** Which digests of a part are wanted besides the MD5, which every store checks. @category models */
export interface DigestOptions {
  readonly crc64: boolean
}

/** Digests of one part body; `crc64` is absent when it was not wanted. @category models */
export interface PartDigest {
  readonly md5: Uint8Array
  readonly crc64?: bigint
  /** The part's bytes, when the hasher moved them to another thread and back: the argument is detached, send these. */
  readonly bytes?: Uint8Array
}

/**
 * An off-thread `digestPart` rejected (its worker could not start, died or threw): the part cannot be sent, so the
 * upload stops, resumable. The fix is in the cause's message. @category errors
 */
export class HashFailed extends Data.TaggedError("HashFailed")<{ readonly message: string; readonly cause: unknown }> {}

/** MD5 (and CRC-64 when wanted) of a buffer in one call (the hasher's `digestPart` when it has one). @category utils */
export const digestPart = (bytes: Uint8Array, options: DigestOptions): Effect.Effect<PartDigest, HashFailed, Hasher> =>
  Effect.gen(function* () {
    const hasher = yield* Hasher
    if (hasher.digestPart !== undefined) {
      const offThread = hasher.digestPart
      const digest = yield* Effect.tryPromise({
        try: () => offThread(bytes, options),
        catch: (cause) =>
          new HashFailed({ message: `hashing a part failed: ${cause instanceof Error ? cause.message : cause}`, cause })
      })
      if (options.crc64 && digest.crc64 === undefined) return yield* Effect.die("Hasher.digestPart: no CRC-64")
      // An unasked-for CRC-64 is dropped, so what is recorded does not depend on which hasher ran.
      if (options.crc64) return digest
      return digest.bytes === undefined ? { md5: digest.md5 } : { md5: digest.md5, bytes: digest.bytes }
    }
    const md5 = hasher.md5()
    md5.update(bytes)
    if (!options.crc64) return { md5: md5.digest() }
    const crc = hasher.crc64()
    crc.update(bytes)
    return { md5: md5.digest(), crc64: crc.digest() }
  })

const hexDigits = Array.from({ length: 256 }, (_, i) => i.toString(16).padStart(2, "0"))

/** Lowercase hex. @category utils */
export const toHex = (bytes: Uint8Array): string => {
  let out = ""
  for (const b of bytes) out += hexDigits[b]
  return out
}

const base64Alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/"

/** Standard base64 with padding; written out because `btoa` is not in every runtime's type lib. @category utils */
export const toBase64 = (bytes: Uint8Array): string => {
  let out = ""
  for (let i = 0; i < bytes.length; i += 3) {
    const a = bytes[i] ?? 0
    const b = bytes[i + 1] ?? 0
    const c = bytes[i + 2] ?? 0
    const n = (a << 16) | (b << 8) | c
    out += base64Alphabet[(n >>> 18) & 63]
    out += base64Alphabet[(n >>> 12) & 63]
    out += i + 1 < bytes.length ? base64Alphabet[(n >>> 6) & 63] : "="
    out += i + 2 < bytes.length ? base64Alphabet[n & 63] : "="
  }
  return out
}
