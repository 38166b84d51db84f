/**
 * A {@link ByteSource} over a `Blob` or `File` (a file picker, drag and drop, a generated Blob). Each part is read
 * with `blob.slice(a, b).arrayBuffer()`, so only the parts in flight are in memory, never the whole file.
 *
 * A `File` brings its own `name` and `lastModified`, which become part of the checkpoint identity, so the same
 * file picked again after a reload resumes. A plain `Blob` has neither: pass `name` (and `lastModifiedMs` if you
 * know one), or every Blob upload shares the name "blob".
 *
 * **Gotchas**: if the file changes on disk after it was picked, browsers fail the read (`NotReadableError`),
 * reported as a `SourceReadError`. For the HTTP adapters: Chromium sends `Uint8Array` request bodies about 20×
 * slower than `Blob` bodies (docs/environment.md §4.2), so a fetch-based store should wrap each part in a `Blob`
 * (`new Blob([bytes])`) before sending it.
 *
 * @since 0.1.0
 */

import { type ByteSource, outOfRange, SourceReadError } from "@resumable-upload/core/ports/ByteSource"
import * as Effect from "effect/Effect"

/** @category models */
export interface BlobByteSourceOptions {
  /** Defaults to `File.name`, or `"blob"` for a plain Blob. */
  readonly name?: string
  /** Defaults to `File.lastModified`; absent for a plain Blob. */
  readonly lastModifiedMs?: number
}

/** @category constructors */
export const make = (blob: Blob, options: BlobByteSourceOptions = {}): ByteSource => {
  // Duck-typed rather than `instanceof File`: `File` is missing from some workers and older runtimes.
  const file = blob as Partial<Pick<File, "name" | "lastModified">>
  const name = options.name ?? (typeof file.name === "string" ? file.name : "blob")
  const modifiedMs = options.lastModifiedMs ?? (typeof file.lastModified === "number" ? file.lastModified : undefined)
  const sizeBytes = blob.size
  const fail = (offsetBytes: number, lengthBytes: number, message: string, cause?: unknown) =>
    new SourceReadError({
      sourceName: name,
      offsetBytes,
      lengthBytes,
      message,
      ...(cause === undefined ? {} : { cause })
    })

  const read = (offsetBytes: number, lengthBytes: number): Effect.Effect<Uint8Array, SourceReadError> => {
    const refused = outOfRange(name, sizeBytes, offsetBytes, lengthBytes)
    if (refused !== undefined) return Effect.fail(refused)
    return Effect.tryPromise({
      try: () => blob.slice(offsetBytes, offsetBytes + lengthBytes).arrayBuffer(),
      catch: (cause) =>
        fail(offsetBytes, lengthBytes, cause instanceof Error ? cause.message : `cannot read ${name}`, cause)
    }).pipe(
      Effect.flatMap((buffer) =>
        buffer.byteLength === lengthBytes
          ? Effect.succeed(new Uint8Array(buffer))
          : Effect.fail(fail(offsetBytes, lengthBytes, `short read: got ${buffer.byteLength} of ${lengthBytes} bytes`))
      )
    )
  }
  // Integer, non-negative ms (the checkpoint schema's type); exactOptionalPropertyTypes: leave the key out.
  return modifiedMs === undefined || !Number.isFinite(modifiedMs)
    ? { sizeBytes, name, read }
    : { sizeBytes, name, lastModifiedMs: Math.max(0, Math.floor(modifiedMs)), read }
}
