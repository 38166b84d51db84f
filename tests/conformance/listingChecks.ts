/**
 * Paging of both list calls, one small page at a time: ListParts following NextPartNumberMarker, and
 * ListMultipartUploads following NextKeyMarker / NextUploadIdMarker, each under a prefix no other check uses.
 */
import { assert, it } from "@effect/vitest"
import * as Effect from "effect/Effect"
import { assertOutcome } from "./outcome.ts"
import { bodyOf, bytesOf, type ConformanceTarget, type Session, uniquePrefix } from "./target.ts"

export const listingChecks = (target: ConformanceTarget, session: () => Session) => {
  it.live("ListParts pages two parts at a time, following NextPartNumberMarker", () =>
    Effect.gen(function* () {
      const { bucket, store } = session()
      const key = `${uniquePrefix("list-parts")}object.bin`
      const uploadId = yield* store.initiate({ bucket, key })
      for (let n = 1; n <= 5; n++) {
        yield* store.uploadPart({ bucket, key, uploadId, partNumber: n, body: bodyOf(bytesOf(100 + n, n)) })
      }
      const pages: Array<Array<number>> = []
      let marker: number | undefined
      for (let page = 0; page < 10; page++) {
        const got = yield* store.listParts({
          bucket,
          key,
          uploadId,
          maxParts: 2,
          ...(marker === undefined ? {} : { partNumberMarker: marker })
        })
        pages.push(got.parts.map((p) => p.partNumber))
        assert.deepStrictEqual(
          got.parts.map((p) => p.sizeBytes),
          got.parts.map((p) => 100 + p.partNumber)
        )
        if (!got.isTruncated) break
        assert.strictEqual(got.nextPartNumberMarker, got.parts.at(-1)?.partNumber, "the marker is the page's last part")
        marker = got.nextPartNumberMarker
      }
      assert.deepStrictEqual(pages, [[1, 2], [3, 4], [5]])
      yield* store.abort({ bucket, key, uploadId })
    })
  )

  it.live("ListMultipartUploads pages one upload at a time, following the key and upload-id markers", () =>
    Effect.gen(function* () {
      const { bucket, store } = session()
      const prefix = uniquePrefix("list-uploads")
      const made: Array<string> = []
      for (const key of [`${prefix}a`, `${prefix}a`, `${prefix}b`, `${prefix}c/d`]) {
        made.push(`${key} ${yield* store.initiate({ bucket, key })}`)
      }
      // An upload under another prefix must not show up.
      const otherKey = `${uniquePrefix("list-uploads")}x`
      const other = yield* store.initiate({ bucket, key: otherKey })
      const seen: Array<string> = []
      let keyMarker: string | undefined
      let uploadIdMarker: string | undefined
      for (let page = 0; page < 10; page++) {
        const got = yield* store.listUploads({
          bucket,
          prefix,
          maxUploads: 1,
          ...(keyMarker === undefined ? {} : { keyMarker }),
          ...(uploadIdMarker === undefined ? {} : { uploadIdMarker })
        })
        if (page === 0) {
          const paged = got.uploads.length <= 1 ? "ok" : `all ${got.uploads.length} in one page`
          assertOutcome(target, "ListMultipartUploads with MaxUploads=1", "ok", paged)
        }
        seen.push(...got.uploads.map((u) => `${u.key} ${u.uploadId}`))
        if (!got.isTruncated) break
        keyMarker = got.nextKeyMarker
        uploadIdMarker = got.nextUploadIdMarker
      }
      assert.sameMembers(seen, made, "every upload under the prefix exactly once, and nothing else")
      assert.strictEqual(seen.length, made.length)
      assert.deepStrictEqual(
        seen.map((s) => s.split(" ")[0]),
        made.map((s) => s.split(" ")[0]),
        "listed in key order"
      )
      for (const entry of made) {
        const [key = "", uploadId = ""] = entry.split(" ")
        yield* store.abort({ bucket, key, uploadId })
      }
      yield* store.abort({ bucket, key: otherKey, uploadId: other })
      const left = yield* store.listUploads({ bucket, prefix })
      assert.deepStrictEqual(left.uploads, [], "aborted uploads are no longer listed")
    })
  )
}
