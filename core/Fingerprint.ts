/**
 * Source fingerprints: cheap evidence that a source is the one a checkpoint was made from.
 *
 * Size, name and modification time catch most changes; a CRC-64 over three small samples (start, middle, end)
 * catches a rewrite that kept size and time, without reading the whole source. It is evidence, not proof, which is
 * why every part is also checked against the store's record before it is trusted.
 *
 * @since 0.1.0
 */
import * as Effect from "effect/Effect"
import type { SourceFingerprint } from "./Checkpoint.ts"
import * as Crc64 from "./Crc64.ts"
import { isoFromEpochMs } from "./IsoTime.ts"
import type { ByteSource, SourceReadError } from "./ports/ByteSource.ts"
import { isStreamSource, type StreamSource } from "./ports/StreamSource.ts"

/** Bytes per sample. @category constants */
export const sampleBytes = 4096

/** `[offset, length]` pairs; a small source is sampled whole. */
const sampleRanges = (sizeBytes: number): ReadonlyArray<readonly [number, number]> =>
  sizeBytes <= 3 * sampleBytes
    ? [[0, sizeBytes]]
    : [
        [0, sampleBytes],
        [Math.floor(sizeBytes / 2) - sampleBytes / 2, sampleBytes],
        [sizeBytes - sampleBytes, sampleBytes]
      ]

/** @category constructors */
export const fingerprint = (source: ByteSource): Effect.Effect<SourceFingerprint, SourceReadError> =>
  Effect.gen(function* () {
    let crc = 0n
    for (const [offset, length] of sampleRanges(source.sizeBytes)) {
      crc = Crc64.compute(yield* source.read(offset, length), crc)
    }
    return {
      name: source.name,
      sizeBytes: source.sizeBytes,
      sampleCrc64: Crc64.toDecimal(crc),
      // Clamped: the format keeps non-negative whole milliseconds, and a file dated before 1970 is still a file.
      ...(source.lastModifiedMs === undefined ? {} : { lastModifiedMs: Math.max(0, Math.floor(source.lastModifiedMs)) })
    }
  })

/** A stream's fingerprint: its name alone (its size is not known, its bytes not yet read). @category constructors */
export const ofStream = (name: string): SourceFingerprint => ({ name, sizeBytes: 0, sampleCrc64: "0" })

/** The fingerprint of either kind of source. @category constructors */
export const ofSource = (source: ByteSource | StreamSource): Effect.Effect<SourceFingerprint, SourceReadError> =>
  isStreamSource(source) ? Effect.succeed(ofStream(source.name)) : fingerprint(source)

const timeOf = (ms: number | undefined): string => (ms === undefined ? "unknown" : isoFromEpochMs(ms))

/** Why two fingerprints differ, or `undefined` when they match. @category utils */
export const difference = (recorded: SourceFingerprint, current: SourceFingerprint): string | undefined => {
  if (recorded.name !== current.name) return `source name changed: ${recorded.name} became ${current.name}`
  if (recorded.sizeBytes !== current.sizeBytes) {
    return `source size changed from ${recorded.sizeBytes} to ${current.sizeBytes} bytes`
  }
  if (recorded.lastModifiedMs !== current.lastModifiedMs) {
    return `source modification time changed from ${timeOf(recorded.lastModifiedMs)} to ${timeOf(current.lastModifiedMs)}`
  }
  if (recorded.sampleCrc64 !== current.sampleCrc64) return "source content changed (sampled bytes differ)"
  return undefined
}
