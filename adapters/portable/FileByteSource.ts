/**
 * A {@link ByteSource} over a file on disk, read range by range so the file never has to fit in memory; written
 * once over a {@link FileHost} for every runtime.
 *
 * Each read opens its own handle, so parallel part reads never share a file position, the source needs no Scope
 * and no descriptor is held between parts. Each read also checks that size and mtime still match the first
 * `stat`: a file edited or replaced mid-upload fails the read instead of mixing two versions into one object.
 *
 * **Gotchas**: a read may return fewer bytes than asked even before EOF, so it is looped; 0 bytes means the file
 * shrank, so a short read is a `SourceReadError`, never a short part. Each range is a fresh `Uint8Array` owning
 * its whole `.buffer` (hashers and transports may hand `.buffer` on). Where the platform reports no mtime the
 * change check relies on size alone, and the source has no `lastModifiedMs`.
 *
 * @since 0.2.0
 */

import { type ByteSource, outOfRange, SourceReadError } from "@resumable-upload/core/ports/ByteSource"
import * as Effect from "effect/Effect"
import type { FileHost } from "./FileHost.ts"

/** @category constructors */
export const make = (host: FileHost, path: string): Effect.Effect<ByteSource, SourceReadError> =>
  Effect.gen(function* () {
    const fail = (offsetBytes: number, lengthBytes: number, message: string, cause?: unknown) =>
      new SourceReadError({
        sourceName: path,
        offsetBytes,
        lengthBytes,
        message,
        ...(cause === undefined ? {} : { cause })
      })
    const initial = yield* Effect.tryPromise({
      try: () => host.stat(path),
      catch: (cause) => fail(0, 0, `cannot stat ${path}`, cause)
    })
    if (!initial.isFile) return yield* fail(0, 0, `${path} is not a regular file`)
    const { sizeBytes, mtimeMs } = initial

    const readRange = async (offsetBytes: number, lengthBytes: number): Promise<Uint8Array> => {
      const file = await host.open(path, "read")
      try {
        const now = await file.stat()
        if (now.sizeBytes !== sizeBytes || now.mtimeMs !== mtimeMs) {
          throw new Error(`${path} changed since the upload started (size or mtime differs)`)
        }
        const bytes = new Uint8Array(lengthBytes)
        let filled = 0
        while (filled < lengthBytes) {
          const n = await file.readAt(bytes.subarray(filled), offsetBytes + filled)
          if (n === 0) throw new Error(`short read: got ${filled} of ${lengthBytes} bytes (file truncated?)`)
          filled += n
        }
        return bytes
      } finally {
        // Runs even if the Effect was interrupted (the promise carries on), so no descriptor leaks.
        await file.close()
      }
    }

    const read = (offsetBytes: number, lengthBytes: number): Effect.Effect<Uint8Array, SourceReadError> => {
      const refused = outOfRange(path, sizeBytes, offsetBytes, lengthBytes)
      return refused !== undefined
        ? Effect.fail(refused)
        : Effect.tryPromise({
            try: () => readRange(offsetBytes, lengthBytes),
            catch: (cause) =>
              fail(offsetBytes, lengthBytes, cause instanceof Error ? cause.message : `cannot read ${path}`, cause)
          })
    }

    // Integer, non-negative ms: the checkpoint schema stores a non-negative Int, sub-ms precision differs between
    // file systems, and archives sometimes restore pre-1970 mtimes.
    return mtimeMs === undefined
      ? { sizeBytes, name: path, read }
      : { sizeBytes, name: path, lastModifiedMs: Math.max(0, Math.floor(mtimeMs)), read }
  })
