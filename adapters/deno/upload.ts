/**
 * `upload(options)`: the Promise API on Deno, for callers who do not write Effect (see portable's FileUpload.ts):
 * `upload({ store, file, bucket, key, onProgress })` returns a task with `done`, `pause()` and `cancel()`. `done`
 * rejects with the tagged errors of the Effect API (`e._tag === "CannotResumeUpload"`, …).
 *
 * @since 0.2.0
 */
import { makeUpload } from "@resumable-upload/portable/FileUpload"
import * as PortableHasher from "@resumable-upload/portable/PortableHasher"
import * as DenoCheckpointStore from "./DenoCheckpointStore.ts"
import * as DenoFileByteSource from "./DenoFileByteSource.ts"

export type { UploadOptions } from "@resumable-upload/portable/FileUpload"

/** @category constructors */
export const upload = makeUpload({
  hasher: PortableHasher.layer,
  checkpoints: DenoCheckpointStore.layer,
  fileSource: DenoFileByteSource.make
})
