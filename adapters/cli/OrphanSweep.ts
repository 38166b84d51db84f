/**
 * The one thing a kill can leave that no checkpoint names: a multipart upload whose Initiate answer was lost (the
 * engine's known limit, docs/design.md). A batch knows better than the engine here, because its journal says when
 * it first started each multipart file. Once such a file is complete, every incomplete upload of exactly its key
 * initiated since then (less a margin for clock skew) is one of ours, orphaned by an earlier killed run, and is
 * aborted. Only files an earlier run started are swept, so a batch that was never killed lists nothing.
 *
 * @since 0.2.0
 */

import { ObjectStore, type ObjectStoreError } from "@resumable-upload/core/ports/ObjectStore"
import * as Effect from "effect/Effect"

/** The store's clock may run behind ours; an upload this much older than the intent still counts as ours. */
export const clockSkewMarginMs = 5 * 60_000
/** One key rarely has more than a few uploads; a page of 1000 and a few pages bound the sweep. */
const pagesMax = 5

/** Aborts the uploads of `key` started since `sinceMs` (less the margin); resolves to how many. @category commands */
export const sweepOrphans = (
  bucket: string,
  key: string,
  sinceMs: number
): Effect.Effect<number, ObjectStoreError, ObjectStore> =>
  Effect.gen(function* () {
    const store = yield* ObjectStore
    let aborted = 0
    let markers: { keyMarker?: string; uploadIdMarker?: string } = {}
    for (let page = 0; page < pagesMax; page++) {
      const listed = yield* store.listUploads({ bucket, prefix: key, ...markers })
      for (const u of listed.uploads) {
        if (u.key !== key || u.initiatedAtMs < sinceMs - clockSkewMarginMs) continue
        yield* store.abort({ bucket, key, uploadId: u.uploadId })
        aborted++
      }
      if (!listed.isTruncated) break
      markers = {
        ...(listed.nextKeyMarker === undefined ? {} : { keyMarker: listed.nextKeyMarker }),
        ...(listed.nextUploadIdMarker === undefined ? {} : { uploadIdMarker: listed.nextUploadIdMarker })
      }
    }
    return aborted
  })
