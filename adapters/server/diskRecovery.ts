/**
 * Startup of the disk storage: rebuilds the in-memory index from the record headers (never rereading data that
 * carries its digests) and tidies what a killed server left half-done:
 * - `tmp/` and `trash/` are emptied (bodies that were never acknowledged, directories being removed), and stray temp
 *   files of earlier versions are removed from `uploads/*` and `objects/`;
 * - an upload directory without its `upload` record (the server died between mkdir and the record's rename) goes;
 * - a Complete that wrote its object record but died before moving the parts is finished (the move is redone);
 * - part directories under `blobs/` that no object refers to (overwritten, deleted) are removed.
 *
 * @since 0.1.0
 */
import { createHash } from "node:crypto"
import { createReadStream } from "node:fs"
import { mkdir, readdir, rename, rm, stat } from "node:fs/promises"
import { join } from "node:path"
import * as Crc64 from "@resumable-upload/core/Crc64"
import { simpleEtag } from "@resumable-upload/sim/multipartEtag"
import { attributesOf, type DiskIndex, type ObjectMeta, type PartMeta } from "./diskIndex.ts"
import { type DiskLayout, isUploadIdName, partFileName, uploadFile } from "./diskLayout.ts"
import { readRecord, removeTempFiles } from "./recordFile.ts"
import { readRecordHeader } from "./recordHeader.ts"
import { objectOfRecord, partNumberOfName, partOfRecord, uploadOfRecord } from "./storedRecords.ts"

const exists = (path: string): Promise<boolean> =>
  stat(path).then(
    () => true,
    () => false
  )

/** MD5 and CRC-64 of a file range, for part records of earlier versions, which carried neither. */
const digestsOf = async (path: string, start: number, sizeBytes: number) => {
  const md5 = createHash("md5")
  let crc64 = 0n
  if (sizeBytes > 0) {
    for await (const piece of createReadStream(path, { start, end: start + sizeBytes - 1 }) as AsyncIterable<Buffer>) {
      md5.update(piece)
      crc64 = Crc64.compute(piece, crc64)
    }
  }
  return { md5: new Uint8Array(md5.digest()), crc64 }
}

const loadObjects = async (layout: DiskLayout, index: DiskIndex): Promise<void> => {
  for (const name of await readdir(layout.objects)) {
    const path = join(layout.objects, name)
    const record = await readRecordHeader(path)
    const object = record === undefined ? undefined : objectOfRecord(record.header)
    if (record === undefined || object === undefined) continue
    if (layout.objectPath(object.bucket, object.key) !== path) continue
    const { manifest, ...rest } = object
    let meta: ObjectMeta
    if (manifest === undefined) {
      meta = {
        ...rest,
        sizeBytes: record.dataBytes,
        segments: [{ path, offsetBytes: record.dataOffsetBytes, sizeBytes: record.dataBytes }]
      }
    } else {
      if (!isUploadIdName(manifest.blob)) continue
      const blobDir = layout.blobDir(manifest.blob)
      // Complete died between the object record and the move of the part files: finish the move.
      if (!(await exists(blobDir)) && (await exists(layout.uploadDir(manifest.blob)))) {
        await rename(layout.uploadDir(manifest.blob), blobDir)
      }
      const segments = manifest.parts.map(([partNumber, offsetBytes, sizeBytes]) => ({
        path: join(blobDir, partFileName(partNumber)),
        offsetBytes,
        sizeBytes
      }))
      meta = { ...rest, blob: manifest.blob, sizeBytes: segments.reduce((sum, s) => sum + s.sizeBytes, 0), segments }
    }
    index.setObject(meta)
  }
}

const loadUpload = async (layout: DiskLayout, index: DiskIndex, name: string): Promise<void> => {
  const directory = join(layout.uploads, name)
  const record = await readRecord(join(directory, uploadFile))
  const upload = record === undefined ? undefined : uploadOfRecord(record.header)
  if (upload === undefined || upload.uploadId !== name || index.uploads.has(name)) {
    await rm(directory, { recursive: true, force: true })
    return
  }
  await removeTempFiles(directory)
  const parts = new Map<number, PartMeta>()
  for (const file of (await readdir(directory)).sort()) {
    const partNumber = partNumberOfName(file)
    if (partNumber === undefined) continue
    const path = join(directory, file)
    const header = await readRecordHeader(path)
    if (header === undefined) continue
    const part = partOfRecord(header.header)
    const digests =
      part.md5 !== undefined && part.crc64 !== undefined
        ? { md5: part.md5, crc64: part.crc64 }
        : await digestsOf(path, header.dataOffsetBytes, header.dataBytes)
    parts.set(partNumber, {
      ...digests,
      sizeBytes: header.dataBytes,
      etag: simpleEtag("oss", digests.md5),
      modifiedAtMs: part.modifiedAtMs,
      dataOffsetBytes: header.dataOffsetBytes
    })
  }
  index.uploads.set(name, { ...upload, ...attributesOf(upload), parts })
}

/** Fills an empty index from `layout`'s directories (which it creates when missing). @category constructors */
export const recover = async (layout: DiskLayout, index: DiskIndex): Promise<void> => {
  for (const directory of [layout.uploads, layout.objects, layout.blobs, layout.tmp, layout.trash]) {
    await mkdir(directory, { recursive: true })
  }
  for (const directory of [layout.tmp, layout.trash]) {
    await rm(directory, { recursive: true, force: true })
    await mkdir(directory, { recursive: true })
  }
  await removeTempFiles(layout.uploads)
  await removeTempFiles(layout.objects)
  await loadObjects(layout, index)
  const inUse = index.blobsInUse()
  // Sorted ids restore in creation order (the ids begin with the time they were made).
  for (const name of (await readdir(layout.uploads)).sort()) {
    if (inUse.has(name)) await rm(join(layout.uploads, name), { recursive: true, force: true })
    else await loadUpload(layout, index, name)
  }
  for (const name of await readdir(layout.blobs)) {
    if (!inUse.has(name)) await rm(join(layout.blobs, name), { recursive: true, force: true })
  }
}
