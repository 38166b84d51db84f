/**
 * The invariants of the in-process simulation, checked against the real server after each run. This half reads
 * what the store holds, over HTTP straight from the server (never through the proxy, so a check cannot itself be
 * faulted); {@link ./wireInvariants.ts} checks what the client sent.
 */
import * as Effect from "effect/Effect"
import * as Exit from "effect/Exit"
import type * as Checkpoint from "../../core/Checkpoint.ts"
import * as Crc64 from "../../core/Crc64.ts"
import type * as Driver from "../../core/Driver.ts"
import { needsCrc64, normalizeEtag, type ObjectStoreShape } from "../../core/ports/ObjectStore.ts"
import { checkWire, type Held, type WireFacts } from "./wireInvariants.ts"

/** How one run ended: an exit of the upload, or the crash the test caused. */
export type RunEnd = Exit.Exit<Driver.UploadOutcome, Driver.UploadError> | "Crashed"

export interface RunFacts extends WireFacts {
  readonly bucket: string
  readonly key: string
  readonly source: Uint8Array
  readonly deleteUploadIdOnCancelling: boolean
  readonly end: RunEnd
  /** Upload ids the checkpoint named at the start of the run or while it ran. */
  readonly namedUploadIds: ReadonlySet<string>
  readonly checkpointsLeft: number
}

/** Lists, straight from the server, which recorded parts of the checkpoint are still there. */
export const heldParts = (
  store: ObjectStoreShape,
  ref: { readonly bucket: string; readonly key: string },
  checkpoint: Checkpoint.Checkpoint
): Effect.Effect<Held> =>
  store.listParts({ ...ref, uploadId: checkpoint.uploadId, maxParts: 1000 }).pipe(
    Effect.map((page) => new Map(page.parts.map((p) => [p.partNumber, normalizeEtag(p.etag)]))),
    Effect.catch(() => Effect.succeed(new Map<number, string>())),
    Effect.map((listed) => {
      const held = checkpoint.parts.filter((p) => listed.get(p.partNumber) === normalizeEtag(p.etag))
      return {
        recordedBytes: checkpoint.parts.reduce((n, p) => n + p.sizeBytes, 0),
        parts: new Set(held.map((p) => `${checkpoint.uploadId}#${p.partNumber}`)),
        bytes: held.reduce((n, p) => n + p.sizeBytes, 0)
      }
    })
  )

const equalBytes = (a: Uint8Array, b: Uint8Array) => a.length === b.length && a.every((x, i) => x === b[i])

/** Every violation of one run; empty when it behaved. */
export const checkRun = (store: ObjectStoreShape, f: RunFacts): Effect.Effect<Array<string>> =>
  Effect.gen(function* () {
    const v: Array<string> = []
    const r = `run ${f.run}`
    const ref = { bucket: f.bucket, key: f.key }
    if (f.end !== "Crashed" && Exit.isFailure(f.end) && Exit.hasDies(f.end)) v.push(`${r} died: ${String(f.end.cause)}`)

    // Never a wrong object at the key: absent, or the source whole. Read straight from the server.
    const head = yield* store.head(ref)
    const object = head === undefined ? undefined : yield* store.get(ref)
    if (object !== undefined && !equalBytes(object, f.source))
      v.push(`${r} left an object of ${object.length} bytes at the key that is not the source`)

    const outcome = f.end !== "Crashed" && Exit.isSuccess(f.end) ? f.end.value : undefined
    if (outcome?._tag === "Completed") {
      if (object === undefined) v.push(`${r} reported Completed but there is no object at the key`)
      const crc = Crc64.compute(f.source)
      // A CRC-64 is reported exactly when the store verifies one (OSS), and then it is the source's.
      if (outcome.crc64 === undefined ? needsCrc64(store) : outcome.crc64 !== crc)
        v.push(`${r} reported CRC-64 ${outcome.crc64}, the source's is ${crc}`)
      if (head?.crc64 !== undefined && head.crc64 !== crc) v.push(`${r} the stored object's CRC-64 is ${head.crc64}`)
      if (outcome.sizeBytes !== f.source.length) v.push(`${r} reported ${outcome.sizeBytes} bytes`)
      if (f.checkpointsLeft > 0) v.push(`${r} completed but left its checkpoint`)
    }
    // Cancel with deleteUploadIdOnCancelling: no checkpoint, and no live upload the checkpoint named.
    if (outcome?._tag === "Cancelled" && f.deleteUploadIdOnCancelling) {
      if (f.checkpointsLeft > 0) v.push(`${r} cancelled but left its checkpoint`)
      const listed = yield* store.listUploads({ bucket: f.bucket, prefix: f.key, maxUploads: 1000 })
      const left = listed.uploads.filter((u) => u.key === f.key && f.namedUploadIds.has(u.uploadId))
      if (left.length > 0) v.push(`${r} cancelled but left uploads ${left.map((u) => u.uploadId).join(",")}`)
    }

    v.push(...checkWire(f))
    return v
  }).pipe(Effect.catch((e) => Effect.succeed([`run ${f.run}: checking over HTTP failed: ${e.message}`])))
