/**
 * S3 additional checksums on UploadPart and PutObject ("Checking object integrity"): a `x-amz-checksum-<algorithm>`
 * header or aws-chunked trailer holds the base64 of the body's big-endian digest; this server recomputes it, answers
 * `400 BadDigest` on a mismatch and echoes the value back, as S3 does. CRC-32 (what the AWS SDKs send by default),
 * CRC-32C, CRC-64/NVME, SHA-1 and SHA-256 are understood; other `x-amz-checksum-*` names (`-type`, `-mode`,
 * `-algorithm`) are not digests and are ignored. Complete's full-object checksum headers are not checked.
 *
 * CRC-64/NVME comes from core/Crc64.ts's engine (reflected poly 0x9A6C9329AC4BC9B5, i.e. 0xAD93D23594C93659);
 * CRC-32 from node:zlib; CRC-32C from a small table here (Node has none).
 *
 * @since 0.1.0
 */
import { createHash } from "node:crypto"
import { crc32 } from "node:zlib"
import * as Crc64 from "@resumable-upload/core/Crc64"
import type { ModelError } from "@resumable-upload/sim/MultipartModel"
import * as S3Errors from "./s3Errors.ts"

const crc64Nvme = Crc64.make(0x9a6c9329ac4bc9b5n)

let crc32cTable: Uint32Array | undefined

/** CRC-32C (Castagnoli, reflected poly 0x82F63B78), byte at a time. @category hashing */
export const crc32c = (bytes: Uint8Array): number => {
  if (crc32cTable === undefined) {
    crc32cTable = new Uint32Array(256)
    for (let n = 0; n < 256; n++) {
      let c = n
      for (let k = 0; k < 8; k++) c = c & 1 ? 0x82f63b78 ^ (c >>> 1) : c >>> 1
      crc32cTable[n] = c >>> 0
    }
  }
  const table = crc32cTable
  let crc = 0xffffffff
  for (const byte of bytes) crc = (table[(crc ^ byte) & 0xff] ?? 0) ^ (crc >>> 8)
  return (crc ^ 0xffffffff) >>> 0
}

const u32 = (value: number): Buffer => {
  const out = Buffer.alloc(4)
  out.writeUInt32BE(value >>> 0)
  return out
}

const u64 = (value: bigint): Buffer => {
  const out = Buffer.alloc(8)
  out.writeBigUInt64BE(BigInt.asUintN(64, value))
  return out
}

/** Each algorithm's digest, big-endian, as S3 base64-encodes it. @category constants */
export const checksumAlgorithms: Readonly<Record<string, (bytes: Uint8Array) => Buffer>> = {
  crc32: (bytes) => u32(crc32(bytes)),
  crc32c: (bytes) => u32(crc32c(bytes)),
  crc64nvme: (bytes) => u64(crc64Nvme.compute(bytes)),
  sha1: (bytes) => createHash("sha1").update(bytes).digest(),
  sha256: (bytes) => createHash("sha256").update(bytes).digest()
}

/** @category models */
export type ChecksumResult =
  | { readonly ok: true; readonly echo: Readonly<Record<string, string>> }
  | { readonly ok: false; readonly error: ModelError }

/**
 * Verifies the checksum a request carries in its headers or trailers (names lowercase) against `bytes`; at most one
 * algorithm per request, as S3 requires. `echo` holds the header to answer with.
 *
 * @category utils
 */
export const verifyChecksums = (
  headers: Readonly<Record<string, string>>,
  trailers: Readonly<Record<string, string>>,
  bytes: Uint8Array
): ChecksumResult => {
  const sent = Object.keys(checksumAlgorithms).flatMap((algorithm) => {
    const value = trailers[`x-amz-checksum-${algorithm}`] ?? headers[`x-amz-checksum-${algorithm}`]
    return value === undefined ? [] : [[algorithm, value.trim()] as const]
  })
  if (sent.length === 0) return { ok: true, echo: {} }
  const [first, second] = sent
  if (second !== undefined || first === undefined) {
    return { ok: false, error: S3Errors.invalidChecksum("Expecting a single x-amz-checksum- header") }
  }
  const [algorithm, value] = first
  const computed = checksumAlgorithms[algorithm]?.(bytes)
  if (computed === undefined) return { ok: true, echo: {} }
  const claimed = /^[A-Za-z0-9+/]+={0,2}$/.test(value) ? Buffer.from(value, "base64") : undefined
  if (claimed === undefined || claimed.length !== computed.length) {
    return { ok: false, error: S3Errors.invalidChecksum(`Value for x-amz-checksum-${algorithm} header is invalid.`) }
  }
  if (!claimed.equals(computed)) return { ok: false, error: S3Errors.checksumMismatch(algorithm) }
  return { ok: true, echo: { [`x-amz-checksum-${algorithm}`]: computed.toString("base64") } }
}
