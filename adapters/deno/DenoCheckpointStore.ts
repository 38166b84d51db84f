/**
 * The Deno {@link CheckpointStore}: the portable {@link FileCheckpointStore} (atomic checkpoint files, pid-checked
 * lock files) over {@link DenoFileHost}. Same directory layout as the Node store, so either runtime resumes the
 * other's uploads.
 *
 * **Gotchas**: needs `--allow-read --allow-write` on the directory (and `--allow-sys`, see DenoFileHost). Stale
 * locks are only detected on Linux; elsewhere a crashed run's lock file must be deleted by hand.
 *
 * @since 0.1.0
 */

import type { CheckpointStorage, CheckpointStore } from "@resumable-upload/core/ports/CheckpointStore"
import * as FileCheckpointStore from "@resumable-upload/portable/FileCheckpointStore"
import type * as Layer from "effect/Layer"
import { DenoFileHost } from "./DenoFileHost.ts"

/** The text primitives (exported for tests that plant raw or corrupt text). @category constructors */
export const makeStorage = (directory: string): CheckpointStorage =>
  FileCheckpointStore.makeStorage(DenoFileHost, directory)

/** @category layers */
export const layer = (directory: string): Layer.Layer<CheckpointStore> =>
  FileCheckpointStore.layer(DenoFileHost, directory)
