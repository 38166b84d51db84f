/**
 * Decoding the record headers the disk storage wrote back into model values, trusting nothing: a header that is not
 * exactly what a write produced (hand-edited, from another version) is skipped rather than restored half right.
 *
 * @since 0.1.0
 */
import type { RestoredUpload, StoredAttributes } from "@resumable-upload/sim/MultipartModel"
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

/** What an object record says, before its bytes are located. @category models */
export interface ObjectRecord extends StoredAttributes {
  readonly bucket: string
  readonly key: string
  readonly etag: string
  readonly crc64: bigint
  readonly modifiedAtMs: number
  /** A Complete's manifest: the upload whose part files hold the bytes, and `[partNumber, offset, size]` of each. */
  readonly manifest?: {
    readonly blob: string
    readonly parts: ReadonlyArray<readonly [number, number, number]>
  }
}

const isTriple = (value: unknown): value is readonly [number, number, number] =>
  Array.isArray(value) && value.length === 3 && value.every((n) => Number.isSafeInteger(n) && n >= 0)

/** @category utils */
export const objectOfRecord = (header: Header): ObjectRecord | undefined => {
  const bucket = stringField(header, "bucket")
  const key = stringField(header, "key")
  const etag = stringField(header, "etag")
  const crc = stringField(header, "crc64")
  const modifiedAtMs = numberField(header, "modifiedAtMs")
  if (bucket === undefined || key === undefined || etag === undefined || modifiedAtMs === undefined) return undefined
  if (crc === undefined || !/^\d{1,20}$/.test(crc)) return undefined
  const base = { bucket, key, etag, crc64: BigInt(crc), modifiedAtMs, ...attributesOf(header) }
  if (header.blob === undefined) return base
  const blob = stringField(header, "blob")
  const parts = header.parts
  if (blob === undefined || !Array.isArray(parts) || !parts.every(isTriple)) return undefined
  return { ...base, manifest: { blob, parts } }
}

/** What a part record says; digests are absent in records of earlier versions (then they are recomputed). @category models */
export interface PartRecord {
  readonly modifiedAtMs: number
  readonly md5?: Uint8Array
  readonly crc64?: bigint
}

/** @category utils */
export const partOfRecord = (header: Header): PartRecord => {
  const modifiedAtMs = numberField(header, "modifiedAtMs") ?? 0
  const md5 = stringField(header, "md5")
  const crc = stringField(header, "crc64")
  if (md5 === undefined || !/^[0-9a-f]{32}$/.test(md5) || crc === undefined || !/^\d{1,20}$/.test(crc)) {
    return { modifiedAtMs }
  }
  return { modifiedAtMs, md5: new Uint8Array(Buffer.from(md5, "hex")), crc64: BigInt(crc) }
}
