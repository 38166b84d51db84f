/**
 * The Deno bundle (`import … from "resumable-upload/deno"`): the portable hasher and the Deno-native file
 * checkpoint store as one layer, and a file byte source. The ObjectStore is not included: the caller picks the
 * store and merges its layer with this one.
 *
 * Everything here uses the `Deno` namespace directly (no `node:` compatibility layer), so it runs with only the
 * permissions it needs: `--allow-read --allow-write` for the checkpoint directory, `--allow-read` for sources,
 * and `--allow-sys` for the lock's host name and stale-lock check.
 *
 * **Gotchas**: MD5 is spark-md5 (WebCrypto has none), a few times slower than Node's native one. Stale locks are
 * detected only on Linux (see DenoCheckpointStore).
 *
 * @since 0.1.0
 */
import * as Layer from "effect/Layer"
import type { CheckpointStore } from "../../core/ports/CheckpointStore.ts"
import type { Hasher } from "../../core/ports/Hasher.ts"
import * as PortableHasher from "../portable/PortableHasher.ts"
import * as DenoCheckpointStore from "./DenoCheckpointStore.ts"

/** @category models */
export interface DenoBundleOptions {
  /** Where checkpoints and their lock files live; created on first use. Same layout as the Node bundle's. */
  readonly checkpointDirectory: string
}

/** Hasher + persistent file CheckpointStore; add an ObjectStore layer to run uploads. @category layers */
export const layer = (options: DenoBundleOptions): Layer.Layer<Hasher | CheckpointStore> =>
  Layer.mergeAll(PortableHasher.layer, DenoCheckpointStore.layer(options.checkpointDirectory))

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
/** A ByteSource over a file (`fileSource(path)`), one handle per range read. @category constructors */
export { make as fileSource } from "./DenoFileByteSource.ts"
