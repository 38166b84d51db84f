/**
 * The Node file `KeyValueStore`: the portable {@link FileKeyValueStore} (one file per key, atomic fsynced `set`)
 * over {@link NodeFileHost}. Use it instead of effect's `layerFileSystem`, whose writes are not atomic.
 *
 * @since 0.1.0
 */

import * as FileKeyValueStore from "@resumable-upload/portable/FileKeyValueStore"
import type * as Layer from "effect/Layer"
import type * as KeyValueStore from "effect/persistence/KeyValueStore"
import { NodeFileHost } from "./NodeFileHost.ts"

/** Re-exported: the age after which the first write removes a crashed write's temp file. */
export { staleTempAgeMs } from "@resumable-upload/portable/FileKeyValueStore"
/** Re-exported: lock files and tests name files the same way. */
export { decodeFileName, encodeFileName } from "@resumable-upload/portable/fileNames"

/** @category constructors */
export const make = (directory: string): KeyValueStore.KeyValueStore => FileKeyValueStore.make(NodeFileHost, directory)

/** @category layers */
export const layer = (directory: string): Layer.Layer<KeyValueStore.KeyValueStore> =>
  FileKeyValueStore.layer(NodeFileHost, directory)
