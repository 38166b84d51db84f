/**
 * The object-store port: the multipart protocol as the engine sees it, with OSS and S3 differences hidden.
 *
 * Adapters (HTTP for OSS and S3, the simulator) turn these calls into requests. Every failure is an
 * {@link ObjectStoreError} carrying the operation, the remote code and the request id, so callers and the engine
 * can tell a retryable fault from a final answer without parsing messages.
 *
 * @since 0.1.0
 */
import * as Context from "effect/Context"
import * as Data from "effect/Data"
import type * as Effect from "effect/Effect"
import type { Dialect, DialectLimits } from "../Limits.ts"
import type { Hasher } from "./Hasher.ts"
import type {
  BucketsPage,
  DeleteObjectsAnswer,
  DeleteObjectsRequest,
  ListObjectsRequest,
  ObjectsPage
} from "./ObjectListing.ts"

/** @category models */
export type Operation =
  | "InitiateMultipartUpload"
  | "UploadPart"
  | "ListParts"
  | "ListMultipartUploads"
  | "CompleteMultipartUpload"
  | "AbortMultipartUpload"
  | "PutObject"
  | "HeadObject"
  | "GetObject"
  | "DeleteObject"
  | "ListObjects"
  | "DeleteObjects"
  | "ListBuckets"

/**
 * `Transport`: no answer came back; the request may or may not have been applied.
 * `Remote`: the store answered with an error status and (usually) a code.
 *
 * @category errors
 */
export class ObjectStoreError extends Data.TaggedError("ObjectStoreError")<{
  readonly operation: Operation
  readonly reason: "Transport" | "Remote"
  /** HTTP status; 0 for transport failures. */
  readonly status: number
  /** The store's error code (`NoSuchUpload`, `SlowDown`, …); "" when there is none. */
  readonly code: string
  readonly message: string
  readonly requestId?: string
  /** OSS "error condition" code (`EC`), when the store sent one. */
  readonly ec?: string
}> {}

const throttlingCodes = new Set(["SlowDown", "Throttling", "ThrottlingException", "TooManyRequests", "RequestTimeout"])

/**
 * Whether repeating the same request can help: transport faults, 5xx, 408/429 and throttling codes.
 * Auth and argument errors (4xx) are final.
 *
 * @category errors
 */
export const isRetryable = (error: ObjectStoreError): boolean =>
  error.reason === "Transport" ||
  error.status >= 500 ||
  error.status === 408 ||
  error.status === 429 ||
  throttlingCodes.has(error.code)

/** The upload id is unknown to the store: aborted, completed or expired. @category errors */
export const isNoSuchUpload = (error: ObjectStoreError): boolean =>
  error.code === "NoSuchUpload" || (error.operation === "ListParts" && error.code === "NoSuchKey")

/** @category models */
export interface ObjectRef {
  readonly bucket: string
  readonly key: string
}

/** @category models */
export interface UploadRef extends ObjectRef {
  readonly uploadId: string
}

/**
 * What an object is stored with, set once when it is created (Initiate or PutObject). Values are passed as given;
 * which storage classes, ACLs and encryption algorithms a store accepts is its dialect's business (the CLI checks
 * them per dialect before anything is sent).
 *
 * @category models
 */
export interface StoredAttributes {
  readonly contentType?: string
  /** User metadata, sent as `x-oss-meta-*` / `x-amz-meta-*`. */
  readonly metadata?: Readonly<Record<string, string>>
  /** `x-oss-storage-class` (`Standard`, `IA`, …) / `x-amz-storage-class` (`STANDARD`, `STANDARD_IA`, …). */
  readonly storageClass?: string
  /** Canned ACL: `x-oss-object-acl` / `x-amz-acl` (`private`, `public-read`, …). */
  readonly acl?: string
  /** `x-oss-server-side-encryption` (`AES256`, `KMS`, `SM4`) / `x-amz-server-side-encryption` (`AES256`, `aws:kms`). */
  readonly serverSideEncryption?: string
  /** The KMS key for `KMS` / `aws:kms` encryption. */
  readonly kmsKeyId?: string
}

