/**
 * The Deno {@link CheckpointStore}: the KV checkpoint primitives over {@link DenoFileKeyValueStore} (atomic,
 * synced writes; one file per checkpoint) with `persistent: true`, locked by {@link DenoFileLock} (a lock file
 * created with `createNew`) instead of the KV lease, because an `O_EXCL` file is a real cross-process mutex.
 *
 * Checkpoints are `<dir>/_data%2F<encoded id>`, locks `<dir>/_<encoded id>.lock`: the Node store's layout, so either
 * runtime resumes the other's uploads. The directory is created on first write or lock, so building the layer
 * cannot fail; a bad directory surfaces as `CheckpointStoreError` on use.
 *
 * **Gotchas**: needs `--allow-read --allow-write` on the directory (and `--allow-sys`, see DenoFileLock). Stale
 * locks are only detected on Linux; elsewhere a crashed run's lock file must be deleted by hand.
 *
 * @since 0.1.0
 */
import * as Layer from "effect/Layer"
import { type CheckpointStorage, CheckpointStore, make as makeStore } from "../../core/ports/CheckpointStore.ts"
import * as KvCheckpointStore from "../kv/KvCheckpointStore.ts"
import * as DenoFileKeyValueStore from "./DenoFileKeyValueStore.ts"
import * as DenoFileLock from "./DenoFileLock.ts"

/** The text primitives (exported for tests that plant raw or corrupt text). @category constructors */
export const makeStorage = (directory: string): CheckpointStorage => ({
  // No prefix: the directory already belongs to checkpoints.
  ...KvCheckpointStore.makeStorage(DenoFileKeyValueStore.make(directory), { persistent: true, prefix: "" }),
  lock: (id) => DenoFileLock.acquire(directory, id)
})

/** @category layers */
export const layer = (directory: string): Layer.Layer<CheckpointStore> =>
  Layer.sync(CheckpointStore, () => makeStore(makeStorage(directory)))
