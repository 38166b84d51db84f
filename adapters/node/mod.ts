/**
 * The Node bundle (`import … from "@resumable-upload/node"`): the native MD5 hasher (parts hashed in worker
 * threads) and the file checkpoint store as one layer, and a file byte source. The ObjectStore is not included: the
 * caller picks the store (OSS, S3, a test double) and merges its layer with this one.
 *
 * **Gotchas**: `checkpointDirectory` should be on a local disk. The lock is a pid-checked `O_EXCL` file, whose
 * stale-lock detection only works for processes on the same host (see NodeFileLock).
 *
 * @since 0.1.0
 */

import type { CheckpointStore } from "@resumable-upload/core/ports/CheckpointStore"
import type { Hasher } from "@resumable-upload/core/ports/Hasher"
import * as Layer from "effect/Layer"
import * as NodeCheckpointStore from "./NodeCheckpointStore.ts"
import * as NodeHasher from "./NodeHasher.ts"
import * as NodeWorkerHasher from "./NodeWorkerHasher.ts"

/** @category models */
export interface NodeBundleOptions {
  /** Where checkpoints and their lock files live; created on first use. */
  readonly checkpointDirectory: string
  /**
   * Worker threads that hash parts off the event loop (NodeWorkerHasher); default one per part in flight at the
   * default parallelism, leaving a core free. 0 hashes on the event loop (NodeHasher).
   */
  readonly hashWorkers?: number
}

/** Hasher + persistent file CheckpointStore; add an ObjectStore layer to run uploads. @category layers */
export const layer = (options: NodeBundleOptions): Layer.Layer<Hasher | CheckpointStore> =>
  Layer.mergeAll(
    options.hashWorkers === 0
      ? NodeHasher.layer
      : NodeWorkerHasher.layer(options.hashWorkers === undefined ? {} : { workers: options.hashWorkers }),
    NodeCheckpointStore.layer(options.checkpointDirectory)
  )

/** A ByteSource over a file (`fileSource(path)`), read range by range with positioned reads. @category constructors */
export { make as fileSource } from "./NodeFileByteSource.ts"
/** The Promise API: `upload({ store, file, bucket, key, onProgress })` → a task with `done`, `pause`, `cancel`. */
/** Streams of unknown size: `fromReadable`/`fromReader`, `stdin()`, `follow(path, …)` for a growing file. */
export * as streamSource from "./NodeStreamSource.ts"
export { type UploadOptions, upload } from "./upload.ts"
