/**
 * What the disk storage keeps in memory: metadata only. Live uploads with their parts' sizes and digests, and every
 * object's ETag, CRC-64, attributes and where its bytes are ({@link Segment}s). An entry appears here only after its
 * file is fsynced and renamed into place, so whatever is listed or served survives a crash.
 *
 * @since 0.1.0
 */
import { compareCodePoints } from "@resumable-upload/core/CodePointOrder"
import type { ObjectAt, RestoredUpload, StoredAttributes } from "@resumable-upload/sim/MultipartModel"
import type { PartFacts } from "@resumable-upload/sim/MultipartRules"
import type { ObjectEntry } from "./ObjectEntry.ts"
import type { Segment } from "./objectSegments.ts"

/** @category models */
export interface PartMeta extends PartFacts {
  readonly modifiedAtMs: number
  /** Where the part's bytes start in its file (after the record header). */
  readonly dataOffsetBytes: number
}

/** @category models */
export interface UploadMeta extends RestoredUpload {
  readonly parts: Map<number, PartMeta>
}

/** @category models */
export interface ObjectMeta extends ObjectAt, StoredAttributes {
  readonly etag: string
  readonly crc64: bigint
  readonly sizeBytes: number
  readonly modifiedAtMs: number
  readonly segments: ReadonlyArray<Segment>
  /** The completed upload whose part files under `blobs/` hold the bytes; absent for a self-contained record. */
  readonly blob?: string
}

/** @category utils */
export const attributesOf = (source: StoredAttributes): StoredAttributes => ({
  ...(source.contentType === undefined ? {} : { contentType: source.contentType }),
  ...(source.metadata === undefined ? {} : { metadata: { ...source.metadata } })
})

/** @category models */
export class DiskIndex {
  /** Live uploads by id; a Map iterates in insertion order, which is creation order. */
  readonly uploads = new Map<string, UploadMeta>()
  private readonly buckets = new Map<string, Map<string, ObjectMeta>>()

  object(bucket: string, key: string): ObjectMeta | undefined {
    return this.buckets.get(bucket)?.get(key)
  }

  /** Sets the object; returns the one it replaced. */
  setObject(object: ObjectMeta): ObjectMeta | undefined {
    let objects = this.buckets.get(object.bucket)
    if (objects === undefined) {
      objects = new Map()
      this.buckets.set(object.bucket, objects)
    }
    const previous = objects.get(object.key)
    objects.set(object.key, object)
    return previous
  }

  /** Removes the object; returns it. */
  deleteObject(bucket: string, key: string): ObjectMeta | undefined {
    const objects = this.buckets.get(bucket)
    const previous = objects?.get(key)
    objects?.delete(key)
    if (objects?.size === 0) this.buckets.delete(bucket)
    return previous
  }

  /** The upload, if live and started for this bucket and key. */
  liveUpload(at: ObjectAt & { readonly uploadId: string }): UploadMeta | undefined {
    const upload = this.uploads.get(at.uploadId)
    return upload !== undefined && upload.bucket === at.bucket && upload.key === at.key ? upload : undefined
  }

  /** The blob directories that objects refer to. */
  blobsInUse(): ReadonlySet<string> {
    const used = new Set<string>()
    for (const objects of this.buckets.values()) {
      for (const object of objects.values()) if (object.blob !== undefined) used.add(object.blob)
    }
    return used
  }

  /** The bucket's objects sorted by key in code-point order. */
  objectEntries(bucket: string): ReadonlyArray<ObjectEntry> {
    return [...(this.buckets.get(bucket)?.values() ?? [])]
      .map(
        (object): ObjectEntry => ({
          key: object.key,
          etag: object.etag,
          sizeBytes: object.sizeBytes,
          modifiedAtMs: object.modifiedAtMs,
          storageClass: "STANDARD",
          ...(object.contentType === undefined ? {} : { contentType: object.contentType })
        })
      )
      .sort((a, b) => compareCodePoints(a.key, b.key))
  }

  /** Buckets holding objects or uploads, in code-point order. */
  bucketNames(): ReadonlyArray<string> {
    const names = new Set(this.buckets.keys())
    for (const upload of this.uploads.values()) names.add(upload.bucket)
    return [...names].sort(compareCodePoints)
  }
}
