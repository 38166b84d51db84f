/** A live upload with parts already stored, the starting point of most error checks. */
import * as Effect from "effect/Effect"
import type { ObjectStoreShape, UploadRef } from "../../core/ports/ObjectStore.ts"
import { bodyOf, bytesOf, uniquePrefix } from "./target.ts"

/** An upload with parts 1..n of the given sizes; returns the ref and each part's ETag and bytes. */
export const uploadWith = (store: ObjectStoreShape, bucket: string, check: string, sizes: ReadonlyArray<number>) =>
  Effect.gen(function* () {
    const key = `${uniquePrefix(check)}object.bin`
    const uploadId = yield* store.initiate({ bucket, key })
    const parts: Array<{ partNumber: number; etag: string; bytes: Uint8Array }> = []
    for (const [i, size] of sizes.entries()) {
      const bytes = bytesOf(size, i + 1)
      const { etag } = yield* store.uploadPart({ bucket, key, uploadId, partNumber: i + 1, body: bodyOf(bytes) })
      parts.push({ partNumber: i + 1, etag, bytes })
    }
    const ref: UploadRef = { bucket, key, uploadId }
    return { ref, parts, completed: parts.map(({ etag, partNumber }) => ({ partNumber, etag })) }
  })
