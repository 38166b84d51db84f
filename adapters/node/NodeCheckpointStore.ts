/**
 * The Node {@link CheckpointStore}: the KV checkpoint primitives over {@link NodeFileKeyValueStore} (atomic,
 * fsynced writes; one file per checkpoint) with `persistent: true`, locked by {@link NodeFileLock} (a pid-checked
 * lock file) instead of the KV lease, because a file created with `O_EXCL` is a real cross-process mutex.
 *
 * Checkpoints are `<dir>/_data%2F<encoded id>`, locks `<dir>/_<encoded id>.lock`. The directory is created on first
 * write or lock, so building the layer cannot fail; a bad directory surfaces as `CheckpointStoreError` on use.
 *
 * @since 0.1.0
 */
import * as Layer from "effect/Layer"
import { type CheckpointStorage, CheckpointStore, make as makeStore } from "../../core/ports/CheckpointStore.ts"
import * as KvCheckpointStore from "../kv/KvCheckpointStore.ts"
import * as NodeFileKeyValueStore from "./NodeFileKeyValueStore.ts"
import * as NodeFileLock from "./NodeFileLock.ts"

/** The text primitives (exported for tests that plant raw or corrupt text). @category constructors */
export const makeStorage = (directory: string): CheckpointStorage => ({
  // No prefix: the directory already belongs to checkpoints.
  ...KvCheckpointStore.makeStorage(NodeFileKeyValueStore.make(directory), { persistent: true, prefix: "" }),
  lock: (id) => NodeFileLock.acquire(directory, id)
})

/** @category layers */
export const layer = (directory: string): Layer.Layer<CheckpointStore> =>
  Layer.sync(CheckpointStore, () => makeStore(makeStorage(directory)))
