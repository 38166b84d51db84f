/**
 * A {@link ByteSource} over a file on disk, read range by range with positioned reads (`pread`), so parallel part
 * reads never share a file position and the file never has to fit in memory.
 *
 * Each read opens its own handle and checks with `fstat` that size and mtime still match the first `stat`: a file
 * edited or replaced mid-upload fails the read instead of silently mixing two versions into one object. Opening
 * per read also means the source needs no Scope and holds no descriptor between parts.
 *
 * **Gotchas**: `FileHandle.read` may return fewer bytes than asked even before EOF, so it is looped; 0 bytes means
 * the file shrank. Buffers come from `new Uint8Array`, not `Buffer.allocUnsafe`, whose small allocations are views
 * into a shared 8 KiB pool (their `.buffer` is not the part).
 *
 * @since 0.1.0
 */
import { open, stat } from "node:fs/promises"
import * as Effect from "effect/Effect"
import { type ByteSource, outOfRange, SourceReadError } from "../../core/ports/ByteSource.ts"

/** @category constructors */
export const make = (path: string): Effect.Effect<ByteSource, SourceReadError> =>
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
      try: () => stat(path),
      catch: (cause) => fail(0, 0, `cannot stat ${path}`, cause)
    })
    if (!initial.isFile()) return yield* fail(0, 0, `${path} is not a regular file`)
    const sizeBytes = initial.size

    const readRange = async (offsetBytes: number, lengthBytes: number): Promise<Uint8Array> => {
      const handle = await open(path, "r")
      try {
        const now = await handle.stat()
        if (now.size !== sizeBytes || now.mtimeMs !== initial.mtimeMs) {
          throw new Error(`${path} changed since the upload started (size or mtime differs)`)
        }
        const bytes = new Uint8Array(lengthBytes)
        let filled = 0
        while (filled < lengthBytes) {
          const { bytesRead } = await handle.read(bytes, filled, lengthBytes - filled, offsetBytes + filled)
          if (bytesRead === 0) throw new Error(`short read: got ${filled} of ${lengthBytes} bytes (file truncated?)`)
          filled += bytesRead
        }
        return bytes
      } finally {
        // Runs even if the Effect was interrupted (the promise carries on), so no descriptor leaks.
        await handle.close()
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
    return { sizeBytes, name: path, lastModifiedMs: Math.max(0, Math.floor(initial.mtimeMs)), read }
  })
