/**
 * The simulation's invariants, checked at the end of every process run. Each returns human-readable violations.
 *
 * They speak only of what a user can observe: the object at the key, the uploads left on the store, the
 * checkpoint on disk, the requests sent and the progress reported. None re-implements part planning.
 *
 * @since 0.1.0
 */
import * as Effect from "effect/Effect"
import * as Exit from "effect/Exit"
import type * as Checkpoint from "../../core/Checkpoint.ts"
import * as CheckpointJournal from "../../core/CheckpointJournal.ts"
import type * as Driver from "../../core/Driver.ts"
import { normalizeEtag } from "../../core/ports/ObjectStore.ts"
import type { Scenario } from "./Scenario.ts"
import type { World } from "./SimWorld.ts"

/** What one process run did. @category models */
export interface RunTrace {
  readonly run: number
  /** Committed bytes as reported, with the restart counter they were reported under. */
  readonly committed: Array<{ readonly restarts: number; readonly bytes: number }>
  readonly notices: Array<string>
  readonly sourceVersion: number
  readonly previous: RunTrace | undefined
  checkpointId: string
  checkpointAtStart: string | undefined
  maxPartsInFlight: number
  diskFault: string | undefined
  /** Part numbers the store held, with matching ETags, for the checkpoint's upload when this run began. */
  confirmedAtStart: Set<number>
  confirmedUploadId: string | undefined
  /** Bytes the checkpoint recorded at the start, and the part of them the store still held. */
  checkpointBytesAtStart: number
  confirmedBytesAtStart: number
}

/** @category constructors */
export const startOfRun = (world: World, run: number, previous: RunTrace | undefined): RunTrace => ({
  run,
  committed: [],
  notices: [],
  sourceVersion: world.source.versions.length - 1,
  previous,
  checkpointId: "",
  checkpointAtStart: undefined,
  maxPartsInFlight: 0,
  diskFault: undefined,
  confirmedAtStart: new Set(),
  confirmedUploadId: undefined,
  checkpointBytesAtStart: 0,
  confirmedBytesAtStart: 0
})

const decoded = (id: string, text: string | undefined) => {
  if (text === undefined) return undefined
  const exit = Effect.runSyncExit(CheckpointJournal.decode(id, text))
  return Exit.isSuccess(exit) ? exit.value : undefined
}

/** Parts of the checkpoint the store really holds, known before the run sends anything. */
const confirmedParts = (world: World, bucket: string, key: string, checkpoint: Checkpoint.Checkpoint): Set<number> => {
  const listed = world.model.listParts({
    bucket,
    key,
    uploadId: checkpoint.uploadId,
    maxParts: world.model.limits.listPageSizeMax
  })
  const held = new Map<number, string>()
  let marker: number | undefined
  for (let result = listed; result.ok; ) {
    for (const part of result.value.parts) held.set(part.partNumber, normalizeEtag(part.etag))
    if (!result.value.isTruncated) break
    marker = result.value.nextPartNumberMarker
    result = world.model.listParts({
      bucket,
      key,
      uploadId: checkpoint.uploadId,
      ...(marker === undefined ? {} : { partNumberMarker: marker })
    })
  }
  return new Set(
    checkpoint.parts.filter((p) => held.get(p.partNumber) === normalizeEtag(p.etag)).map((p) => p.partNumber)
  )
}

const equalBytes = (a: Uint8Array | undefined, b: Uint8Array): boolean =>
  a !== undefined && a.length === b.length && a.every((x, i) => x === b[i])

