/**
 * The checkpoint-store port: where resume state lives between runs, and the lock that keeps two uploaders of the
 * same checkpoint from interleaving.
 *
 * Adapters implement a few text primitives ({@link CheckpointStorage}); {@link make} adds the codec and the journal
 * once, so a torn or foreign checkpoint is reported the same way by every store. A committed part is one appended
 * record (core/CheckpointJournal.ts), not a rewrite: O(1) bytes per part. When the records since the last
 * snapshot outnumber half its parts (and {@link journalRecordsMin}), the next part rewrites the snapshot instead,
 * so the stored text stays under 1.5 snapshots and compaction costs O(1) bytes per part amortized. `persistent` tells the engine whether a
 * failed upload can be resumed by a later process; when it cannot, the engine aborts the upload on failure rather
 * than leave orphaned parts.
 *
 * @since 0.1.0
 */
import * as Context from "effect/Context"
import * as Data from "effect/Data"
import * as Effect from "effect/Effect"
import type * as Scope from "effect/Scope"
import * as Checkpoint from "../Checkpoint.ts"
import * as CheckpointJournal from "../CheckpointJournal.ts"
import * as InitiateIntent from "../InitiateIntent.ts"

/** The storage itself failed (disk full, quota, permission). @category errors */
export class CheckpointStoreError extends Data.TaggedError("CheckpointStoreError")<{
  readonly method: "load" | "save" | "remove" | "list" | "lock"
  readonly checkpointId: string
  readonly message: string
  readonly cause?: unknown
}> {}

/** Another uploader holds the checkpoint's lock. @category errors */
export class CheckpointLocked extends Data.TaggedError("CheckpointLocked")<{
  readonly checkpointId: string
  readonly message: string
}> {}

/** Primitives an adapter provides. Text in, text out; "not found" is `undefined`, never an error. @category models */
export interface CheckpointStorage {
  readonly persistent: boolean
  /** The snapshot followed by everything appended since, as one text. */
  readonly get: (id: string) => Effect.Effect<string | undefined, CheckpointStoreError>
  /** Must be atomic: after a crash the old text or the new text is there, never a mix. Drops what was appended. */
  readonly set: (id: string, text: string) => Effect.Effect<void, CheckpointStoreError>
  /**
   * Adds `text` after what is stored (always after a `set` of the same id by this process), durably where the
   * store is durable. A crash may leave a prefix of `text`, never damage what was there before. Must cost
   * O(`text`), not O(what is stored).
   */
  readonly append: (id: string, text: string) => Effect.Effect<void, CheckpointStoreError>
  readonly remove: (id: string) => Effect.Effect<void, CheckpointStoreError>
  readonly ids: Effect.Effect<ReadonlyArray<string>, CheckpointStoreError>
  /** Held until the scope closes; fails at once with `CheckpointLocked` if someone else holds it. */
  readonly lock: (id: string) => Effect.Effect<void, CheckpointLocked | CheckpointStoreError, Scope.Scope>
}

/** A listed checkpoint: decoded, or the reason it could not be. @category models */
export type ListedCheckpoint =
  | { readonly _tag: "Valid"; readonly id: string; readonly checkpoint: Checkpoint.Checkpoint }
  | { readonly _tag: "Corrupt"; readonly id: string; readonly error: Checkpoint.CheckpointCorrupt }

/** @category services */
export interface CheckpointStoreShape {
  readonly persistent: boolean
  readonly load: (
    id: string
  ) => Effect.Effect<Checkpoint.Checkpoint | undefined, Checkpoint.CheckpointCorrupt | CheckpointStoreError>
  /** Writes the whole checkpoint (a snapshot). */
  readonly save: (id: string, checkpoint: Checkpoint.Checkpoint) => Effect.Effect<void, CheckpointStoreError>
  /**
   * Records one more committed part of the checkpoint this process last saved under `id` (and holds the lock
   * of): an appended record, or now and then a compaction into a new snapshot. A defect without that save.
   */
  readonly savePart: (
    id: string,
    part: Checkpoint.PartRecord,
    updatedAtMs: number
  ) => Effect.Effect<void, CheckpointStoreError>
  readonly remove: (id: string) => Effect.Effect<void, CheckpointStoreError>
  /**
   * Records that an Initiate is about to be sent for `id` (core/InitiateIntent.ts); the next `save` replaces it.
   * Optional so a hand-made store keeps working; without it, an Initiate whose answer is lost is left to gc.
   */
  readonly saveIntent?: (id: string, intent: InitiateIntent.InitiateIntent) => Effect.Effect<void, CheckpointStoreError>
  /** The intent stored under `id`, when that is what is stored (not a checkpoint). */
  readonly loadIntent?: (id: string) => Effect.Effect<InitiateIntent.InitiateIntent | undefined, CheckpointStoreError>
  readonly list: Effect.Effect<ReadonlyArray<ListedCheckpoint>, CheckpointStoreError>
  readonly lock: (id: string) => Effect.Effect<void, CheckpointLocked | CheckpointStoreError, Scope.Scope>
}

