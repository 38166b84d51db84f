/**
 * A checkpoint store that survives runs (`persistent: true`, so a failed run keeps its upload for the next one to
 * resume, as a file-backed store would) and remembers which upload ids the checkpoint named during a run, so a
 * cancel can be checked against the uploads the client knew of.
 */
import * as Effect from "effect/Effect"
import * as Option from "effect/Option"
import * as MemoryCheckpointStore from "../../adapters/portable/MemoryCheckpointStore.ts"
import type * as Checkpoint from "../../core/Checkpoint.ts"
import * as CheckpointJournal from "../../core/CheckpointJournal.ts"
import { type CheckpointStorage, type CheckpointStoreShape, make } from "../../core/ports/CheckpointStore.ts"

export interface RecordingCheckpoints {
  readonly store: CheckpointStoreShape
  /** Upload ids named by a checkpoint at the start of the current run or saved during it. */
  readonly namedUploadIds: ReadonlySet<string>
  /** Forgets the previous run's names and takes those of the checkpoints there now, which it returns. */
  readonly startRun: Effect.Effect<ReadonlyArray<Checkpoint.Checkpoint>>
  readonly count: Effect.Effect<number>
}

export const makeRecordingCheckpoints = (): RecordingCheckpoints => {
  const base = MemoryCheckpointStore.makeStorage()
  const named = new Set<string>()
  // A checkpoint that does not decode names nothing; the engine reports it as corrupt on load.
  const decoded = (id: string, text: string) =>
    CheckpointJournal.decode(id, text).pipe(
      Effect.tap((checkpoint) => Effect.sync(() => named.add(checkpoint.uploadId))),
      Effect.option
    )
  const storage: CheckpointStorage = {
    ...base,
    persistent: true,
    set: (id, text) => Effect.andThen(base.set(id, text), Effect.asVoid(decoded(id, text)))
  }
  return {
    store: make(storage),
    namedUploadIds: named,
    startRun: Effect.gen(function* () {
      named.clear()
      const found: Array<Checkpoint.Checkpoint> = []
      for (const id of yield* base.ids) {
        const text = yield* base.get(id)
        const checkpoint = text === undefined ? Option.none() : yield* decoded(id, text)
        if (Option.isSome(checkpoint)) found.push(checkpoint.value)
      }
      return found
    }).pipe(Effect.orDie),
    count: Effect.map(base.ids, (ids) => ids.length).pipe(Effect.orDie)
  }
}
