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

/** CRC-32C (Castagnoli, reflected poly 0x82F63B78), byte at a time; `previous` continues an earlier result. @category hashing */
export const crc32c = (bytes: Uint8Array, previous = 0): number => {
  if (crc32cTable === undefined) {
    crc32cTable = new Uint32Array(256)
    for (let n = 0; n < 256; n++) {
      let c = n
      for (let k = 0; k < 8; k++) c = c & 1 ? 0x82f63b78 ^ (c >>> 1) : c >>> 1
      crc32cTable[n] = c >>> 0
    }
  }
  const table = crc32cTable
  let crc = (previous ^ 0xffffffff) >>> 0
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

/** One checksum being computed over a body that arrives in pieces. @category models */
export interface ChecksumState {
  readonly update: (bytes: Uint8Array) => void
  /** The big-endian digest, as S3 base64-encodes it. */
  readonly digest: () => Buffer
}

const running = <T>(initial: T, step: (bytes: Uint8Array, value: T) => T, out: (value: T) => Buffer) => {
  let value = initial
  const update = (bytes: Uint8Array): void => {
    value = step(bytes, value)
  }
  return { update, digest: () => out(value) }
}

const hashing = (algorithm: string): ChecksumState => {
  const hash = createHash(algorithm)
  return { update: (bytes) => void hash.update(bytes), digest: () => hash.digest() }
}

/** Each algorithm as an incremental computation. @category constants */
export const checksumStates: Readonly<Record<string, () => ChecksumState>> = {
  crc32: () => running<number>(0, (bytes, value) => crc32(bytes, value), u32),
  crc32c: () => running<number>(0, (bytes, value) => crc32c(bytes, value), u32),
  crc64nvme: () => running<bigint>(0n, (bytes, value) => crc64Nvme.compute(bytes, value), u64),
  sha1: () => hashing("sha1"),
  sha256: () => hashing("sha256")
}

const whole =
  (algorithm: string) =>
  (bytes: Uint8Array): Buffer => {
    const state = checksumStates[algorithm]?.()
    if (state === undefined) throw new Error(`s3Checksums: unknown algorithm ${algorithm}`)
    state.update(bytes)
    return state.digest()
  }

/** Each algorithm's digest of a whole body. @category constants */
export const checksumAlgorithms: Readonly<Record<string, (bytes: Uint8Array) => Buffer>> = Object.fromEntries(
  Object.keys(checksumStates).map((algorithm) => [algorithm, whole(algorithm)])
)

/** @category models */
export type ChecksumResult =
  | { readonly ok: true; readonly echo: Readonly<Record<string, string>> }
  | { readonly ok: false; readonly error: ModelError }

/** What to compute while the body streams: the algorithm, if the request sends one checksum. @category models */
export type ChecksumPlan =
  | { readonly ok: true; readonly algorithm: string | undefined }
  | { readonly ok: false; readonly error: ModelError }

/**
 * The one algorithm a request's checksum headers, or the trailers its `x-amz-trailer` announces, name; at most one
 * per request, as S3 requires. Decided before the body is read, so the body is hashed as it streams.
 *
 * @category utils
 */
export const planChecksum = (headers: Readonly<Record<string, string>>): ChecksumPlan => {
  const announced = new Set(
    (headers["x-amz-trailer"] ?? "")
      .split(",")
      .map((name) => name.trim().toLowerCase())
      .filter((name) => name !== "")
  )
  const sent = Object.keys(checksumStates).filter(
    (algorithm) => headers[`x-amz-checksum-${algorithm}`] !== undefined || announced.has(`x-amz-checksum-${algorithm}`)
  )
  if (sent.length > 1) {
    return { ok: false, error: S3Errors.invalidChecksum("Expecting a single x-amz-checksum- header") }
  }
  return { ok: true, algorithm: sent[0] }
}

/**
 * Holds the computed digest of `algorithm` to the value the request carries in its headers or trailers (names
 * lowercase). `echo` holds the header to answer with.
 *
 * @category utils
 */
export const checkChecksum = (
  headers: Readonly<Record<string, string>>,
  trailers: Readonly<Record<string, string>>,
  algorithm: string | undefined,
  computed: Buffer | undefined
): ChecksumResult => {
  if (algorithm === undefined || computed === undefined) return { ok: true, echo: {} }
  const value = (trailers[`x-amz-checksum-${algorithm}`] ?? headers[`x-amz-checksum-${algorithm}`] ?? "").trim()
  const claimed = /^[A-Za-z0-9+/]+={0,2}$/.test(value) ? Buffer.from(value, "base64") : undefined
  if (claimed === undefined || claimed.length !== computed.length) {
    return { ok: false, error: S3Errors.invalidChecksum(`Value for x-amz-checksum-${algorithm} header is invalid.`) }
  }
  if (!claimed.equals(computed)) return { ok: false, error: S3Errors.checksumMismatch(algorithm) }
  return { ok: true, echo: { [`x-amz-checksum-${algorithm}`]: computed.toString("base64") } }
}
