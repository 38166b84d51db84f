/**
 * One stored object as a listing shows it (ListObjects, ListObjectsV2): key, ETag, size, time and attributes. The
 * storage hands these out sorted by key in code-point order (core/CodePointOrder.ts).
 *
 * @since 0.1.0
 */

/** @category models */
export interface ObjectEntry {
  readonly key: string
  /** Quoted, as stored (OSS case: uppercase hex); S3 answers lowercase it. */
  readonly etag: string
  readonly sizeBytes: number
  readonly modifiedAtMs: number
  readonly contentType?: string
  readonly storageClass?: string
}
