/**
 * The Uploading handlers for a stream source (`Settings.stream`): a part answered (sent, verified against its
 * record on a resume, found diverged, or found past the stream's end), the layout fixed once the end is known,
 * and completion once every part up to the end is in. Pure, like every handler; `transition`
 * (core/UploadTransition.ts) routes a stream's part answers here and its other events to the shared handlers.
 *
 * The end shows up as a part shorter than its range, or a read that found no bytes (`SourceEnded`, which carries
 * the stream's length, since it may arrive before the answer of the short part that holds the last byte).
 *
 * @since 0.4.0
 */
import * as HashMap from "effect/HashMap"
import * as PartGrowth from "./PartGrowth.ts"
import * as PartPlan from "./PartPlan.ts"
import { CannotResumeUpload } from "./UploadErrors.ts"
import type { Of, Step, Upload, UploadCommand, UploadEvent } from "./UploadMachine.ts"
import { fill, go, notify, prepend, stay, toCompleting, updatedAtOf, withPart } from "./UploadSteps.ts"

type StreamAnswer = Extract<UploadEvent, { _tag: "PartUploaded" | "PartVerified" | "PartDiverged" | "SourceEnded" }>

/** Whether an event is a stream part's answer this module takes. */
export const isStreamAnswer = (e: UploadEvent): e is StreamAnswer =>
  e._tag === "PartUploaded" || e._tag === "PartVerified" || e._tag === "PartDiverged" || e._tag === "SourceEnded"

const partNumberOf = (e: StreamAnswer): number =>
  e._tag === "PartDiverged" || e._tag === "SourceEnded" ? e.partNumber : e.part.partNumber

/** The layout fixed at the stream's end; records past the end (left by a longer stream) are dropped. */
const endedUpload = (upload: Upload, streamSizeBytes: number): Upload => {
  const growth = upload.layout.growth
  if (growth === undefined || upload.layout.ended === true) return upload
  const partCount = PartGrowth.partCountFor(growth, streamSizeBytes)
  let done = upload.done
  let committedBytes = upload.committedBytes
  for (const part of HashMap.values(upload.done)) {
    if (part.partNumber > partCount) {
      done = HashMap.remove(done, part.partNumber)
      committedBytes -= part.sizeBytes
    }
  }
  return { ...upload, layout: PartPlan.endedAt(upload.layout, partCount, streamSizeBytes), done, committedBytes }
}

/** One stream part's answer while Uploading. */
export const onStreamAnswer = (s: Of<"Uploading">, e: StreamAnswer): Step => {
  const partNumber = partNumberOf(e)
  if (!s.inFlight.has(partNumber)) return stay(s) // a late answer from a part we stopped waiting for
  if (e._tag === "PartDiverged") {
    const error = new CannotResumeUpload({
      checkpointId: s.settings.checkpointId,
      reason: "SourceChanged",
      message: e.message,
      uploadId: s.upload.uploadId
    })
    return go({ _tag: "Failed", error }, { _tag: "StopPartUploads" })
  }
  const inFlight = new Set(s.inFlight)
  inFlight.delete(partNumber)
  const range = PartPlan.rangeOf(s.upload.layout, partNumber)
  let upload = s.upload
  const commands: Array<UploadCommand> = []
  if (e._tag === "PartUploaded" || e._tag === "PartVerified") upload = withPart(upload, e.part)
  const endBytes =
    e._tag === "SourceEnded"
      ? e.streamSizeBytes
      : e.part.sizeBytes < range.sizeBytes || (PartPlan.isOpen(upload.layout) && partNumber === upload.layout.partCount)
        ? range.offsetBytes + e.part.sizeBytes
        : undefined
  if (endBytes !== undefined) upload = endedUpload(upload, endBytes)
  // Ranges shrink when the end is fixed, so the bytes in flight are summed again: O(parallelism).
  let inFlightBytes = 0
  for (const n of inFlight) inFlightBytes += PartPlan.rangeOf(upload.layout, n).sizeBytes
  const atMs = e._tag === "PartUploaded" ? e.atMs : upload.createdAtMs
  if (e._tag === "PartUploaded" && e.diverged !== undefined) {
    commands.push(notify({ _tag: "PartResent", partNumber, message: e.diverged }))
  }
  if (upload.layout.ended === true && inFlight.size === 0 && HashMap.size(upload.done) === upload.layout.partCount) {
    // Completing saves the whole checkpoint first, this part included.
    return prepend(toCompleting(s.settings, upload, s.restarts, atMs), ...commands)
  }
  if (e._tag === "PartUploaded" && partNumber <= upload.layout.partCount) {
    commands.push({ _tag: "SavePart", part: e.part, updatedAtMs: updatedAtOf(upload, e.atMs) })
  }
  return prepend(fill({ ...s, upload, inFlight, inFlightBytes }), ...commands)
}
