/**
 * Resume rules, pure: does a checkpoint still fit this request and source, and which recorded parts does the
 * store's own list confirm?
 *
 * A part is trusted only when the store lists it with the same number, size and ETag, and the same CRC-64 where
 * the store reports one. Everything else is sent again, so a checkpoint can never smuggle a stale part into the
 * object.
 *
 * @since 0.1.0
 */
import type { Checkpoint, PartRecord, SourceFingerprint } from "./Checkpoint.ts"
import * as Crc64 from "./Crc64.ts"
import * as Fingerprint from "./Fingerprint.ts"
import type { DialectLimits } from "./Limits.ts"
import type * as PartGrowth from "./PartGrowth.ts"
import * as PartPlan from "./PartPlan.ts"
import { type ListedPart, normalizeEtag } from "./ports/ObjectStore.ts"
import type { CannotResumeReason } from "./UploadErrors.ts"

/** What the current run is uploading, to compare a checkpoint against. @category models */
export interface Target {
  readonly dialect: "oss" | "s3"
  readonly endpointId: string
  readonly bucket: string
  readonly key: string
  readonly source: SourceFingerprint
  readonly limits: DialectLimits
  readonly requestedPartSizeBytes: number
  /** The source is a stream of unknown size (its fingerprint is its name only). */
  readonly stream?: boolean
}

/** @category models */
export type Fit =
  | { readonly _tag: "Fits"; readonly layout: PartPlan.PartPlan }
  | { readonly _tag: "Unfit"; readonly reason: CannotResumeReason; readonly message: string }

const unfit = (reason: CannotResumeReason, message: string): Fit => ({ _tag: "Unfit", reason, message })

/**
 * Checks a checkpoint against the target. The checkpoint's part size wins over the requested one: mixing two
 * layouts in one upload would misplace bytes.
 *
 * @category utils
 */
export const fit = (target: Target, checkpoint: Checkpoint): Fit => {
  for (const field of ["dialect", "endpointId", "bucket", "key"] as const) {
    if (checkpoint[field] !== target[field]) {
      return unfit("RequestChanged", `checkpoint is for ${field} "${checkpoint[field]}", not "${target[field]}"`)
    }
  }
  const changed = Fingerprint.difference(checkpoint.source, target.source)
  if (changed !== undefined) return unfit("SourceChanged", changed)
  if ((target.stream === true) !== (checkpoint.growth !== undefined)) {
    return unfit(
      "SourceChanged",
      target.stream ? "checkpoint is for a file, not a stream" : "checkpoint is for a stream, not a file"
    )
  }
  if (checkpoint.growth !== undefined) return streamFit(target, checkpoint, checkpoint.growth)
  const partSizeBytes = checkpoint.partSizeBytes
  const partCount = PartPlan.partCountFor(target.source.sizeBytes, partSizeBytes)
  const layout = {
    sizeBytes: target.source.sizeBytes,
    partSizeBytes,
    partCount,
    requestedPartSizeBytes: target.requestedPartSizeBytes
  }
  if (partCount > target.limits.partCountMax || partSizeBytes > target.limits.partSizeBytesMax) {
    return unfit("LayoutInvalid", `checkpoint part size ${partSizeBytes} bytes does not fit this store's limits`)
  }
  if (partCount > 1 && partSizeBytes < target.limits.partSizeBytesMin) {
    return unfit("LayoutInvalid", `checkpoint part size ${partSizeBytes} bytes is below this store's minimum`)
  }
  for (const part of checkpoint.parts) {
    if (part.partNumber > partCount || PartPlan.rangeOf(layout, part.partNumber).sizeBytes !== part.sizeBytes) {
      return unfit("LayoutInvalid", `checkpoint part ${part.partNumber} does not match the source layout`)
    }
  }
  return { _tag: "Fits", layout }
}

/** A stream's checkpoint: its growth must fit the store, and each part its range (the last may be short). */
const streamFit = (target: Target, checkpoint: Checkpoint, growth: PartGrowth.Growth): Fit => {
  const { limits } = target
  if (
    growth.partCountMax > limits.partCountMax ||
    growth.partSizeBytesMax > limits.partSizeBytesMax ||
    growth.startPartSizeBytes < limits.partSizeBytesMin ||
    growth.startPartSizeBytes !== checkpoint.partSizeBytes
  ) {
    return unfit("LayoutInvalid", "checkpoint's growing part layout does not fit this store's limits")
  }
  const layout = PartPlan.streaming(growth, target.requestedPartSizeBytes)
  for (const part of checkpoint.parts) {
    if (part.partNumber > growth.partCountMax || part.sizeBytes > PartPlan.rangeOf(layout, part.partNumber).sizeBytes) {
      return unfit("LayoutInvalid", `checkpoint part ${part.partNumber} does not match the stream's layout`)
    }
  }
  return { _tag: "Fits", layout }
}

/** @category models */
export interface Reconciled {
  readonly trusted: ReadonlyArray<PartRecord>
  /** Recorded parts the store did not confirm; they will be sent again. */
  readonly distrusted: ReadonlyArray<number>
}

const confirms = (listed: ListedPart | undefined, record: PartRecord): boolean =>
  listed !== undefined &&
  listed.sizeBytes === record.sizeBytes &&
  normalizeEtag(listed.etag) === normalizeEtag(record.etag) &&
  (listed.crc64 === undefined || (record.crc64 !== undefined && listed.crc64 === Crc64.fromDecimal(record.crc64)))

/** Splits recorded parts into those the store confirms and the rest. @category utils */
export const reconcile = (recorded: ReadonlyArray<PartRecord>, listed: ReadonlyArray<ListedPart>): Reconciled => {
  const byNumber = new Map(listed.map((part) => [part.partNumber, part]))
  const trusted: Array<PartRecord> = []
  const distrusted: Array<number> = []
  for (const record of recorded) {
    if (confirms(byNumber.get(record.partNumber), record)) trusted.push(record)
    else distrusted.push(record.partNumber)
  }
  return { trusted, distrusted }
}
