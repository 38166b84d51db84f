/**
 * The Deno file `KeyValueStore`: the portable {@link FileKeyValueStore} (one file per key, atomic synced `set`,
 * Node's file names) over {@link DenoFileHost}. Needs `--allow-read` and `--allow-write`.
 *
 * @since 0.1.0
 */

import * as FileKeyValueStore from "@resumable-upload/portable/FileKeyValueStore"
import type * as Layer from "effect/Layer"
import type * as KeyValueStore from "effect/persistence/KeyValueStore"
import { DenoFileHost } from "./DenoFileHost.ts"

/** Re-exported: lock files and tests name files the same way. */
export { decodeFileName, encodeFileName } from "@resumable-upload/portable/fileNames"

/** @category constructors */
export const make = (directory: string): KeyValueStore.KeyValueStore => FileKeyValueStore.make(DenoFileHost, directory)

/** @category layers */
export const layer = (directory: string): Layer.Layer<KeyValueStore.KeyValueStore> =>
  FileKeyValueStore.layer(DenoFileHost, directory)
