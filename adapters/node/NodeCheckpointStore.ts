/**
 * The Node {@link CheckpointStore}: the portable {@link FileCheckpointStore} (atomic checkpoint files, pid-checked
 * lock files) over {@link NodeFileHost}. Same directory layout as the Deno store, so either runtime resumes the
 * other's uploads.
 *
 * @since 0.1.0
 */

import type { CheckpointStorage, CheckpointStore } from "@resumable-upload/core/ports/CheckpointStore"
import * as FileCheckpointStore from "@resumable-upload/portable/FileCheckpointStore"
import type * as Layer from "effect/Layer"
import { NodeFileHost } from "./NodeFileHost.ts"

/** The text primitives (exported for tests that plant raw or corrupt text). @category constructors */
export const makeStorage = (directory: string): CheckpointStorage =>
  FileCheckpointStore.makeStorage(NodeFileHost, directory)

/** @category layers */
export const layer = (directory: string): Layer.Layer<CheckpointStore> =>
  FileCheckpointStore.layer(NodeFileHost, directory)
