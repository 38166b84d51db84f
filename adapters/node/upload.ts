/**
 * `upload(options)`: the Promise API on Node, for callers who do not write Effect (see portable's FileUpload.ts):
 * `upload({ store, file, bucket, key, onProgress })` returns a task with `done`, `pause()` and `cancel()`. `done`
 * rejects with the tagged errors of the Effect API (`e._tag === "CannotResumeUpload"`, …).
 *
 * @since 0.2.0
 */
import type { UploadTask } from "@resumable-upload/core/PromiseFacade"
import { makeUpload, type UploadOptions } from "@resumable-upload/portable/FileUpload"
import * as NodeCheckpointStore from "./NodeCheckpointStore.ts"
import * as NodeFileByteSource from "./NodeFileByteSource.ts"
import * as NodeWorkerHasher from "./NodeWorkerHasher.ts"

export type { UploadOptions } from "@resumable-upload/portable/FileUpload"

/** The engine's default parts in flight (UploadRequest), which sizes the default pool. */
const defaultParallelism = 3

/** Parts are hashed in worker threads, a pool sized for the upload's parallelism, ended with the upload. */
const makeFor = (parallelism: number) =>
  makeUpload({
    hasher: NodeWorkerHasher.layer({ workers: NodeWorkerHasher.poolSizeFor(parallelism) }),
    checkpoints: NodeCheckpointStore.layer,
    fileSource: NodeFileByteSource.make
  })

/** @category constructors */
export const upload = (options: UploadOptions): UploadTask =>
  makeFor(options.parallelism ?? defaultParallelism)(options)
