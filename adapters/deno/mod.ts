/**
 * The Deno bundle (`import … from "@resumable-upload/deno"`): the portable hasher and the Deno-native file
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

import type { CheckpointStore } from "@resumable-upload/core/ports/CheckpointStore"
import type { Hasher } from "@resumable-upload/core/ports/Hasher"
import * as PortableHasher from "@resumable-upload/portable/PortableHasher"
import * as Layer from "effect/Layer"
import * as DenoCheckpointStore from "./DenoCheckpointStore.ts"

/** @category models */
export interface DenoBundleOptions {
  /** Where checkpoints and their lock files live; created on first use. Same layout as the Node bundle's. */
  readonly checkpointDirectory: string
}

/** Hasher + persistent file CheckpointStore; add an ObjectStore layer to run uploads. @category layers */
export const layer = (options: DenoBundleOptions): Layer.Layer<Hasher | CheckpointStore> =>
  Layer.mergeAll(PortableHasher.layer, DenoCheckpointStore.layer(options.checkpointDirectory))

/** A ByteSource over a file (`fileSource(path)`), one handle per range read. @category constructors */
export { make as fileSource } from "./DenoFileByteSource.ts"
/** The Promise API: `upload({ store, file, bucket, key, onProgress })` → a task with `done`, `pause`, `cancel`. */
/** Streams of unknown size: `fromReadable`/`fromReader`, `stdin()`, `follow(path, …)` for a growing file. */
export * as streamSource from "./DenoStreamSource.ts"
export { type UploadOptions, upload } from "./upload.ts"
