/**
 * Reads only the header of a record file (recordFile.ts's layout), never its bytes: at startup the disk storage
 * learns every part and object from their headers, so a restart costs metadata, not a reread of the data.
 *
 * @since 0.1.0
 */
import { open } from "node:fs/promises"

/** @category models */
export interface RecordHeader {
  readonly header: Readonly<Record<string, unknown>>
  /** Where the bytes start. */
  readonly dataOffsetBytes: number
  /** How many bytes follow the header, which a whole record's `sizeBytes` equals. */
  readonly dataBytes: number
}

// Headers of parts and objects are small; a Complete manifest of 10,000 parts is a few hundred kB.
const firstReadBytes = 64 * 1024
const headerBytesMax = 4 * 1024 * 1024

/** The header, or `undefined` when the file is missing, torn or not a record. @category utils */
export const readRecordHeader = async (path: string): Promise<RecordHeader | undefined> => {
  try {
    const handle = await open(path, "r")
    try {
      const { size } = await handle.stat()
      let buffer = Buffer.alloc(Math.min(size, firstReadBytes))
      let { bytesRead } = await handle.read(buffer, 0, buffer.length, 0)
      let newline = buffer.subarray(0, bytesRead).indexOf(0x0a)
      if (newline === -1 && size > bytesRead) {
        buffer = Buffer.alloc(Math.min(size, headerBytesMax))
        ;({ bytesRead } = await handle.read(buffer, 0, buffer.length, 0))
        newline = buffer.subarray(0, bytesRead).indexOf(0x0a)
      }
      if (newline === -1) return undefined
      const header: unknown = JSON.parse(buffer.subarray(0, newline).toString("utf8"))
      if (typeof header !== "object" || header === null || Array.isArray(header)) return undefined
      const record = header as Record<string, unknown>
      const dataBytes = size - newline - 1
      return record.sizeBytes === dataBytes ? { header: record, dataOffsetBytes: newline + 1, dataBytes } : undefined
    } finally {
      await handle.close()
    }
  } catch {
    return undefined
  }
}
