/**
 * Judging a stored object against what was uploaded, by size, CRC-64 and ETag, whichever the store reports.
 *
 * OSS reports a CRC-64 for every object; S3-compatible stores report only an ETag, which for a multipart object
 * is `md5(md5(part 1) ‖ … ‖ md5(part N))-N` when the parts were plain uploads. Some stores (Ceph RGW) answer
 * Complete with an empty ETag, so "cannot tell" is a verdict of its own and leads to a HEAD, not to a failure.
 *
 * @since 0.1.0
 */
import type { PartRecord } from "./Checkpoint.ts"
import * as Crc64 from "./Crc64.ts"
import { toHex } from "./ports/Hasher.ts"
import { normalizeEtag, type ObjectInfo, type StoredChecksums } from "./ports/ObjectStore.ts"

/** What the object must look like. @category models */
export interface Expected {
  readonly sizeBytes: number
  /** Absent when a part has none (the store verifies no CRC-64). */
  readonly crc64: bigint | undefined
  /** The multipart ETag computed from the parts' MD5s, when every part ETag was a plain MD5. */
  readonly etag: string | undefined
}

/** @category models */
export type Verdict =
  | { readonly _tag: "Match"; readonly etag: string }
  | { readonly _tag: "Mismatch"; readonly message: string }
  | { readonly _tag: "Unverifiable"; readonly etag: string; readonly message: string }
  | { readonly _tag: "Missing" }

/** CRC-64 of the whole object from its parts, in part-number order; `undefined` when a part has none. @category utils */
export const combinedCrc64 = (parts: ReadonlyArray<PartRecord>): bigint | undefined => {
  let crc = 0n
  for (const part of [...parts].sort((a, b) => a.partNumber - b.partNumber)) {
    const partCrc = part.crc64 === undefined ? undefined : Crc64.fromDecimal(part.crc64)
    if (partCrc === undefined) return undefined
    crc = Crc64.combine(crc, partCrc, part.sizeBytes)
  }
  return crc
}

const md5Hex = /^[0-9a-f]{32}$/

/** Parts' ETags as MD5 digests, or `undefined` when any is not a plain MD5 (SSE-KMS, odd stores). @category utils */
export const partDigests = (parts: ReadonlyArray<PartRecord>): ReadonlyArray<string> | undefined => {
  const digests = [...parts].sort((a, b) => a.partNumber - b.partNumber).map((part) => normalizeEtag(part.etag))
  return digests.every((d) => md5Hex.test(d)) ? digests : undefined
}

/** Judges a Complete or PutObject answer, which carries no size. @category utils */
export const judgeAnswer = (expected: Expected, answer: StoredChecksums): Verdict => {
  if (answer.crc64 !== undefined && expected.crc64 !== undefined) {
    return answer.crc64 === expected.crc64
      ? { _tag: "Match", etag: answer.etag }
      : { _tag: "Mismatch", message: `object CRC-64 is ${answer.crc64}, expected ${expected.crc64}` }
  }
  const etag = normalizeEtag(answer.etag)
  if (etag === "" || expected.etag === undefined) {
    return { _tag: "Unverifiable", etag: answer.etag, message: "the store reported neither a CRC-64 nor a usable ETag" }
  }
  return etag === normalizeEtag(expected.etag)
    ? { _tag: "Match", etag: answer.etag }
    : { _tag: "Mismatch", message: `object ETag is ${answer.etag}, expected ${expected.etag}` }
}

/** Judges a HEAD answer: size first, then checksums. @category utils */
export const judgeObject = (expected: Expected, info: ObjectInfo | undefined): Verdict => {
  if (info === undefined) return { _tag: "Missing" }
  if (info.sizeBytes !== expected.sizeBytes) {
    return { _tag: "Mismatch", message: `object is ${info.sizeBytes} bytes, expected ${expected.sizeBytes}` }
  }
  return judgeAnswer(expected, info)
}

const hexToBytes = (hex: string): Uint8Array =>
  Uint8Array.from({ length: hex.length / 2 }, (_, i) => Number.parseInt(hex.slice(2 * i, 2 * i + 2), 16))

/**
 * The expected object for a set of parts. `md5` comes from the Hasher port, which is why this is not computed
 * inside the pure transition.
 *
 * @category constructors
 */
export const expectedOf = (parts: ReadonlyArray<PartRecord>, md5: (bytes: Uint8Array) => Uint8Array): Expected => {
  const digests = partDigests(parts)
  const joined = digests === undefined ? undefined : new Uint8Array(digests.length * 16)
  for (const [i, digest] of (digests ?? []).entries()) joined?.set(hexToBytes(digest), i * 16)
  return {
    sizeBytes: parts.reduce((sum, part) => sum + part.sizeBytes, 0),
    crc64: combinedCrc64(parts),
    etag: joined === undefined || digests === undefined ? undefined : `${toHex(md5(joined))}-${digests.length}`
  }
}
