/**
 * The Node file {@link ByteSource}: the portable {@link FileByteSource} (one handle per range read, size and mtime
 * checked on every read) over {@link NodeFileHost}, whose reads are positioned (`pread`).
 *
 * @since 0.1.0
 */

import type { ByteSource, SourceReadError } from "@resumable-upload/core/ports/ByteSource"
import * as FileByteSource from "@resumable-upload/portable/FileByteSource"
import type * as Effect from "effect/Effect"
import { NodeFileHost } from "./NodeFileHost.ts"

/** @category constructors */
export const make = (path: string): Effect.Effect<ByteSource, SourceReadError> =>
  FileByteSource.make(NodeFileHost, path)
