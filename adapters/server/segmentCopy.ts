/**
 * The server side of CopyObject and UploadPartCopy: a byte range of a stored object streamed into a new record
 * while it is hashed (MD5 for the ETag, CRC-64 for OSS), a piece at a time, whatever the size.
 *
 * @since 0.1.0
 */
import { createHash } from "node:crypto"
import * as Crc64 from "@resumable-upload/core/Crc64"
import { readObject, type Segment } from "./objectSegments.ts"
import type { StreamedRecord } from "./streamedRecord.ts"

/** @category models */
export interface CopiedBytes {
  readonly sizeBytes: number
  readonly md5: Uint8Array
  readonly crc64: bigint
}

const batchBytes = 1024 * 1024

/** Copies `[startByte, endByte)` of the object made of `segments` into `record`. @category utils */
export const copySegments = async (
  segments: ReadonlyArray<Segment>,
  startByte: number,
  endByte: number,
  record: StreamedRecord
): Promise<CopiedBytes> => {
  const md5 = createHash("md5")
  let crc64 = 0n
  let sizeBytes = 0
  let batch: Array<Uint8Array> = []
  let batched = 0
  for await (const piece of readObject(segments, startByte, endByte) as AsyncIterable<Buffer>) {
    md5.update(piece)
    crc64 = Crc64.compute(piece, crc64)
    sizeBytes += piece.length
    batch.push(piece)
    batched += piece.length
    if (batched >= batchBytes) {
      await record.write(batch)
      batch = []
      batched = 0
    }
  }
  if (batch.length > 0) await record.write(batch)
  return { sizeBytes, md5: new Uint8Array(md5.digest()), crc64 }
}
