/**
 * The cryptographic primitives the request signers need (SigV4 and OSS V4 alike, and V1's HMAC-SHA1 in the OSS
 * adapter), on WebCrypto only.
 *
 * `globalThis.crypto.subtle` exists in Node ≥ 20, Deno, browsers and workers, so the signers import no `node:*`
 * module and run unchanged everywhere. WebCrypto is promise-based; a rejection here (an unsupported algorithm, a
 * missing `crypto.subtle` in an insecure browser context) is an environment defect, not a signing outcome, so the
 * promises are wrapped with `Effect.promise` and fail as defects.
 *
 * @since 0.1.0
 */
import * as Effect from "effect/Effect"

const encoder = new TextEncoder()

/** UTF-8 bytes; `TextEncoder` is available in every runtime that has WebCrypto. @category encoding */
export const utf8 = (text: string): Uint8Array<ArrayBuffer> => encoder.encode(text)

/** @category encoding */
export const toHex = (bytes: Uint8Array): string => Array.from(bytes, (b) => b.toString(16).padStart(2, "0")).join("")

const toBytes = (data: string | Uint8Array<ArrayBuffer>): Uint8Array<ArrayBuffer> =>
  typeof data === "string" ? utf8(data) : data

/** An HMAC over the UTF-8 text `data` with the given hash; a string key is taken as its UTF-8 bytes. @category hashing */
export const hmac =
  (hash: "SHA-1" | "SHA-256") =>
  (key: string | Uint8Array<ArrayBuffer>, data: string): Effect.Effect<Uint8Array<ArrayBuffer>> =>
    Effect.promise(async () => {
      const cryptoKey = await crypto.subtle.importKey("raw", toBytes(key), { name: "HMAC", hash }, false, ["sign"])
      return new Uint8Array(await crypto.subtle.sign("HMAC", cryptoKey, utf8(data)))
    })

/** HMAC-SHA256 (V4 key derivation and signature, OSS and S3). @category hashing */
export const hmacSha256: (
  key: string | Uint8Array<ArrayBuffer>,
  data: string
) => Effect.Effect<Uint8Array<ArrayBuffer>> = hmac("SHA-256")

/** Lowercase hex SHA-256 of the UTF-8 text (the canonical-request hash of V4). @category hashing */
export const sha256Hex = (text: string): Effect.Effect<string> =>
  Effect.promise(async () => toHex(new Uint8Array(await crypto.subtle.digest("SHA-256", utf8(text)))))

/**
 * Compares a signature we computed with the one a client sent, in time that depends only on their lengths (which
 * are public: a base64 SHA-1 or hex SHA-256), so a forger cannot find the right signature byte by byte from timing.
 *
 * @category comparison
 */
export const constantTimeEqual = (expected: string, provided: string): boolean => {
  const a = utf8(expected)
  const b = utf8(provided)
  let diff = a.length ^ b.length
  const length = Math.max(a.length, b.length)
  for (let i = 0; i < length; i++) diff |= (a[i] ?? 0) ^ (b[i] ?? 0)
  return diff === 0
}
