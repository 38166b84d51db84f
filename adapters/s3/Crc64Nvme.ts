/**
 * CRC-64/NVME, the checksum S3 calls `CRC64NVME` (`x-amz-checksum-crc64nvme`): reflected polynomial
 * 0x9A6C9329AC4BC9B5 (normal 0xAD93D23594C93659), init = xorout = ~0, check value 0xAE8B14860A799888 for
 * `"123456789"` (protocol.md §2.2).
 *
 * The engine is core's CRC-64 (slicing-by-8 on 32-bit halves, zlib-style combine) with S3's polynomial, so a part
 * is hashed at the same speed as the CRC-64/XZ the engine computes, and a multipart object's full-object checksum
 * is folded from the parts' values without reading the bytes again.
 *
 * @since 0.1.0
 */
import * as Crc64 from "@resumable-upload/core/Crc64"

const nvme = Crc64.make(0x9a6c9329ac4bc9b5n)

/** CRC of `bytes`, continuing from the finalized CRC `previous` of the bytes before them. @category hashing */
export const compute: (bytes: Uint8Array, previous?: bigint) => bigint = nvme.compute

/** CRC of A ‖ B from crc(A), crc(B) and B's length in bytes. @category hashing */
export const combine: (crc1: bigint, crc2: bigint, length2Bytes: number) => bigint = nvme.combine

/** The header form: base64 of the 8 big-endian bytes (`rosUhgp5mIg=` for the check value). @category conversions */
export const toBase64 = (crc: bigint): string => {
  let binary = ""
  for (let shift = 56n; shift >= 0n; shift -= 8n) binary += String.fromCharCode(Number((crc >> shift) & 0xffn))
  return btoa(binary)
}

/** Parses the header form; `undefined` unless it is base64 of exactly 8 bytes. @category conversions */
export const fromBase64 = (text: string): bigint | undefined => {
  let binary: string
  try {
    binary = atob(text.trim())
  } catch {
    return undefined
  }
  if (binary.length !== 8) return undefined
  let crc = 0n
  for (let i = 0; i < 8; i++) crc = (crc << 8n) | BigInt(binary.charCodeAt(i))
  return crc
}
