/**
 * The file {@link CheckpointStore}: the KV checkpoint primitives over {@link FileKeyValueStore} (atomic, fsynced
 * snapshot writes; one file per checkpoint) with `persistent: true`, locked by {@link FileLock} (a pid-checked lock
 * file) instead of the KV lease, because a file created with `O_EXCL` is a real cross-process mutex. A committed
 * part is appended to the checkpoint's own file (`O_APPEND`, then fsync) instead of the KV journal chunks: a crash
 * can tear only that record, which reading drops.
 *
 * Checkpoints are `<dir>/_data%2F<encoded id>`, locks `<dir>/_<encoded id>.lock`, whatever the {@link FileHost}, so
 * Node and Deno resume each other's uploads. The directory is created on first write or lock, so building the
 * layer cannot fail; a bad directory surfaces as `CheckpointStoreError` on use.
 *
 * @since 0.2.0
 */

import {
  type CheckpointStorage,
  CheckpointStore,
  make as makeStore
} from "@resumable-upload/core/ports/CheckpointStore"
import * as Layer from "effect/Layer"
import type { FileHost } from "./FileHost.ts"
import * as FileKeyValueStore from "./FileKeyValueStore.ts"
import * as FileLock from "./FileLock.ts"
import * as KvCheckpointStore from "./KvCheckpointStore.ts"

/** The text primitives (exported for tests that plant raw or corrupt text). @category constructors */
export const makeStorage = (host: FileHost, directory: string): CheckpointStorage => ({
  // No prefix: the directory already belongs to checkpoints.
  ...KvCheckpointStore.makeStorage(FileKeyValueStore.make(host, directory), {
    persistent: true,
    prefix: "",
    appendInPlace: FileKeyValueStore.append(host, directory)
  }),
  lock: (id) => FileLock.acquire(host, directory, id)
})

/** @category layers */
export const layer = (host: FileHost, directory: string): Layer.Layer<CheckpointStore> =>
  Layer.sync(CheckpointStore, () => makeStore(makeStorage(host, directory)))
