/**
 * The argument and introspection types of the multipart model ({@link ./MultipartModel.ts}).
 *
 * They mirror the request types of core/ports/ObjectStore.ts but carry what a server sees on the wire (the raw
 * body and the optional `Content-MD5` header) instead of the client's precomputed digests.
 *
 * @since 0.1.0
 */
import type { Dialect, DialectLimits } from "@resumable-upload/core/Limits"
import type { CompletedPart, ListedUpload, ObjectInfo } from "@resumable-upload/core/ports/ObjectStore"

/** @category models */
export interface MultipartModelOptions {
  readonly dialect: Dialect
  readonly limits: DialectLimits
  /** Prepended to the zero-padded counter that makes upload ids; default `"upload-"`. */
  readonly uploadIdPrefix?: string
  /** MD5 of part and object bodies; default spark-md5 (portable). A Node host passes node:crypto, about 4× faster. */
  readonly md5?: (bytes: Uint8Array) => Uint8Array
}

/** @category models */
export interface ObjectAt {
  readonly bucket: string
  readonly key: string
}

/** @category models */
export interface UploadAt extends ObjectAt {
  readonly uploadId: string
}

/** What Initiate or PutObject may attach to the object. @category models */
export interface StoredAttributes {
  readonly contentType?: string
  readonly metadata?: Readonly<Record<string, string>>
}

/** @category models */
export interface Body {
  readonly bytes: Uint8Array
  /** The `Content-MD5` header (base64 of the 16-byte digest), when the client sent one. */
  readonly md5Base64?: string
  /**
   * The dialect the request arrived in, when a server speaks both over one model: it picks a mismatching digest's
   * code (`BadDigest` on S3, `InvalidDigest` on OSS). Default: the model's dialect.
   */
  readonly dialect?: Dialect
}

/** @category models */
export interface UploadPartInput extends UploadAt, Body {
  readonly partNumber: number
}

/** @category models */
export interface ListPartsInput extends UploadAt {
  /** Exclusive. */
  readonly partNumberMarker?: number
  readonly maxParts?: number
}

/** @category models */
export interface ListUploadsInput {
  readonly bucket: string
  readonly prefix?: string
  readonly keyMarker?: string
  readonly uploadIdMarker?: string
  readonly maxUploads?: number
}

/** @category models */
export interface CompleteInput extends UploadAt {
  readonly parts: ReadonlyArray<CompletedPart>
  /** OSS `x-oss-complete-all: yes`: complete with every uploaded part, in part-number order; `parts` must be empty. */
  readonly completeAll?: boolean
  /** The limits of the dialect the request arrived in (its minimum part size, above all); default the model's. */
  readonly limits?: DialectLimits
}

/** @category models */
export interface GetInput extends ObjectAt {
  /** Inclusive start, exclusive end; clamped to the object. */
  readonly range?: readonly [startByte: number, endByte: number]
}

/** What `head` returns: the port's `ObjectInfo` plus what the object was stored with. @category models */
export type ModelObjectInfo = ObjectInfo & StoredAttributes

/** A live upload, for tests and invariant checks. @category models */
export interface LiveUpload extends ListedUpload {
  readonly bucket: string
  /** Ascending. */
  readonly partNumbers: ReadonlyArray<number>
}

/** A persisted upload, as a restarted server hands it back to the model. @category models */
export interface RestoredUpload extends UploadAt, StoredAttributes {
  readonly initiatedAtMs: number
}

/** A stored object with its digests and write time, to persist it or to restore it. @category models */
export interface ObjectSnapshot extends ObjectAt, StoredAttributes {
  readonly bytes: Uint8Array
  /** Quoted, in the dialect's case (a multipart ETag ends in `-N`). */
  readonly etag: string
  /** Kept for both dialects, though only OSS reports it. */
  readonly crc64: bigint
  readonly modifiedAtMs: number
}

/** One object as a listing reports it (MultipartModel.objectEntries). @category models */
export interface ListedObject {
  readonly key: string
  readonly etag: string
  readonly sizeBytes: number
  readonly modifiedAtMs: number
  readonly contentType?: string
}
