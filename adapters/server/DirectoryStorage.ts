/**
 * Persists the local OSS server's state in a directory, so a restarted (or killed) server serves the same uploads
 * and objects.
 *
 * Layout under the root:
 * - `uploads/<uploadId>/upload` – the upload's bucket, key, time and attributes (a record without bytes);
 * - `uploads/<uploadId>/part-NNNNN` – one record per part: write time, then the bytes;
 * - `objects/<sha256(bucket "\n" key)>` – one record per object: bucket, key, ETag, CRC-64, attributes, bytes;
 * - `trash/` – upload directories being removed (a rename takes them out of `uploads/` in one step).
 *
 * Object keys never appear in a path: only the hex hash does, and upload directories use the server's own upload
 * ids (checked to be plain `[A-Za-z0-9_-]`). Every file is written via temp file, fsync and rename (recordFile.ts).
 *
 * @since 0.1.0
 */
import { createHash } from "node:crypto"
import { mkdir, readdir, rename, rm } from "node:fs/promises"
import { join } from "node:path"
import type { MultipartModel, ObjectSnapshot, RestoredUpload } from "@resumable-upload/sim/MultipartModel"
import { lockDirectory } from "./directoryLock.ts"
import type { Persistence } from "./Persistence.ts"
import { readRecord, removeTempFiles, syncDirectory, writeRecord } from "./recordFile.ts"
import { objectOfRecord, partNumberOfName, uploadOfRecord } from "./storedRecords.ts"

const uploadFile = "upload"
const safeUploadId = /^[A-Za-z0-9_-]{1,128}$/

/** `part-00042`: fixed width, so a directory listing sorts by part number. @category utils */
export const partFileName = (partNumber: number): string => `part-${String(partNumber).padStart(5, "0")}`

/** The file name of an object: a hash, so any UTF-8 key (`../x`, `a/../../b`, `con`) maps to one flat name. @category utils */
export const objectFileName = (bucket: string, key: string): string =>
  createHash("sha256").update(`${bucket}\n${key}`, "utf8").digest("hex")

/** @category constructors */
export const make = (root: string): Persistence => {
  const uploads = join(root, "uploads")
  const objects = join(root, "objects")
  const trash = join(root, "trash")
  const uploadDir = (uploadId: string): string => {
    // The model makes the ids; this guards the file system should that ever change.
    if (!safeUploadId.test(uploadId)) throw new Error("DirectoryStorage: upload id is not a safe file name")
    return join(uploads, uploadId)
  }

  /** Moves the upload's directory out of `uploads/` atomically, then deletes it at leisure. */
  const removeUpload = async (uploadId: string): Promise<void> => {
    const parked = join(trash, `${uploadId}-${Date.now().toString(36)}-${Math.random().toString(36).slice(2)}`)
    try {
      await rename(uploadDir(uploadId), parked)
    } catch (cause) {
      if ((cause as { code?: unknown }).code === "ENOENT") return
      throw cause
    }
    await syncDirectory(uploads)
    await rm(parked, { recursive: true, force: true }).catch(() => undefined)
  }

  const loadUpload = async (model: MultipartModel, name: string): Promise<void> => {
    const directory = join(uploads, name)
    const record = await readRecord(join(directory, uploadFile))
    const upload = record === undefined ? undefined : uploadOfRecord(record.header)
    // No upload record: the server died between mkdir and the record's rename; nothing of it was acknowledged.
    if (upload === undefined || upload.uploadId !== name || !model.restoreUpload(upload)) {
      await rm(directory, { recursive: true, force: true })
      return
    }
    await removeTempFiles(directory)
    for (const file of (await readdir(directory)).sort()) {
      const partNumber = partNumberOfName(file)
      if (partNumber === undefined) continue
      const part = await readRecord(join(directory, file))
      if (part === undefined) continue
      const modifiedAtMs = typeof part.header.modifiedAtMs === "number" ? part.header.modifiedAtMs : 0
      model.uploadPart({ ...upload, partNumber, bytes: part.bytes }, modifiedAtMs)
    }
  }

  let unlock: (() => Promise<void>) | undefined
  return {
    load: async (model) => {
      unlock = await lockDirectory(root)
      for (const directory of [uploads, objects, trash]) await mkdir(directory, { recursive: true })
      await rm(trash, { recursive: true, force: true })
      await mkdir(trash, { recursive: true })
      await removeTempFiles(uploads)
      await removeTempFiles(objects)
      // Sorted ids restore in creation order (the ids begin with the time they were made).
      for (const name of (await readdir(uploads)).sort()) await loadUpload(model, name)
      for (const name of await readdir(objects)) {
        const record = await readRecord(join(objects, name))
        const object = record === undefined ? undefined : objectOfRecord(record.header, record.bytes)
        if (object !== undefined && objectFileName(object.bucket, object.key) === name) model.restoreObject(object)
      }
    },
    initiate: async (upload: RestoredUpload) => {
      const directory = uploadDir(upload.uploadId)
      await mkdir(directory, { recursive: true })
      await syncDirectory(uploads)
      await writeRecord(directory, uploadFile, { ...upload })
    },
    part: (uploadId, partNumber, bytes, modifiedAtMs) =>
      writeRecord(uploadDir(uploadId), partFileName(partNumber), { partNumber, modifiedAtMs }, bytes),
    complete: async (uploadId, object) => {
      await writeObject(objects, object)
      await removeUpload(uploadId)
    },
    abort: removeUpload,
    putObject: (object) => writeObject(objects, object),
    deleteObject: async (bucket, key) => {
      await rm(join(objects, objectFileName(bucket, key)), { force: true })
      await syncDirectory(objects)
    },
    close: async () => {
      await unlock?.()
      unlock = undefined
    }
  }
}

const writeObject = (objects: string, object: ObjectSnapshot): Promise<void> => {
  const { bytes, crc64, ...rest } = object
  return writeRecord(objects, objectFileName(object.bucket, object.key), { ...rest, crc64: crc64.toString() }, bytes)
}
