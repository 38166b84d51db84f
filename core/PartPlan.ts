/**
 * Part planning: how a source of a given size is cut into parts that a dialect accepts.
 *
 * Parts tile `[0, sizeBytes)` exactly and in order; only a zero-byte source has an empty (single) part. When the
 * requested part size would need more parts than the dialect allows, the size grows to the next MiB multiple that
 * fits, and the plan says so, so the caller can report the choice.
 *
 * @since 0.1.0
 */
import * as Data from "effect/Data"
import * as Effect from "effect/Effect"
import type { DialectLimits } from "./Limits.ts"
import * as PartGrowth from "./PartGrowth.ts"

/** @category models */
export interface PartPlan {
  readonly sizeBytes: number
  readonly partSizeBytes: number
  readonly partCount: number
  /** What the caller asked for; differs from `partSizeBytes` when the plan had to grow it. */
  readonly requestedPartSizeBytes: number
  /**
   * A stream's layout: parts grow (core/PartGrowth.ts). Until `ended`, `sizeBytes` and `partCount` are the
   * growth's capacity and the store's part limit; once the stream ends they are its real size and part count.
   */
  readonly growth?: PartGrowth.Growth
  readonly ended?: boolean
}

/** @category models */
export interface PartRange {
  readonly partNumber: number
  readonly offsetBytes: number
  readonly sizeBytes: number
}

/** @category errors */
export class InvalidPartPlan extends Data.TaggedError("InvalidPartPlan")<{
  readonly reason: "PartSizeTooSmall" | "PartSizeTooLarge" | "SourceTooLarge" | "InvalidSize"
  readonly message: string
}> {}

const MiB = 1024 * 1024

/** Parts needed for a size; a zero-byte source still has one part. @category utils */
export const partCountFor = (sizeBytes: number, partSizeBytes: number): number =>
  Math.max(1, Math.ceil(sizeBytes / partSizeBytes))

/** @category constructors */
export const make = (
  sizeBytes: number,
  requestedPartSizeBytes: number,
  limits: DialectLimits
): Effect.Effect<PartPlan, InvalidPartPlan> => {
  const fail = (reason: InvalidPartPlan["reason"], message: string) =>
    Effect.fail(new InvalidPartPlan({ reason, message }))
  if (!Number.isSafeInteger(sizeBytes) || sizeBytes < 0) return fail("InvalidSize", `invalid source size ${sizeBytes}`)
  if (!Number.isSafeInteger(requestedPartSizeBytes) || requestedPartSizeBytes < 1) {
    return fail("InvalidSize", `invalid part size ${requestedPartSizeBytes}`)
  }
  if (requestedPartSizeBytes < limits.partSizeBytesMin) {
    return fail(
      "PartSizeTooSmall",
      `part size ${requestedPartSizeBytes} bytes is below this store's minimum of ${limits.partSizeBytesMin} bytes`
    )
  }
  if (requestedPartSizeBytes > limits.partSizeBytesMax) {
    return fail(
      "PartSizeTooLarge",
      `part size ${requestedPartSizeBytes} bytes is above this store's maximum of ${limits.partSizeBytesMax} bytes`
    )
  }
  if (sizeBytes > limits.objectSizeBytesMax) {
    return fail(
      "SourceTooLarge",
      `source is ${sizeBytes} bytes; this store accepts objects up to ${limits.objectSizeBytesMax} bytes`
    )
  }
  let partSizeBytes = requestedPartSizeBytes
  if (partCountFor(sizeBytes, partSizeBytes) > limits.partCountMax) {
    const needed = Math.ceil(sizeBytes / limits.partCountMax)
    partSizeBytes = Math.min(limits.partSizeBytesMax, Math.ceil(needed / MiB) * MiB)
  }
  return Effect.succeed({
    sizeBytes,
    partSizeBytes,
    partCount: partCountFor(sizeBytes, partSizeBytes),
    requestedPartSizeBytes
  })
}

/** The byte range of one part (1-based). @category utils */
export const rangeOf = (plan: PartPlan, partNumber: number): PartRange => {
  if (plan.growth !== undefined) {
    const offsetBytes = PartGrowth.offsetOf(plan.growth, partNumber)
    const sizeBytes = Math.max(
      0,
      Math.min(PartGrowth.partSizeOf(plan.growth, partNumber), plan.sizeBytes - offsetBytes)
    )
    return { partNumber, offsetBytes, sizeBytes }
  }
  const offsetBytes = (partNumber - 1) * plan.partSizeBytes
  return { partNumber, offsetBytes, sizeBytes: Math.min(plan.partSizeBytes, plan.sizeBytes - offsetBytes) }
}

/** A stream's layout before its end is known: growing parts up to the store's limits. @category constructors */
export const streaming = (growth: PartGrowth.Growth, requestedPartSizeBytes: number): PartPlan => ({
  sizeBytes: PartGrowth.capacityOf(growth),
  partSizeBytes: growth.startPartSizeBytes,
  partCount: growth.partCountMax,
  requestedPartSizeBytes,
  growth
})

/** A stream's layout once it ended after `partCount` parts and `sizeBytes` bytes. @category constructors */
export const endedAt = (plan: PartPlan, partCount: number, sizeBytes: number): PartPlan => ({
  ...plan,
  partCount,
  sizeBytes,
  ended: true
})

/** Whether the layout is a stream's whose end is not known yet. @category utils */
export const isOpen = (plan: PartPlan): boolean => plan.growth !== undefined && plan.ended !== true

/** Every part, in order. @category utils */
export const ranges = (plan: PartPlan): ReadonlyArray<PartRange> =>
  Array.from({ length: plan.partCount }, (_, i) => rangeOf(plan, i + 1))
