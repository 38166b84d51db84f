/**
 * The byte-source port: something with a known size whose ranges can be read on demand.
 *
 * Parts are read lazily, one range per part in flight, so a source never has to fit in memory. A source is a
 * value passed with each upload request (not a service): two uploads never share one.
 *
 * @since 0.1.0
 */
import * as Data from "effect/Data"
import type * as Effect from "effect/Effect"

/** Reading the source failed (file vanished, permission denied, short read). @category errors */
export class SourceReadError extends Data.TaggedError("SourceReadError")<{
  readonly sourceName: string
  readonly offsetBytes: number
  readonly lengthBytes: number
  readonly message: string
  readonly cause?: unknown
}> {}

/** @category models */
export interface ByteSource {
  readonly sizeBytes: number
  /** A stable name: the file path, a `File.name`, or one the caller chooses. Part of the checkpoint identity. */
  readonly name: string
  /** Last modification time, when the host knows one; a change invalidates the checkpoint. */
  readonly lastModifiedMs?: number
  /** Exactly `lengthBytes` bytes starting at `offsetBytes`, or a `SourceReadError`. */
  readonly read: (offsetBytes: number, lengthBytes: number) => Effect.Effect<Uint8Array, SourceReadError>
}

/**
 * The error for a read of `[offsetBytes, offsetBytes + lengthBytes)` that does not lie within a source of
 * `sizeBytes` (negative, fractional or unsafe numbers included), or `undefined` when the range is readable. Every
 * source checks with this before touching its host, so all of them refuse the same ranges in the same words.
 *
 * @category validation
 */
export const outOfRange = (
  sourceName: string,
  sizeBytes: number,
  offsetBytes: number,
  lengthBytes: number
): SourceReadError | undefined =>
  Number.isSafeInteger(offsetBytes) &&
  Number.isSafeInteger(lengthBytes) &&
  offsetBytes >= 0 &&
  lengthBytes >= 0 &&
  offsetBytes + lengthBytes <= sizeBytes
    ? undefined
    : new SourceReadError({
        sourceName,
        offsetBytes,
        lengthBytes,
        message: `range [${offsetBytes}, +${lengthBytes}) is outside the ${sizeBytes}-byte source ${sourceName}`
      })
