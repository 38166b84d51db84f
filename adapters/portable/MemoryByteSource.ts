/**
 * A {@link ByteSource} over bytes already in memory (tests, the simulator, small browser payloads).
 *
 * Ranges are `subarray` views, so reading copies nothing.
 *
 * **Gotchas**: because reads are views, mutating the original array after the upload started changes what is
 * read (and breaks the checkpoint fingerprint); hand over a buffer you no longer write to.
 *
 * @since 0.1.0
 */

import { type ByteSource, outOfRange, type SourceReadError } from "@resumable-upload/core/ports/ByteSource"
import * as Effect from "effect/Effect"

/** @category models */
export interface MemoryByteSourceOptions {
  /** Defaults to `"memory"`. */
  readonly name?: string
  readonly lastModifiedMs?: number
}

/** @category constructors */
export const make = (bytes: Uint8Array, options: MemoryByteSourceOptions = {}): ByteSource => {
  const name = options.name ?? "memory"
  const read = (offsetBytes: number, lengthBytes: number): Effect.Effect<Uint8Array, SourceReadError> => {
    const refused = outOfRange(name, bytes.length, offsetBytes, lengthBytes)
    return refused === undefined
      ? Effect.succeed(bytes.subarray(offsetBytes, offsetBytes + lengthBytes))
      : Effect.fail(refused)
  }
  // exactOptionalPropertyTypes: leave the key out rather than set it to undefined.
  return options.lastModifiedMs === undefined
    ? { sizeBytes: bytes.length, name, read }
    : { sizeBytes: bytes.length, name, lastModifiedMs: options.lastModifiedMs, read }
}
