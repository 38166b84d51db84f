/**
 * RFC 3986 percent-encoding over UTF-8, the one encoding every canonical request of both stores is written in
 * (OSS V4 and S3 SigV4 URIs and queries), and the `EncodingType=url` key encoding of the multipart XML documents
 * built on it (/work/shared/docs/protocol.md §1, §3.2, §3.3).
 *
 * Signer, verifier and XML builders all go through these functions, so a client and the emulator can never
 * disagree on, say, how `+` in a key is encoded.
 *
 * @since 0.1.0
 */
import { utf8 } from "./Crypto.ts"

const isUnreserved = (byte: number): boolean =>
  (byte >= 0x41 && byte <= 0x5a) || // A-Z
  (byte >= 0x61 && byte <= 0x7a) || // a-z
  (byte >= 0x30 && byte <= 0x39) || // 0-9
  byte === 0x2d || // -
  byte === 0x2e || // .
  byte === 0x5f || // _
  byte === 0x7e // ~

/**
 * RFC 3986 encoding of the UTF-8 bytes: `A-Za-z0-9-._~` stay, everything else becomes uppercase `%XX` (space is
 * `%20`, never `+`). With `keepSlash`, `/` stays too (the V4 canonical URI). GOv2 `escapePath`, ali-oss `encodeURIComponent` plus `!'()*`.
 *
 * @category encoding
 */
export const uriEncode = (text: string, keepSlash = false): string => {
  let out = ""
  for (const byte of utf8(text)) {
    out +=
      isUnreserved(byte) || (keepSlash && byte === 0x2f)
        ? String.fromCharCode(byte)
        : `%${byte.toString(16).toUpperCase().padStart(2, "0")}`
  }
  return out
}

/** Whether an `EncodingType` element asks for URL-decoding (GOv2 compares case-insensitively). @category decoding */
export const isUrlEncoding = (encodingType: string | undefined): boolean =>
  encodingType !== undefined && encodingType.trim().toLowerCase() === "url"

/**
 * `EncodingType=url` encoding of a key: RFC 3986 over UTF-8, `/` included (`demo%2Fgp-%0C%0A%0B`), space as `%20`.
 *
 * @category encoding
 */
export const encodeUrlKey = (text: string): string => uriEncode(text)

/**
 * Reverses {@link encodeUrlKey} with Go's `url.QueryUnescape` semantics, which GOv2 applies: `+` is a space.
 * `undefined` for a broken escape (`%G1`, truncated UTF-8) instead of a throw.
 *
 * @category decoding
 */
export const decodeUrlKey = (text: string): string | undefined => {
  try {
    return decodeURIComponent(text.replace(/\+/g, " "))
  } catch {
    return undefined
  }
}
