/**
 * CompleteMultipartUpload for the multipart model: which parts make the object, whether they may, and the result.
 *
 * Checks run in the order protocol.md §1.3 implies and the model promises: empty list (`MalformedXML`), order
 * (`InvalidPartOrder`), existence and ETag (`InvalidPart`), then sizes (`EntityTooSmall`, `EntityTooLarge`). Each
 * check runs over the whole list before the next, so a list that is both unordered and wrong reports the order.
 *
 * @since 0.1.0
 */
import * as Crc64 from "@resumable-upload/core/Crc64"
import type { Dialect, DialectLimits } from "@resumable-upload/core/Limits"
import { type CompletedPart, normalizeEtag } from "@resumable-upload/core/ports/ObjectStore"
import * as Errors from "./modelErrors.ts"
import { fail, type ModelResult, ok } from "./modelErrors.ts"
import { multipartEtag } from "./multipartEtag.ts"

/** A part as the model keeps it: a private copy of the bytes and its digests. @category models */
export interface StoredPart {
  readonly bytes: Uint8Array
  readonly md5: Uint8Array
  /** Quoted hex MD5, in the dialect's case. */
  readonly etag: string
  readonly crc64: bigint
  /** When the part was written (`nowMs` of its UploadPart); absent only for parts made by older callers. */
  readonly modifiedAtMs?: number
}

/** @category models */
export type NumberedPart = readonly [partNumber: number, part: StoredPart]

/** The uploaded parts a Complete body names, in its order; every one must exist with a matching ETag. @category utils */
export const listedParts = (
  uploaded: ReadonlyMap<number, StoredPart>,
  listed: ReadonlyArray<CompletedPart>
): ModelResult<ReadonlyArray<NumberedPart>> => {
  if (listed.length === 0) return fail(Errors.malformedXml())
  for (let i = 1; i < listed.length; i++) {
    // Strictly ascending: a repeated number is an order error too.
    if ((listed[i]?.partNumber ?? 0) <= (listed[i - 1]?.partNumber ?? 0)) return fail(Errors.invalidPartOrder())
  }
  const parts: Array<NumberedPart> = []
  for (const { etag, partNumber } of listed) {
    const part = uploaded.get(partNumber)
    if (part === undefined || normalizeEtag(part.etag) !== normalizeEtag(etag)) {
      return fail(Errors.invalidPart(partNumber))
    }
    parts.push([partNumber, part])
  }
  return ok(parts)
}

/** Every uploaded part in part-number order, for OSS `x-oss-complete-all: yes`. @category utils */
export const allParts = (uploaded: ReadonlyMap<number, StoredPart>): ModelResult<ReadonlyArray<NumberedPart>> => {
  // OSS's answer for an upload without parts is undocumented; refusing it keeps a zero-part "object" from hiding a
  // client bug.
  if (uploaded.size === 0) return fail(Errors.invalidPart(0))
  return ok([...uploaded.entries()].sort(([a], [b]) => a - b))
}

/** @category models */
export interface AssembledObject {
  readonly bytes: Uint8Array
  readonly etag: string
  readonly crc64: bigint
}

/** Checks part and object sizes, then concatenates the parts and derives the object's ETag and CRC-64. @category utils */
export const assemble = (
  dialect: Dialect,
  limits: DialectLimits,
  parts: ReadonlyArray<NumberedPart>
): ModelResult<AssembledObject> => {
  // Only parts before the last must reach the minimum; a single part may be any size.
  for (const [i, [partNumber, part]] of parts.entries()) {
    if (i < parts.length - 1 && part.bytes.length < limits.partSizeBytesMin) {
      return fail(Errors.entityTooSmall(partNumber, part.bytes.length, limits.partSizeBytesMin))
    }
  }
  const totalBytes = parts.reduce((sum, [, part]) => sum + part.bytes.length, 0)
  if (totalBytes > limits.objectSizeBytesMax) return fail(Errors.entityTooLarge(totalBytes, limits.objectSizeBytesMax))
  const bytes = new Uint8Array(totalBytes)
  let offsetBytes = 0
  let crc64 = 0n
  for (const [, part] of parts) {
    bytes.set(part.bytes, offsetBytes)
    offsetBytes += part.bytes.length
    crc64 = Crc64.combine(crc64, part.crc64, part.bytes.length)
  }
  return ok({
    bytes,
    crc64,
    etag: multipartEtag(
      dialect,
      parts.map(([, part]) => part.md5)
    )
  })
}
