/**
 * The models of bucket listings and batch deletes (ListObjectsV2, DeleteObjects, ListBuckets), which OSS and S3
 * shape alike. Tools use them; the upload engine does not. Both stores cap a page and a batch at 1000 entries.
 *
 * @since 0.2.0
 */

/** Keys per DeleteObjects request, on OSS and S3 alike. @category constants */
export const deleteObjectsKeysMax = 1000
/** Entries per listing page the stores return at most. @category constants */
export const listPageEntriesMax = 1000

/** @category models */
export interface ListObjectsRequest {
  readonly bucket: string
  readonly prefix?: string
  /** `/` groups keys below the prefix into common prefixes (`dir/`), as a directory listing does. */
  readonly delimiter?: string
  /** The `nextContinuationToken` of the previous page. */
  readonly continuationToken?: string
  /** 1 to {@link listPageEntriesMax}; the store's default (1000) when absent. */
  readonly maxKeys?: number
}

/** @category models */
export interface ListedObject {
  readonly key: string
  readonly sizeBytes: number
  readonly etag: string
  readonly modifiedAtMs: number
  readonly storageClass?: string
}

/** One page, objects and common prefixes each in key order. @category models */
export interface ObjectsPage {
  readonly objects: ReadonlyArray<ListedObject>
  readonly commonPrefixes: ReadonlyArray<string>
  readonly isTruncated: boolean
  readonly nextContinuationToken?: string
}

/** @category models */
export interface DeleteObjectsRequest {
  readonly bucket: string
  /** 1 to {@link deleteObjectsKeysMax} keys. */
  readonly keys: ReadonlyArray<string>
}

/** A key the store refused to delete, with its reason. @category models */
export interface DeleteFailure {
  readonly key: string
  readonly code: string
  readonly message: string
}

/**
 * Sent in quiet mode, so the store names only the failures; every other key is gone (a key that did not exist
 * counts as deleted, as both stores answer).
 *
 * @category models
 */
export interface DeleteObjectsAnswer {
  readonly failed: ReadonlyArray<DeleteFailure>
}

/** @category models */
export interface ListedBucket {
  readonly name: string
  readonly createdAtMs?: number
}

/** @category models */
export interface BucketsPage {
  readonly buckets: ReadonlyArray<ListedBucket>
  /** More buckets than one answer holds (OSS pages at 1000); tools say so rather than paging. */
  readonly isTruncated: boolean
}
