/**
 * Stray uploads: earlier multipart uploads of this very request that the client knew of but could not abort (the
 * abort of a stale upload failed after its retries). Their ids ride along with the upload that replaced them, in
 * its state and its checkpoint, so a later cancel aborts them too and a Complete tries once more, rather than leave
 * them for `uploads gc` to find. The list is bounded: past {@link strayUploadIdsMax}, the oldest is left to gc.
 *
 * Pure, like the transitions that use it (core/UploadSteps.ts, core/UploadTransition*.ts).
 *
 * @since 0.5.0
 */
import { type Checkpoint, strayUploadIdsMax } from "./Checkpoint.ts"
import type { Settings, Step, UploadState } from "./UploadMachine.ts"

/** The stray ids a checkpoint carries (none for a checkpoint written before they existed). @category utils */
export const straysOf = (checkpoint: Checkpoint | undefined): ReadonlyArray<string> => checkpoint?.strayUploadIds ?? []

/** `strays` with one more id (once only); the oldest goes when the list is full. @category utils */
export const withStray = (strays: ReadonlyArray<string> | undefined, uploadId: string): ReadonlyArray<string> => {
  const kept = (strays ?? []).filter((id) => id !== uploadId)
  return [...kept, uploadId].slice(-strayUploadIdsMax)
}

/** `strays` as an optional field: absent when empty, so states and checkpoints without strays stay as they were. */
export const straysField = (strays: ReadonlyArray<string> | undefined): { readonly strays?: ReadonlyArray<string> } =>
  strays === undefined || strays.length === 0 ? {} : { strays }

/**
 * The run is settled (`end`: Completed, Aborted or Failed); abort the strays one after another first, then remove
 * the checkpoint. Without strays: `end` and the checkpoint's removal at once.
 */
export const settleWithStrays = (
  settings: Settings,
  end: UploadState,
  strays: ReadonlyArray<string> | undefined
): Step => {
  const [first, ...rest] = strays ?? []
  if (first === undefined) return { state: end, commands: [{ _tag: "RemoveCheckpoint" }] }
  return {
    state: { _tag: "Aborting", settings, uploadId: first, ...straysField(rest), settled: end },
    commands: [{ _tag: "AbortUpload", uploadId: first }]
  }
}
