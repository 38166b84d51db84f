/**
 * The checkpoint-store port: where resume state lives between runs, and the lock that keeps two uploaders of the
 * same checkpoint from interleaving.
 *
 * Adapters implement a few text primitives ({@link CheckpointStorage}); {@link make} adds the codec once, so a
 * torn or foreign checkpoint is reported the same way by every store. `persistent` tells the engine whether a
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
  readonly get: (id: string) => Effect.Effect<string | undefined, CheckpointStoreError>
  /** Must be atomic: after a crash the old text or the new text is there, never a mix. */
  readonly set: (id: string, text: string) => Effect.Effect<void, CheckpointStoreError>
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
  readonly save: (id: string, checkpoint: Checkpoint.Checkpoint) => Effect.Effect<void, CheckpointStoreError>
  readonly remove: (id: string) => Effect.Effect<void, CheckpointStoreError>
  readonly list: Effect.Effect<ReadonlyArray<ListedCheckpoint>, CheckpointStoreError>
  readonly lock: (id: string) => Effect.Effect<void, CheckpointLocked | CheckpointStoreError, Scope.Scope>
}

/** @category services */
export class CheckpointStore extends Context.Service<CheckpointStore, CheckpointStoreShape>()(
  "resumable-upload/CheckpointStore"
) {}

/** Builds the service from storage primitives, adding the codec. @category constructors */
export const make = (storage: CheckpointStorage): CheckpointStoreShape => {
  const load = (id: string) =>
    Effect.flatMap(storage.get(id), (text) => (text === undefined ? Effect.undefined : Checkpoint.decode(id, text)))
  return {
    persistent: storage.persistent,
    load,
    save: (id, checkpoint) => storage.set(id, Checkpoint.encode(checkpoint)),
    remove: storage.remove,
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
    lock: storage.lock
  }
}
