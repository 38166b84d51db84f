/**
 * A {@link ByteSource} over a file on disk for Deno, read range by range so the file never has to fit in memory.
 *
 * Deno has no positional read (`pread`), so each read opens its own handle, seeks and reads: parallel part reads
 * never share a file position, and no descriptor is held between parts (the source needs no Scope). Each read
 * also checks with `stat` that size and mtime still match the first look, so a file edited or replaced
 * mid-upload fails the read instead of mixing two versions into one object.
 *
 * **Gotchas**: `FsFile.read` may fill less than the buffer before EOF, so it is looped; `null` (EOF) before the
 * range is full means the file shrank: a short read is a `SourceReadError`, never a short part. `mtime` is `null`
 * on platforms that do not report it; the change check then relies on size alone. Needs `--allow-read`.
 *
 * @since 0.1.0
 */
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
      try: () => Deno.stat(path),
      catch: (cause) => fail(0, 0, `cannot stat ${path}`, cause)
    })
    if (!initial.isFile) return yield* fail(0, 0, `${path} is not a regular file`)
    const sizeBytes = initial.size
    const mtimeMs = initial.mtime?.getTime()

    const readRange = async (offsetBytes: number, lengthBytes: number): Promise<Uint8Array> => {
      const file = await Deno.open(path, { read: true })
      try {
        const now = await file.stat()
        if (now.size !== sizeBytes || now.mtime?.getTime() !== mtimeMs) {
          throw new Error(`${path} changed since the upload started (size or mtime differs)`)
        }
        await file.seek(offsetBytes, Deno.SeekMode.Start)
        const bytes = new Uint8Array(lengthBytes)
        let filled = 0
        while (filled < lengthBytes) {
          const n = await file.read(bytes.subarray(filled))
          if (n === null || n === 0)
            throw new Error(`short read: got ${filled} of ${lengthBytes} bytes (file truncated?)`)
          filled += n
        }
        return bytes
      } finally {
        // Runs even if the Effect was interrupted (the promise carries on), so no descriptor leaks.
        file.close()
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

    // Integer, non-negative ms: the checkpoint schema stores a non-negative Int (see NodeFileByteSource).
    return mtimeMs === undefined
      ? { sizeBytes, name: path, read }
      : { sizeBytes, name: path, lastModifiedMs: Math.max(0, Math.floor(mtimeMs)), read }
  })