/** @category invariants */
export const checkRunEnd = (
  world: World,
  scenario: Scenario,
  trace: RunTrace,
  exit: Exit.Exit<Driver.UploadOutcome, Driver.UploadError>,
  crashed: boolean,
  at: { readonly bucket: string; readonly key: string }
): Array<string> => {
  const v: Array<string> = []
  const r = `run ${trace.run}`
  const object = world.model.objectBytes(at.bucket, at.key)
  const source = world.source.versions[trace.sourceVersion] ?? new Uint8Array(0)

  // Defects are bugs, whatever the outcome.
  if (Exit.isFailure(exit) && exit.cause.reasons.some((reason) => reason._tag === "Die"))
    v.push(`${r} died: ${String(exit.cause)}`)

  // A reported success means the stored object is the source, byte for byte.
  if (!crashed && Exit.isSuccess(exit) && exit.value._tag === "Completed" && !equalBytes(object, source)) {
    v.push(
      `${r} reported Completed but the object (${object?.length} bytes) differs from the source (${source.length} bytes)`
    )
  }
  // Never a wrong object at the key: absent, or one of the source's versions whole.
  if (object !== undefined && !world.source.versions.some((version) => equalBytes(object, version))) {
    v.push(`${r} left an object at the key that is no version of the source`)
  }
  // A finished run leaves nothing running: no parked request and no timer of its own.
  if (world.network.pending.some((p) => p.record.client === trace.run))
    v.push(`${r} ended with requests still in flight`)
  if (world.clock.timers.length > 0) v.push(`${r} ended with ${world.clock.timers.length} timers still set`)

  // Cancel with deleteUploadIdOnCancelling: no checkpoint, and no upload the run knew of (the one in its
  // starting checkpoint, or one it saved). Uploads whose only record a crash destroyed are beyond any client.
  if (!crashed && Exit.isSuccess(exit) && exit.value._tag === "Cancelled") {
    if (world.disk.files.has(trace.checkpointId)) v.push(`${r} cancelled but left its checkpoint`)
    const known = new Set(world.disk.savedUploadIds)
    if (trace.confirmedUploadId !== undefined) known.add(trace.confirmedUploadId)
    const left = world.model.liveUploads().filter((u) => known.has(u.uploadId))
    if (left.length > 0) v.push(`${r} cancelled but left uploads ${left.map((u) => u.uploadId).join(",")}`)
  }
  // Pause keeps the upload: the checkpoint stays so the next run resumes. Unless no upload the client saved is
  // still there (it expired, say, and the run was starting over when paused): then there is nothing to resume and a
  // rerun starting fresh loses nothing.
  if (
    !crashed &&
    Exit.isSuccess(exit) &&
    exit.value._tag === "Paused" &&
    scenario.persistent &&
    !world.disk.files.has(trace.checkpointId) &&
    trace.committed.length > 0 &&
    world.model.liveUploads().some((u) => world.disk.savedUploadIds.has(u.uploadId))
  ) {
    v.push(`${r} paused but its checkpoint is gone`)
  }

  // Complete is sent at most once per upload id per run.
  const completes = new Map<string, number>()
  for (const req of world.network.log) {
    if (req.client !== trace.run || req.operation !== "CompleteMultipartUpload" || req.uploadId === undefined) continue
    completes.set(req.uploadId, (completes.get(req.uploadId) ?? 0) + 1)
  }
  for (const [uploadId, n] of completes) if (n > 1) v.push(`${r} sent Complete ${n} times for ${uploadId}`)

  // A stream's part is sent again only when the source changed since (verified by digest, it differed).
  const unchangedSource = scenario.stream !== true || world.source.versions.length === 1
  // No part is sent again once the store confirmed it, in this run or (via the checkpoint) in an earlier one.
  const confirmed = new Set<string>()
  for (const req of world.network.log) {
    if (req.client !== trace.run || req.operation !== "UploadPart") continue
    const id = `${req.uploadId}#${req.partNumber}`
    if (confirmed.has(id)) v.push(`${r} sent part ${id} again after the store confirmed it`)
    if (
      unchangedSource &&
      req.uploadId === trace.confirmedUploadId &&
      req.partNumber !== undefined &&
      trace.confirmedAtStart.has(req.partNumber)
    ) {
      v.push(`${r} re-sent part ${id}, which the checkpoint recorded and the store held`)
    }
    if (req.fate === "Deliver" && req.succeeded === true) confirmed.add(id)
  }

  // Memory: never more parts in flight than the parallelism allows.
  if (trace.maxPartsInFlight > scenario.parallelism)
    v.push(`${r} had ${trace.maxPartsInFlight} parts in flight, parallelism ${scenario.parallelism}`)

  // Committed progress never goes back: within a run, and across runs that resumed the same checkpoint.
  for (let i = 1; i < trace.committed.length; i++) {
    const [a, b] = [trace.committed[i - 1], trace.committed[i]]
    if (a === undefined || b === undefined) continue
    if (b.restarts < a.restarts) v.push(`${r} progress restart counter went back`)
    // A changed stream may end sooner or differ in a part: its records past the end, or that part, are replaced.
    if (b.restarts === a.restarts && b.bytes < a.bytes && unchangedSource)
      v.push(`${r} committed progress went back from ${a.bytes} to ${b.bytes}`)
  }
  // Across runs, in two halves. Durability: what the last run reported as committed is in the checkpoint.
  const before = trace.previous
  const last = before?.committed.at(-1)
  const restartedBefore = before?.notices.includes("Restarted") ?? false
  if (
    before !== undefined &&
    last !== undefined &&
    trace.checkpointAtStart !== undefined &&
    before.diskFault === undefined &&
    !restartedBefore
  ) {
    if (before.sourceVersion === trace.sourceVersion && last.bytes > trace.checkpointBytesAtStart) {
      v.push(
        `${r} found ${trace.checkpointBytesAtStart} committed bytes in the checkpoint; the previous run reported ${last.bytes}`
      )
    }
  }
  // A crash mid-append loses that record only: the checkpoint still reads, short of one part at most.
  if (before !== undefined && before.diskFault === "TornRecord" && trace.checkpointAtStart !== undefined) {
    const checkpoint = decoded(trace.checkpointId, trace.checkpointAtStart)
    if (checkpoint === undefined) v.push(`${r} found the checkpoint unreadable after a torn journal record`)
    else if (
      last !== undefined &&
      !restartedBefore &&
      before.sourceVersion === trace.sourceVersion &&
      // One record lost: one part, which for a stream may have grown up to the largest part size.
      last.bytes - (checkpoint.growth?.partSizeBytesMax ?? checkpoint.partSizeBytes) > trace.checkpointBytesAtStart
    ) {
      v.push(
        `${r} found ${trace.checkpointBytesAtStart} bytes in the checkpoint after a torn record; the previous run reported ${last.bytes}`
      )
    }
  }
  // Completeness: a resume starts with every recorded part the store still holds.
  const first = trace.committed[0]
  if (
    first !== undefined &&
    first.restarts === 0 &&
    trace.confirmedUploadId !== undefined &&
    first.bytes < trace.confirmedBytesAtStart
  ) {
    v.push(
      `${r} resumed at ${first.bytes} committed bytes although the store held ${trace.confirmedBytesAtStart} recorded bytes`
    )
  }
  return v
}

/** A part overwritten by someone else during the run no longer counts as held. @category invariants */
export const forgetPart = (trace: RunTrace, uploadId: string, partNumber: number, sizeBytes: number): void => {
  if (uploadId !== trace.confirmedUploadId || !trace.confirmedAtStart.delete(partNumber)) return
  trace.confirmedBytesAtStart -= sizeBytes
}

/** Fills in what the store held for the checkpoint at the start of a run. @category invariants */
export const recordStart = (world: World, trace: RunTrace, bucket: string, key: string): void => {
  const checkpoint = decoded(trace.checkpointId, trace.checkpointAtStart)
  if (checkpoint === undefined) return
  trace.confirmedUploadId = checkpoint.uploadId
  trace.confirmedAtStart = confirmedParts(world, bucket, key, checkpoint)
  trace.checkpointBytesAtStart = checkpoint.parts.reduce((n, p) => n + p.sizeBytes, 0)
  trace.confirmedBytesAtStart = checkpoint.parts
    .filter((p) => trace.confirmedAtStart.has(p.partNumber))
    .reduce((n, p) => n + p.sizeBytes, 0)
}
