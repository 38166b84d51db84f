/**
 * One stored object as a listing sees it: what ListObjects (both versions, both dialects) reports per key. The
 * store hands these out sorted by key in code-point order (core/CodePointOrder.ts), which is the order both stores
 * list in, so the listing itself never sorts.
 *
 * @since 0.1.0
 */

/** @category models */
export type ObjectEntry = {
  readonly key: string
  /** Quoted, as stored (OSS uppercase hex; the S3 dialect lowercases it on the wire). */
  readonly etag: string
  readonly sizeBytes: number
  readonly modifiedAtMs: number
  readonly contentType?: string
  readonly storageClass?: string
}