/** The attribute fields of `from` that are set, so a request never carries `undefined` values. @category utils */
export const storedAttributesOf = (from: StoredAttributes): StoredAttributes => {
  const keys = ["contentType", "metadata", "storageClass", "acl", "serverSideEncryption", "kmsKeyId"] as const
  return Object.fromEntries(keys.filter((k) => from[k] !== undefined).map((k) => [k, from[k]])) as StoredAttributes
}

/** @category models */
export interface InitiateRequest extends ObjectRef, StoredAttributes {}

/** @category models */
export interface PartBody {
  readonly bytes: Uint8Array
  /** Base64 of the 16-byte MD5, sent as `Content-MD5` so the store rejects a corrupted body. */
  readonly md5Base64: string
  /** CRC-64/XZ of the bytes, compared with what the store reports; absent when the store verifies none. */
  readonly crc64?: bigint
}

/**
 * The checksums a store checks or reports, so the engine computes only those: a checksum nobody compares costs
 * CPU (CRC-64 was about a sixth of an S3 upload's profile) and proves nothing. @category models
 */
export interface StoreVerifies {
  /** CRC-64/XZ (`x-oss-hash-crc64ecma`): reported per part and object by OSS, by no S3 store. */
  readonly crc64ecma: boolean
}

/** @category models */
export interface UploadPartRequest extends UploadRef {
  readonly partNumber: number
  readonly body: PartBody
}

/** What the store says it stored. `crc64` is present only where the store reports one (OSS). @category models */
export interface StoredChecksums {
  readonly etag: string
  readonly crc64?: bigint
  /**
   * A per-part value the store needs again at Complete, opaque to the engine (S3: the part's CRC-64/NVME and size,
   * for the full-object checksum). The engine keeps it in the checkpoint and passes it back in `CompletedPart`, so a
   * Complete after a resume has it too. At most {@link partChecksumLengthMax} characters.
   */
  readonly partChecksum?: string
}

/** @category constants */
export const partChecksumLengthMax = 128

/** @category models */
export interface ListedPart {
  readonly partNumber: number
  readonly sizeBytes: number
  readonly etag: string
  readonly crc64?: bigint
}

/** @category models */
export interface ListPartsRequest extends UploadRef {
  /** Exclusive: parts with a greater number are listed. */
  readonly partNumberMarker?: number
  readonly maxParts?: number
}

/** @category models */
export interface PartsPage {
  readonly parts: ReadonlyArray<ListedPart>
  readonly isTruncated: boolean
  readonly nextPartNumberMarker?: number
}

/** @category models */
export interface ListUploadsRequest {
  readonly bucket: string
  readonly prefix?: string
  readonly keyMarker?: string
  readonly uploadIdMarker?: string
  readonly maxUploads?: number
}

/** @category models */
export interface ListedUpload {
  readonly key: string
  readonly uploadId: string
  readonly initiatedAtMs: number
}

/** @category models */
export interface UploadsPage {
  readonly uploads: ReadonlyArray<ListedUpload>
  readonly isTruncated: boolean
  readonly nextKeyMarker?: string
  readonly nextUploadIdMarker?: string
}

/** @category models */
export interface CompletedPart {
  readonly partNumber: number
  readonly etag: string
  /** What UploadPart answered as `partChecksum`, when it did (also from an earlier process, via the checkpoint). */
  readonly partChecksum?: string
}

/** OSS upload callback (`x-oss-callback`); S3 stores ignore it. @category models */
export interface UploadCallback {
  readonly url: string
  readonly body: string
  readonly bodyType?: "application/x-www-form-urlencoded" | "application/json"
  readonly host?: string
  readonly variables?: Readonly<Record<string, string>>
}

/**
 * What the upload callback's server answered. OSS still creates the object when the callback fails (HTTP 203
 * `CallbackFailed`), so a failed callback is part of a successful answer, not an error.
 *
 * @category models
 */
export interface CallbackResult {
  readonly ok: boolean
  /** The callback server's reply on success; the store's error message on failure. */
  readonly body: string
}

/** @category models */
export interface CompleteAnswer extends StoredChecksums {
  readonly callback?: CallbackResult
}

