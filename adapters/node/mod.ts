/**
 * The Node bundle (`import … from "resumable-upload/node"`): the native MD5 hasher and the file checkpoint store
 * as one layer, and a file byte source. The ObjectStore is not included: the caller picks the store (OSS, S3, a
 * test double) and merges its layer with this one.
 *
 * **Gotchas**: `checkpointDirectory` should be on a local disk. The lock is a pid-checked `O_EXCL` file, whose
 * stale-lock detection only works for processes on the same host (see NodeFileLock).
 *
 * @since 0.1.0
 */
import * as Layer from "effect/Layer"
import type { CheckpointStore } from "../../core/ports/CheckpointStore.ts"
import type { Hasher } from "../../core/ports/Hasher.ts"
import * as NodeCheckpointStore from "./NodeCheckpointStore.ts"
import * as NodeHasher from "./NodeHasher.ts"

/** @category models */
export interface NodeBundleOptions {
  /** Where checkpoints and their lock files live; created on first use. */
  readonly checkpointDirectory: string
}

/** Hasher + persistent file CheckpointStore; add an ObjectStore layer to run uploads. @category layers */
export const layer = (options: NodeBundleOptions): Layer.Layer<Hasher | CheckpointStore> =>
  Layer.mergeAll(NodeHasher.layer, NodeCheckpointStore.layer(options.checkpointDirectory))

/**
 * The OSS ObjectStore (Alibaba Cloud OSS and the local server), portable too: `OssObjectStore.layer({ endpoint:
 * OssEndpoint.make(url), region, signatureVersion: "v4", credentials: OssCredentials.make(keys) })`.
 */
export * as OssCredentials from "../oss/OssCredentials.ts"
export * as OssEndpoint from "../oss/OssEndpoint.ts"
export * as OssObjectStore from "../oss/OssObjectStore.ts"
/** Creates an S3 bucket (already owned counts as created), for tests and tools: uploads never create buckets. */
export { createBucket as createS3Bucket } from "../s3/S3Bucket.ts"
/**
 * The S3 ObjectStore (Amazon S3, Ceph RGW, MinIO, …), portable like the rest of this bundle:
 * `S3ObjectStore.layer({ endpoint: S3Endpoint.make(url), region, credentials: S3Credentials.make(keys) })`.
 */
export * as S3Credentials from "../s3/S3Credentials.ts"
export * as S3Endpoint from "../s3/S3Endpoint.ts"
export * as S3ObjectStore from "../s3/S3ObjectStore.ts"
/** A ByteSource over a file (`fileSource(path)`), read range by range with positioned reads. @category constructors */
export { make as fileSource } from "./NodeFileByteSource.ts"
