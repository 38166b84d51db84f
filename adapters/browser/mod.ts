/**
 * The browser bundle (`import … from "resumable-upload/browser"`): the portable hasher and a checkpoint store over
 * `localStorage` (or memory) as one layer, and a Blob/File byte source. The ObjectStore is not included: the caller
 * picks the store and merges its layer with this one.
 *
 * With `localStorage` (the default) checkpoints survive a reload, so picking the same file again resumes; the lock
 * is a lease that other tabs honour (see KvCheckpointStore), given up on `pagehide` so a reloaded page resumes at
 * once (PagehideRelease.ts). With `"memory"` nothing outlives the page, and the engine aborts a failed upload
 * instead of leaving parts behind.
 *
 * **Gotchas**: `localStorage` is synchronous, per origin and small (about 5 MiB): a 10,000-part checkpoint is about
 * 1.2 MB. It is read only when the layer is used, so the bundle also loads in a worker, as long as the worker
 * asks for `"memory"`. A background tab frozen longer than the lease TTL loses its lock silently.
 *
 * @since 0.1.0
 */
import * as Layer from "effect/Layer"
import * as KeyValueStore from "effect/persistence/KeyValueStore"
import type { CheckpointStore } from "../../core/ports/CheckpointStore.ts"
import type { Hasher } from "../../core/ports/Hasher.ts"
import * as KvCheckpointStore from "../kv/KvCheckpointStore.ts"
import * as PortableHasher from "../portable/PortableHasher.ts"
import * as PagehideRelease from "./PagehideRelease.ts"

/** @category models */
export interface BrowserBundleOptions {
  /** Default `"localStorage"` (persistent); `"memory"` keeps checkpoints for this page only. */
  readonly storage?: "localStorage" | "memory"
  /** Key prefix in the storage; default `"resumable-upload/"`, since `localStorage` is shared by the whole origin. */
  readonly prefix?: string
  /**
   * How long a lease outlives a page that vanished without `pagehide` (a crashed tab), and how long a tab frozen in
   * the background keeps its lock; renewed every third of it. Default 30 s.
   */
  readonly leaseTtlMs?: number
}

/** Hasher + CheckpointStore; add an ObjectStore layer to run uploads. @category layers */
export const layer = (options: BrowserBundleOptions = {}): Layer.Layer<Hasher | CheckpointStore> => {
  const persistent = (options.storage ?? "localStorage") === "localStorage"
  const { prefix = "resumable-upload/", leaseTtlMs } = options
  const kvOptions = { persistent, prefix, ...(leaseTtlMs === undefined ? {} : { leaseTtlMs }) }
  const checkpoints = persistent
    ? Layer.merge(KvCheckpointStore.layer(kvOptions), PagehideRelease.layer()).pipe(
        Layer.provide(KeyValueStore.layerStorage(() => localStorage))
      )
    : KvCheckpointStore.layer(kvOptions).pipe(Layer.provide(KeyValueStore.layerMemory))
  return Layer.mergeAll(PortableHasher.layer, checkpoints)
}

/**
 * How request bodies reach `fetch`: a `Blob` in browsers (Chromium sends bytes ten times slower), else bytes.
 * Override with `Effect.provideService(RequestBodyForm.RequestBodyForm, "bytes")` (DOM emulations under Node).
 */
export * as RequestBodyForm from "../http/RequestBodyForm.ts"
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
/** A ByteSource over a Blob or File (`blobSource(file)`), one `slice` per part. @category constructors */
export { make as blobSource } from "./BlobByteSource.ts"
