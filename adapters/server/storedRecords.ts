/**
 * Decoding the record headers DirectoryStorage wrote back into model values, trusting nothing: a header that is not
 * exactly what a write produced (hand-edited, from another version) is skipped rather than restored half right.
 *
 * @since 0.1.0
 */
import type { ObjectSnapshot, RestoredUpload, StoredAttributes } from "@resumable-upload/sim/MultipartModel"
import { numberField, stringField } from "./recordFile.ts"

type Header = Readonly<Record<string, unknown>>

const partName = /^part-(\d{5})$/

/** `part-00042` → 42; `undefined` for any other name (temp files, foreign files). @category utils */
export const partNumberOfName = (name: string): number | undefined => {
  const match = partName.exec(name)
  return match === null ? undefined : Number(match[1])
}

const metadataOf = (value: unknown): Record<string, string> | undefined => {
  if (typeof value !== "object" || value === null || Array.isArray(value)) return undefined
  const entries = Object.entries(value)
  return entries.every(([, v]) => typeof v === "string") ? Object.fromEntries(entries) : undefined
}

const attributesOf = (header: Header): StoredAttributes => {
  const contentType = stringField(header, "contentType")
  const metadata = metadataOf(header.metadata)
  return {
    ...(contentType === undefined ? {} : { contentType }),
    ...(metadata === undefined ? {} : { metadata })
  }
}

/** @category utils */
export const uploadOfRecord = (header: Header): RestoredUpload | undefined => {
  const bucket = stringField(header, "bucket")
  const key = stringField(header, "key")
  const uploadId = stringField(header, "uploadId")
  const initiatedAtMs = numberField(header, "initiatedAtMs")
  if (bucket === undefined || key === undefined || uploadId === undefined || initiatedAtMs === undefined) {
    return undefined
  }
  return { bucket, key, uploadId, initiatedAtMs, ...attributesOf(header) }
}

/** @category utils */
export const objectOfRecord = (header: Header, bytes: Uint8Array): ObjectSnapshot | undefined => {
  const bucket = stringField(header, "bucket")
  const key = stringField(header, "key")
  const etag = stringField(header, "etag")
  const crc = stringField(header, "crc64")
  const modifiedAtMs = numberField(header, "modifiedAtMs")
  if (bucket === undefined || key === undefined || etag === undefined || modifiedAtMs === undefined) return undefined
  if (crc === undefined || !/^\d{1,20}$/.test(crc)) return undefined
  return { bucket, key, bytes, etag, crc64: BigInt(crc), modifiedAtMs, ...attributesOf(header) }
}
