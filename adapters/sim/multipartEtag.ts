/**
 * MD5-based ETags and `Content-MD5` checking for the multipart model.
 *
 * A part's (or a simple object's) ETag is the quoted hex MD5 of its bytes; a multipart object's ETag uses the S3
 * de-facto formula `"hex(md5(md5(p1)‖…‖md5(pN)))-N"` (protocol.md §1.3). OSS does not document its formula, so the
 * model reuses S3's; OSS writes hex in uppercase, S3 in lowercase. MD5 comes from spark-md5 because the model must
 * not depend on `node:crypto` (it also runs in the browser-facing simulator).
 *
 * @since 0.1.0
 */

import type { Dialect } from "@resumable-upload/core/Limits"
import { toHex } from "@resumable-upload/core/ports/Hasher"
import SparkMD5 from "spark-md5"

/** The 16-byte MD5 digest of `bytes`. @category utils */
export const md5 = (bytes: Uint8Array): Uint8Array => {
  // spark-md5 hashes a whole ArrayBuffer, so hand it an exactly-sized copy rather than a view's larger buffer.
  const raw = SparkMD5.ArrayBuffer.hash(new Uint8Array(bytes).buffer, true)
  const digest = new Uint8Array(16)
  for (let i = 0; i < 16; i++) digest[i] = raw.charCodeAt(i)
  return digest
}

const hexIn = (dialect: Dialect, bytes: Uint8Array): string =>
  dialect === "oss" ? toHex(bytes).toUpperCase() : toHex(bytes)

/** `"<hex md5>"`: the ETag of a part or of a PutObject object. @category utils */
export const simpleEtag = (dialect: Dialect, digest: Uint8Array): string => `"${hexIn(dialect, digest)}"`

/** `"<hex md5(md5(p1)‖…‖md5(pN))>-N"`: the ETag of a completed multipart object. @category utils */
export const multipartEtag = (dialect: Dialect, partDigests: ReadonlyArray<Uint8Array>): string => {
  const joined = new Uint8Array(partDigests.length * 16)
  for (const [i, digest] of partDigests.entries()) joined.set(digest, i * 16)
  return `"${hexIn(dialect, md5(joined))}-${partDigests.length}"`
}

const base64Values = new Map(
  Array.from("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/", (c, i) => [c, i] as const)
)

/**
 * Decodes a `Content-MD5` header: padded base64 of exactly 16 bytes (24 characters ending in `==`), else
 * `undefined`. A hex digest (a common client mistake) is 32 characters and is therefore rejected as malformed.
 *
 * @category utils
 */
export const decodeContentMd5 = (text: string): Uint8Array | undefined => {
  if (text.length !== 24 || !text.endsWith("==")) return undefined
  const out = new Uint8Array(16)
  // 22 significant characters carry 132 bits: the 128 of the digest, then 4 padding bits that are ignored.
  let acc = 0
  let accBits = 0
  let n = 0
  for (let i = 0; i < 22; i++) {
    const value = base64Values.get(text.charAt(i))
    if (value === undefined) return undefined
    acc = ((acc << 6) | value) & 0xffff
    accBits += 6
    if (accBits >= 8) {
      accBits -= 8
      out[n++] = (acc >> accBits) & 0xff
    }
  }
  return out
}

/** Byte-wise equality of two digests. @category utils */
export const sameDigest = (a: Uint8Array, b: Uint8Array): boolean =>
  a.length === b.length && a.every((x, i) => x === b[i])
