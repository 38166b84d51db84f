/**
 * What the local OSS server persists, and when: one hook per acknowledged state change of the multipart model, each
 * called after the model accepted the change and before the response is sent, plus `load` to rebuild a fresh model
 * at startup. The memory storage persists nothing; {@link ./DirectoryStorage.ts} mirrors every change to disk.
 *
 * @since 0.1.0
 */
import type { MultipartModel, ObjectSnapshot, RestoredUpload } from "@resumable-upload/sim/MultipartModel"

/** @category models */
export interface Persistence {
  /** Fills an empty model with what was persisted, and tidies up what a killed server left half-done. */
  readonly load: (model: MultipartModel) => Promise<void>
  readonly initiate: (upload: RestoredUpload) => Promise<void>
  readonly part: (uploadId: string, partNumber: number, bytes: Uint8Array, modifiedAtMs: number) => Promise<void>
  /** The upload became `object`: the object is durable before the upload disappears. */
  readonly complete: (uploadId: string, object: ObjectSnapshot) => Promise<void>
  /** Abort and lifecycle expiry alike. */
  readonly abort: (uploadId: string) => Promise<void>
  readonly putObject: (object: ObjectSnapshot) => Promise<void>
  readonly deleteObject: (bucket: string, key: string) => Promise<void>
  /** Releases what `load` took (the directory lock); called once the server has stopped. */
  readonly close: () => Promise<void>
}

const done = (): Promise<void> => Promise.resolve()

/** Keeps everything in the model only: state dies with the process. @category constructors */
export const memory: Persistence = {
  load: done,
  initiate: done,
  part: done,
  complete: done,
  abort: done,
  putObject: done,
  deleteObject: done,
  close: done
}
