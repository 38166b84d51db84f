/**
 * `upload(options)`: the Promise API on Node, for callers who do not write Effect (see portable's FileUpload.ts):
 * `upload({ store, file, bucket, key, onProgress })` returns a task with `done`, `pause()` and `cancel()`. `done`
 * rejects with the tagged errors of the Effect API (`e._tag === "CannotResumeUpload"`, …).
 *
 * @since 0.2.0
 */
import { makeUpload } from "@resumable-upload/portable/FileUpload"
import * as NodeCheckpointStore from "./NodeCheckpointStore.ts"
import * as NodeFileByteSource from "./NodeFileByteSource.ts"
import * as NodeHasher from "./NodeHasher.ts"

export type { UploadOptions } from "@resumable-upload/portable/FileUpload"

/** @category constructors */
export const upload = makeUpload({
  hasher: NodeHasher.layer,
  checkpoints: NodeCheckpointStore.layer,
  fileSource: NodeFileByteSource.make
})
