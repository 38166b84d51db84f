/**
 * Finds the uploads an earlier run may have orphaned: it wrote an initiate intent (core/InitiateIntent.ts), sent
 * Initiate, and crashed before the answer named the upload. Lists the key's multipart uploads (prefix = key, at most
 * {@link InitiateIntent.orphanListPagesMax} pages) and keeps those of exactly this key initiated since the intent,
 * allowing for the store's clock being behind ours, that hold no part (ListParts, one part at most). At most
 * `strayUploadIdsMax` are looked at; the rest is left to gc.
 *
 * Run by core/CommandRunner.ts for the `FindOrphans` command.
 *
 * @since 0.5.0
 */
import * as Effect from "effect/Effect"
import { strayUploadIdsMax } from "./Checkpoint.ts"
import * as InitiateIntent from "./InitiateIntent.ts"
import { isRetryable, ObjectStore, type ObjectStoreError } from "./ports/ObjectStore.ts"
import * as RetryPolicy from "./RetryPolicy.ts"

/** The ids of the uploads of `key` initiated since `sinceMs` (store clock, with slack), oldest first. @category runners */
export const findOrphans = (
  retry: RetryPolicy.RetryPolicy,
  bucket: string,
  key: string,
  sinceMs: number
): Effect.Effect<ReadonlyArray<string>, ObjectStoreError, ObjectStore> =>
  Effect.gen(function* () {
    const store = yield* ObjectStore
    const retried = RetryPolicy.retrying(retry, isRetryable)
    const found: Array<{ readonly uploadId: string; readonly initiatedAtMs: number }> = []
    let keyMarker: string | undefined
    let uploadIdMarker: string | undefined
    for (let page = 0; page < InitiateIntent.orphanListPagesMax; page++) {
      const result = yield* retried(
        store.listUploads({
          bucket,
          prefix: key,
          ...(keyMarker === undefined ? {} : { keyMarker }),
          ...(uploadIdMarker === undefined ? {} : { uploadIdMarker })
        })
      )
      for (const upload of result.uploads) {
        if (upload.key === key && upload.initiatedAtMs >= sinceMs - InitiateIntent.clockSlackMs) found.push(upload)
      }
      if (!result.isTruncated || result.nextKeyMarker === undefined) break
      if (result.nextKeyMarker === keyMarker && result.nextUploadIdMarker === uploadIdMarker) break // no progress
      keyMarker = result.nextKeyMarker
      uploadIdMarker = result.nextUploadIdMarker
    }
    const candidates = found.sort((a, b) => a.initiatedAtMs - b.initiatedAtMs).slice(0, strayUploadIdsMax)
    // An upload whose Initiate answer was lost holds no part (nobody knew its id). One with parts belongs to a run
    // that did know it, such as a paused upload of another file to this key: never ours to abort.
    const empty = yield* Effect.forEach(candidates, (upload) =>
      retried(store.listParts({ bucket, key, uploadId: upload.uploadId, maxParts: 1 })).pipe(
        Effect.map((page) => (page.parts.length === 0 ? [upload.uploadId] : [])),
        Effect.catchTag("ObjectStoreError", () => Effect.succeed([]))
      )
    )
    return empty.flat()
  })