/** @category models */
export interface CompleteRequest extends UploadRef {
  /** Ascending by part number. */
  readonly parts: ReadonlyArray<CompletedPart>
  /**
   * OSS `x-oss-complete-all: yes`: the store completes with every part it holds, and `parts` must be empty. The
   * engine never uses it (it lists exactly the parts it verified); it is here for tools such as `uploads` commands.
   */
  readonly completeAll?: boolean
  readonly callback?: UploadCallback
}

/** @category models */
export interface PutObjectRequest extends InitiateRequest {
  readonly body: PartBody
}

/** @category models */
export interface ObjectInfo {
  readonly sizeBytes: number
  readonly etag: string
  readonly crc64?: bigint
  /** User metadata the object was stored with (names lowercased), when the store sent any: `-u` compares `mtime`. */
  readonly metadata?: Readonly<Record<string, string>>
}

/** @category models */
export interface GetObjectRequest extends ObjectRef {
  /** Inclusive start, exclusive end. */
  readonly range?: readonly [startByte: number, endByte: number]
}

/**
 * The multipart protocol of one endpoint.
 *
 * @category services
 */
export interface ObjectStoreShape {
  readonly dialect: Dialect
  /** Stable identity of the endpoint (scheme, host, port, addressing); checkpoints are bound to it. */
  readonly endpointId: string
  readonly limits: DialectLimits
  /** What the store verifies; absent means everything (CRC-64 is computed), the safe side for unknown stores. */
  readonly verifies?: StoreVerifies
  readonly initiate: (request: InitiateRequest) => Effect.Effect<string, ObjectStoreError>
  readonly uploadPart: (request: UploadPartRequest) => Effect.Effect<StoredChecksums, ObjectStoreError>
  readonly listParts: (request: ListPartsRequest) => Effect.Effect<PartsPage, ObjectStoreError>
  readonly listUploads: (request: ListUploadsRequest) => Effect.Effect<UploadsPage, ObjectStoreError>
  readonly complete: (request: CompleteRequest) => Effect.Effect<CompleteAnswer, ObjectStoreError>
  readonly abort: (request: UploadRef) => Effect.Effect<void, ObjectStoreError>
  readonly putObject: (request: PutObjectRequest) => Effect.Effect<StoredChecksums, ObjectStoreError>
  /** `undefined` when there is no object at the key. */
  readonly head: (request: ObjectRef) => Effect.Effect<ObjectInfo | undefined, ObjectStoreError>
  readonly get: (request: GetObjectRequest) => Effect.Effect<Uint8Array, ObjectStoreError>
  readonly delete: (request: ObjectRef) => Effect.Effect<void, ObjectStoreError>
  /**
   * Bucket listings, for tools (`ls`, `rm --recursive`); the upload engine never lists. Optional: the HTTP adapters
   * have them, a store without them (the simulator) leaves them out and tools say so.
   */
  readonly listObjects?: (request: ListObjectsRequest) => Effect.Effect<ObjectsPage, ObjectStoreError>
  /** Batch delete of at most 1000 keys (`deleteObjectsKeysMax`); the body's `Content-MD5` needs a Hasher. */
  readonly deleteObjects?: (
    request: DeleteObjectsRequest
  ) => Effect.Effect<DeleteObjectsAnswer, ObjectStoreError, Hasher>
  /** The buckets the credentials own (`GET /`). */
  readonly listBuckets?: Effect.Effect<BucketsPage, ObjectStoreError>
}

/** @category services */
export class ObjectStore extends Context.Service<ObjectStore, ObjectStoreShape>()("resumable-upload/ObjectStore") {}

/** Whether parts need a CRC-64/XZ for this store. @category utils */
export const needsCrc64 = (store: Pick<ObjectStoreShape, "verifies">): boolean => store.verifies?.crc64ecma ?? true

/** ETags compare without quotes and case (OSS sends uppercase hex, S3 lowercase). @category utils */
export const normalizeEtag = (etag: string): string => etag.replace(/^W\//, "").replace(/"/g, "").toLowerCase()
