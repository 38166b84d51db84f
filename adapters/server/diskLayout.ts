/**
 * Where the disk storage keeps what, under its root:
 * - `uploads/<uploadId>/upload` – the upload's bucket, key, time and attributes (a record without bytes);
 * - `uploads/<uploadId>/part-NNNNN` – one record per part: a header (size, MD5, CRC-64, write time), then the bytes;
 * - `objects/<sha256(bucket "\n" key)>` – one record per object: bucket, key, ETag, CRC-64, attributes, then either
 *   the bytes (PutObject, CopyObject) or a manifest of the part files under `blobs/` (Complete);
 * - `blobs/<uploadId>/part-NNNNN` – the part files of a completed upload, moved there by one directory rename;
 * - `tmp/` – bodies being received; `trash/` – directories being removed. Both are emptied at startup.
 *
 * Object keys never appear in a path: only the hex hash does, and directories use the server's own upload ids
 * (checked to be plain `[A-Za-z0-9_-]`).
 *
 * @since 0.1.0
 */
import { createHash } from "node:crypto"
import { join } from "node:path"

const safeUploadId = /^[A-Za-z0-9_-]{1,128}$/

/** `part-00042`: fixed width, so a directory listing sorts by part number. @category utils */
export const partFileName = (partNumber: number): string => `part-${String(partNumber).padStart(5, "0")}`

/** The file name of an object: a hash, so any UTF-8 key (`../x`, `a/../../b`, `con`) maps to one flat name. @category utils */
export const objectFileName = (bucket: string, key: string): string =>
  createHash("sha256").update(`${bucket}\n${key}`, "utf8").digest("hex")

/** The upload record's name inside its directory. @category constants */
export const uploadFile = "upload"

/** @category models */
export interface DiskLayout {
  readonly root: string
  readonly uploads: string
  readonly objects: string
  readonly blobs: string
  readonly tmp: string
  readonly trash: string
  readonly uploadDir: (uploadId: string) => string
  readonly blobDir: (uploadId: string) => string
  readonly objectPath: (bucket: string, key: string) => string
}

const checked = (uploadId: string): string => {
  // The store makes the ids; this guards the file system should that ever change.
  if (!safeUploadId.test(uploadId)) throw new Error("diskLayout: upload id is not a safe file name")
  return uploadId
}

/** @category constructors */
export const layoutOf = (root: string): DiskLayout => {
  const uploads = join(root, "uploads")
  const objects = join(root, "objects")
  const blobs = join(root, "blobs")
  return {
    root,
    uploads,
    objects,
    blobs,
    tmp: join(root, "tmp"),
    trash: join(root, "trash"),
    uploadDir: (uploadId) => join(uploads, checked(uploadId)),
    blobDir: (uploadId) => join(blobs, checked(uploadId)),
    objectPath: (bucket, key) => join(objects, objectFileName(bucket, key))
  }
}

/** Whether `name` could be an upload id this layout made (foreign directory names are left alone). @category utils */
export const isUploadIdName = (name: string): boolean => safeUploadId.test(name)
