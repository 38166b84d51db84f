/**
 * A record file (recordFile.ts's layout: one JSON header line, then the bytes) written while its bytes stream in:
 * the data goes to a temp file after a reserved header area, and the header, known only at the end (size, digests),
 * is written into that area, padded with spaces JSON ignores. Then fsync, rename into place, and the directory's
 * fsync: the file is visible only once it is whole and durable. Records written whole by recordFile.ts read back
 * the same way, so data directories of earlier versions stay readable.
 *
 * @since 0.1.0
 */
import { randomUUID } from "node:crypto"
import { type FileHandle, open, rename, rm } from "node:fs/promises"
import { join } from "node:path"
import type { DirectorySyncer } from "./directorySync.ts"
import { tempPrefix } from "./recordFile.ts"

// Room for the fields only known at the end (size, MD5, CRC-64, ETag, times), beyond those known at the start.
const headerSlackBytes = 512

/** @category models */
export class StreamedRecord {
  private positionBytes: number
  private closed = false
  private readonly handle: FileHandle
  private readonly syncer: DirectorySyncer
  readonly tempPath: string
  readonly headerBytes: number

  private constructor(handle: FileHandle, tempPath: string, headerBytes: number, syncer: DirectorySyncer) {
    this.handle = handle
    this.tempPath = tempPath
    this.headerBytes = headerBytes
    this.syncer = syncer
    this.positionBytes = headerBytes
  }

  /** A temp file in `tempDirectory` with room for a header like `known` plus the fields added at the end. */
  static async create(
    tempDirectory: string,
    known: Readonly<Record<string, unknown>>,
    syncer: DirectorySyncer
  ): Promise<StreamedRecord> {
    const tempPath = join(tempDirectory, `${tempPrefix}${randomUUID()}`)
    const headerBytes = Buffer.byteLength(JSON.stringify(known), "utf8") + headerSlackBytes
    const handle = await open(tempPath, "wx")
    return new StreamedRecord(handle, tempPath, headerBytes, syncer)
  }

  /** Bytes written after the header so far. */
  get dataBytes(): number {
    return this.positionBytes - this.headerBytes
  }

  /** Appends `pieces` (one system call for many). */
  readonly write = async (pieces: ReadonlyArray<Uint8Array>): Promise<void> => {
    let at = 0
    let list = pieces
    while (list.length > 0) {
      const { bytesWritten } = await this.handle.writev(list as Array<NodeJS.ArrayBufferView>, this.positionBytes)
      this.positionBytes += bytesWritten
      at = bytesWritten
      // A short write (rare, large batches) continues with what is left.
      const rest: Array<Uint8Array> = []
      for (const piece of list) {
        if (at >= piece.length) at -= piece.length
        else {
          rest.push(piece.subarray(at))
          at = 0
        }
      }
      list = rest
    }
  }

  /** Writes the header, fsyncs, renames to `directory/name` and fsyncs the directory. */
  async commit(header: Readonly<Record<string, unknown>>, directory: string, name: string): Promise<void> {
    const json = JSON.stringify({ ...header, sizeBytes: this.dataBytes })
    const length = Buffer.byteLength(json, "utf8")
    if (length + 1 > this.headerBytes) throw new Error("StreamedRecord: the header outgrew its reserved room")
    const line = Buffer.alloc(this.headerBytes, 0x20)
    line.write(json, 0, "utf8")
    line[this.headerBytes - 1] = 0x0a
    await this.handle.write(line, 0, line.length, 0)
    if (this.syncer.durable) await this.handle.datasync()
    await this.close()
    await rename(this.tempPath, join(directory, name))
    await this.syncer.sync(directory)
  }

  /** Drops the temp file (a refused or abandoned body). Never rejects. */
  async discard(): Promise<void> {
    await this.close().catch(() => undefined)
    await rm(this.tempPath, { force: true }).catch(() => undefined)
  }

  private async close(): Promise<void> {
    if (this.closed) return
    this.closed = true
    await this.handle.close()
  }
}
