/**
 * Part sizes that grow as a stream of unknown size goes on, so any stream up to the store's object limit (10,000
 * parts of at most 5 GiB) fits in its part count: parts start at the requested part size and double every
 * `growthEveryParts` parts, up to the store's largest part. Memory stays bounded by parallelism × the current
 * part size, and a short stream is cut into the small parts it asked for.
 *
 * `growthEveryParts` is chosen once per upload (and kept in its checkpoint) as the largest interval whose capacity
 * still reaches {@link streamCapacityTargetBytes} (or the store's object limit, when smaller): the slowest growth
 * that still fits a 48.8 TB stream.
 *
 * @since 0.4.0
 */
import type { DialectLimits } from "./Limits.ts"

/** A stream of this size (48.8 TB) must fit, whatever part size it starts at. @category constants */
export const streamCapacityTargetBytes = 48_800_000_000_000

/** @category models */
export interface Growth {
  readonly startPartSizeBytes: number
  readonly partSizeBytesMax: number
  readonly growthEveryParts: number
  readonly partCountMax: number
}

/** Size of part `partNumber` (1-based). @category utils */
export const partSizeOf = (g: Growth, partNumber: number): number => {
  const level = Math.floor((partNumber - 1) / g.growthEveryParts)
  // 2^level overflows nothing: it is capped long before 2^53 (5 GiB / 1 byte < 2^33).
  return level >= 40 ? g.partSizeBytesMax : Math.min(g.partSizeBytesMax, g.startPartSizeBytes * 2 ** level)
}

/** Offset of part `partNumber`: the sum of the sizes before it, in O(levels), not O(parts). @category utils */
export const offsetOf = (g: Growth, partNumber: number): number => {
  let offsetBytes = 0
  let before = partNumber - 1
  for (let level = 0; before > 0; level++) {
    const size = level >= 40 ? g.partSizeBytesMax : Math.min(g.partSizeBytesMax, g.startPartSizeBytes * 2 ** level)
    const count = size === g.partSizeBytesMax ? before : Math.min(before, g.growthEveryParts)
    offsetBytes += count * size
    before -= count
  }
  return offsetBytes
}

/** The most bytes a stream may have with this growth: the offset just past part `partCountMax`. @category utils */
export const capacityOf = (g: Growth): number => offsetOf(g, g.partCountMax + 1)

/**
 * The growth for a stream starting at `startPartSizeBytes`: the largest doubling interval (so parts stay as
 * small as they can) whose capacity reaches the target. Binary search: capacity falls as the interval grows.
 *
 * @category constructors
 */
export const make = (startPartSizeBytes: number, limits: DialectLimits): Growth => {
  const base = {
    startPartSizeBytes,
    partSizeBytesMax: limits.partSizeBytesMax,
    partCountMax: limits.partCountMax
  }
  const targetBytes = Math.min(streamCapacityTargetBytes, limits.objectSizeBytesMax)
  let low = 1
  let high = limits.partCountMax
  while (low < high) {
    const mid = Math.ceil((low + high) / 2)
    if (capacityOf({ ...base, growthEveryParts: mid }) >= targetBytes) low = mid
    else high = mid - 1
  }
  return { ...base, growthEveryParts: low }
}

/** Parts a stream of `sizeBytes` takes (at least one: an empty stream is one empty part). @category utils */
export const partCountFor = (g: Growth, sizeBytes: number): number => {
  let parts = 0
  let left = sizeBytes
  for (let level = 0; left > 0; level++) {
    const size = level >= 40 ? g.partSizeBytesMax : Math.min(g.partSizeBytesMax, g.startPartSizeBytes * 2 ** level)
    const whole =
      size === g.partSizeBytesMax ? Math.ceil(left / size) : Math.min(g.growthEveryParts, Math.ceil(left / size))
    parts += whole
    left -= whole * size
  }
  return Math.max(1, parts)
}
