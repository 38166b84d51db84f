/**
 * Progress, derived from the machine's state: committed bytes (confirmed by the store and saved in the
 * checkpoint, so they never go backwards, even across a resume) apart from bytes merely in flight.
 *
 * The classic `(bytesSent, totalBytesSent, totalBytesExpected)` callback of the OSS SDKs is
 * {@link toLegacy}, fed from committed bytes only, so it never jumps back either.
 *
 * @since 0.1.0
 */
import * as HashMap from "effect/HashMap"
import * as PartPlan from "./PartPlan.ts"
import type { UploadState } from "./UploadMachine.ts"

/** @category models */
export interface Progress {
  readonly phase: "Uploading" | "Completing" | "Completed"
  /**
   * Times this run had to start the upload over because the store lost it (expired or aborted elsewhere).
   * Committed bytes never go back while this stays the same; a restart is also announced as a notice.
   */
  readonly restarts: number
  readonly committedBytes: number
  readonly inFlightBytes: number
  readonly totalBytes: number
  readonly partsCommitted: number
  readonly partCount: number
  /** Set while a stream's end is not known: `totalBytes` and `partCount` are then what has been read so far. */
  readonly sizeUnknown?: true
}

/** Progress for states that have a layout; `undefined` before the upload is reconciled and after it stops. @category constructors */
export const fromState = (state: UploadState): Progress | undefined => {
  switch (state._tag) {
    case "Uploading":
    case "Completing": {
      // Running totals the transitions keep: O(1) per event, not a sum over every part.
      const { layout, done, committedBytes } = state.upload
      if (PartPlan.isOpen(layout)) {
        const inFlightBytes = state._tag === "Uploading" ? state.inFlightBytes : 0
        return {
          phase: state._tag,
          restarts: state.restarts,
          committedBytes,
          inFlightBytes,
          totalBytes: committedBytes + inFlightBytes,
          partsCommitted: HashMap.size(done),
          partCount: HashMap.size(done) + (state._tag === "Uploading" ? state.inFlight.size : 0),
          sizeUnknown: true
        }
      }
      return {
        phase: state._tag,
        restarts: state.restarts,
        committedBytes,
        inFlightBytes: state._tag === "Uploading" ? state.inFlightBytes : 0,
        totalBytes: layout.sizeBytes,
        partsCommitted: HashMap.size(done),
        partCount: layout.partCount
      }
    }
    case "Completed":
      return {
        phase: "Completed",
        restarts: state.restarts,
        committedBytes: state.sizeBytes,
        inFlightBytes: 0,
        totalBytes: state.sizeBytes,
        partsCommitted: state.partCount,
        partCount: state.partCount
      }
    default:
      return undefined
  }
}

/**
 * Adapts progress to `(bytesSent, totalBytesSent, totalBytesExpected)`: `bytesSent` is what was committed since
 * the previous call. After a restart (the store lost the upload) committed bytes start again from zero; this
 * callback then stays quiet until they pass what it already reported, so it never reports a negative step.
 *
 * @category utils
 */
export const toLegacy = (listener: (bytesSent: number, totalBytesSent: number, totalBytesExpected: number) => void) => {
  let reported = 0
  return (progress: Progress): void => {
    if (progress.committedBytes <= reported) return
    listener(progress.committedBytes - reported, progress.committedBytes, progress.totalBytes)
    reported = progress.committedBytes
  }
}
