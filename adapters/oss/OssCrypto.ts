/**
 * The two primitives only OSS signature V1 needs, on WebCrypto like the shared ones in
 * `@resumable-upload/http/Crypto`: HMAC-SHA1, and standard base64, the form a V1 signature is written in.
 *
 * @since 0.1.0
 */

import { hmac } from "@resumable-upload/http/Crypto"
import type * as Effect from "effect/Effect"

/** Standard base64 with padding, as V1 signatures are written. @category encoding */
export const toBase64 = (bytes: Uint8Array): string => {
  let binary = ""
  for (const byte of bytes) binary += String.fromCharCode(byte)
  return btoa(binary)
}

/** HMAC-SHA1 (signature V1). @category hashing */
export const hmacSha1: (key: string | Uint8Array<ArrayBuffer>, data: string) => Effect.Effect<Uint8Array<ArrayBuffer>> =
  hmac("SHA-1")