/** @category services */
export class CheckpointStore extends Context.Service<CheckpointStore, CheckpointStoreShape>()(
  "resumable-upload/CheckpointStore"
) {}

/** Below this many records a journal is never compacted: small checkpoints are cheap to append to. @category constants */
export const journalRecordsMin = 64

/** What this process last wrote under an id: the checkpoint as it stands, to compact it without reading it back. */
interface OpenJournal {
  readonly checkpoint: Omit<Checkpoint.Checkpoint, "parts">
  readonly parts: Map<number, Checkpoint.PartRecord>
  base: string
  updatedAtMs: number
  snapshotParts: number
  records: number
}

/** Builds the service from storage primitives, adding the codec and the journal. @category constructors */
export const make = (storage: CheckpointStorage): CheckpointStoreShape => {
  // Only for ids this process holds the lock of (dropped when it is released), so bounded by the uploads running.
  const open = new Map<string, OpenJournal>()
  const load = (id: string) =>
    Effect.flatMap(storage.get(id), (text) =>
      // An initiate intent is not a checkpoint: none to resume (core/InitiateIntent.ts).
      text === undefined || InitiateIntent.isIntent(text) ? Effect.undefined : CheckpointJournal.decode(id, text)
    )
  const save = (id: string, checkpoint: Checkpoint.Checkpoint) => {
    const { text, checksum } = Checkpoint.encodeSnapshot(checkpoint)
    return Effect.tap(storage.set(id, text), () =>
      Effect.sync(() => {
        const { parts, ...rest } = checkpoint
        open.set(id, {
          checkpoint: rest,
          parts: new Map(parts.map((part) => [part.partNumber, part])),
          base: checksum,
          updatedAtMs: checkpoint.updatedAtMs,
          snapshotParts: parts.length,
          records: 0
        })
      })
    )
  }
  const savePart = (id: string, part: Checkpoint.PartRecord, updatedAtMs: number) =>
    Effect.suspend(() => {
      const journal = open.get(id)
      if (journal === undefined) return Effect.die(new Error(`savePart(${id}) before save: a driver bug`))
      journal.parts.set(part.partNumber, part)
      journal.updatedAtMs = Math.max(journal.updatedAtMs, updatedAtMs)
      if (journal.records + 1 > Math.max(journalRecordsMin, journal.snapshotParts / 2)) {
        return save(id, { ...journal.checkpoint, parts: [...journal.parts.values()], updatedAtMs: journal.updatedAtMs })
      }
      journal.records++
      return storage.append(id, CheckpointJournal.encodeRecord({ base: journal.base, part, updatedAtMs }))
    })
  return {
    persistent: storage.persistent,
    load,
    save,
    savePart,
    saveIntent: (id, intent) =>
      Effect.tap(storage.set(id, InitiateIntent.encode(intent)), () => Effect.sync(() => void open.delete(id))),
    loadIntent: (id) =>
      Effect.map(storage.get(id), (text) => (text === undefined ? undefined : InitiateIntent.decode(text))),
    remove: (id) =>
      Effect.ensuring(
        storage.remove(id),
        Effect.sync(() => void open.delete(id))
      ),
    list: Effect.flatMap(storage.ids, (ids) =>
      Effect.forEach(ids, (id) =>
        load(id).pipe(
          Effect.map((checkpoint): ListedCheckpoint | undefined =>
            checkpoint === undefined ? undefined : { _tag: "Valid", id, checkpoint }
          ),
          Effect.catchTag("CheckpointCorrupt", (error) =>
            Effect.succeed<ListedCheckpoint>({ _tag: "Corrupt", id, error })
          )
        )
      ).pipe(Effect.map((listed) => listed.filter((x): x is ListedCheckpoint => x !== undefined)))
    ),
    lock: (id) => Effect.tap(storage.lock(id), () => Effect.addFinalizer(() => Effect.sync(() => void open.delete(id))))
  }
}
