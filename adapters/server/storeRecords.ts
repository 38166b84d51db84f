/**
 * The record headers the disk storage writes (storedRecords.ts reads them back): a part's size, digests and write
 * time; an object's bucket, key, ETag, CRC-64, time and attributes; and for a completed upload the manifest, the
 * upload whose part files hold the bytes and `[partNumber, offset, size]` of each part in order.
 *
 * @since 0.1.0
 */
import type { NumberedFacts, PartFacts } from "@resumable-upload/sim/MultipartRules"
import type { ObjectMeta, PartMeta } from "./diskIndex.ts"

/** A received body's size and digests. @category models */
export type BodyFacts = PartFacts

const hex = (bytes: Uint8Array): string => Buffer.from(bytes).toString("hex")

/** @category utils */
export const partHeader = (partNumber: number, modifiedAtMs: number, facts: BodyFacts): Record<string, unknown> => ({
  partNumber,
  modifiedAtMs,
  md5: hex(facts.md5),
  crc64: BigInt.asUintN(64, facts.crc64).toString()
})

/** @category utils */
export const objectHeader = (object: ObjectMeta): Record<string, unknown> => ({
  bucket: object.bucket,
  key: object.key,
  etag: object.etag,
  crc64: BigInt.asUintN(64, object.crc64).toString(),
  modifiedAtMs: object.modifiedAtMs,
  ...(object.contentType === undefined ? {} : { contentType: object.contentType }),
  ...(object.metadata === undefined ? {} : { metadata: object.metadata })
})

/** @category utils */
export const manifestHeader = (
  object: ObjectMeta,
  parts: ReadonlyArray<NumberedFacts<PartMeta>>
): Record<string, unknown> => ({
  ...objectHeader(object),
  blob: object.blob,
  parts: parts.map(([partNumber, part]) => [partNumber, part.dataOffsetBytes, part.sizeBytes])
})
