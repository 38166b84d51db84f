/**
 * The multipart operations on their happy paths, with real part sizes: initiate, upload, ListParts, complete, HEAD,
 * ranged GET, PutObject, delete, and overwriting a part. Paging of the two list calls is ./listingChecks.ts.
 */
import { assert, it } from "@effect/vitest"
import * as Effect from "effect/Effect"
import { normalizeEtag } from "../../core/ports/ObjectStore.ts"
import { assertOutcome } from "./outcome.ts"
import {
  bodyOf,
  bytesOf,
  type ConformanceTarget,
  concat,
  md5Hex,
  multipartEtagOf,
  type Session,
  uniquePrefix
} from "./target.ts"

export const operationChecks = (target: ConformanceTarget, session: () => Session) => {
  const min = target.partSizeBytesMin

  it.live("initiate, upload parts, list them, complete, HEAD, GET whole and ranged, delete", () =>
    Effect.gen(function* () {
      const { bucket, store } = session()
      const key = `${uniquePrefix("ops")}object.bin`
      const parts = [bytesOf(min, 1), bytesOf(min, 2), bytesOf(1000, 3)]
      const uploadId = yield* store.initiate({ bucket, key })
      const etags: Array<string> = []
      for (const [i, bytes] of parts.entries()) {
        const stored = yield* store.uploadPart({ bucket, key, uploadId, partNumber: i + 1, body: bodyOf(bytes) })
        assert.strictEqual(normalizeEtag(stored.etag), md5Hex(bytes), "a part's ETag is its MD5")
        etags.push(stored.etag)
      }
      const listed = yield* store.listParts({ bucket, key, uploadId })
      assert.isFalse(listed.isTruncated)
      assert.deepStrictEqual(
        listed.parts.map((p) => [p.partNumber, p.sizeBytes, normalizeEtag(p.etag)]),
        parts.map((bytes, i) => [i + 1, bytes.length, md5Hex(bytes)])
      )
      const answer = yield* store.complete({
        bucket,
        key,
        uploadId,
        parts: etags.map((etag, i) => ({ partNumber: i + 1, etag }))
      })
      const expectedEtag = multipartEtagOf(parts)
      const answered =
        answer.etag === "" ? "empty ETag" : normalizeEtag(answer.etag) === expectedEtag ? "multipart ETag" : answer.etag
      assertOutcome(target, "Complete answer ETag", "multipart ETag", answered)
      const whole = concat(parts)
      const head = yield* store.head({ bucket, key })
      assert.strictEqual(head?.sizeBytes, whole.length)
      assert.strictEqual(normalizeEtag(head?.etag ?? ""), expectedEtag)
      const got = yield* store.get({ bucket, key })
      assert.isTrue(Buffer.from(got).equals(Buffer.from(whole)), "the object is the parts in order")
      // A range across the first part boundary, and one running past the end (clamped to the object).
      const across = yield* store.get({ bucket, key, range: [min - 3, min + 5] })
      assert.deepStrictEqual(across, whole.subarray(min - 3, min + 5))
      const tail = yield* store.get({ bucket, key, range: [whole.length - 10, whole.length + 100] })
      assert.deepStrictEqual(tail, whole.subarray(whole.length - 10))
      const open = yield* store.listUploads({ bucket, prefix: key })
      assert.deepStrictEqual(open.uploads, [], "a completed upload is no longer listed")
      yield* store.delete({ bucket, key })
      assert.isUndefined(yield* store.head({ bucket, key }))
      const gone = yield* Effect.flip(store.get({ bucket, key }))
      assert.deepInclude(gone, { status: 404, code: "NoSuchKey" })
      yield* store.delete({ bucket, key })
    })
  )

  it.live("PutObject stores the bytes with their MD5 as ETag; HEAD of a missing key is undefined", () =>
    Effect.gen(function* () {
      const { bucket, store } = session()
      const key = `${uniquePrefix("put")}small.bin`
      const bytes = bytesOf(4321, 5)
      const put = yield* store.putObject({ bucket, key, body: bodyOf(bytes), contentType: "application/octet-stream" })
      assert.strictEqual(normalizeEtag(put.etag), md5Hex(bytes))
      const head = yield* store.head({ bucket, key })
      assert.strictEqual(head?.sizeBytes, bytes.length)
      assert.strictEqual(normalizeEtag(head?.etag ?? ""), md5Hex(bytes))
      assert.deepStrictEqual(yield* store.get({ bucket, key }), bytes)
      assert.deepStrictEqual(yield* store.get({ bucket, key, range: [100, 200] }), bytes.subarray(100, 200))
      yield* store.delete({ bucket, key })
      assert.isUndefined(yield* store.head({ bucket, key }))
    })
  )

  it.live("re-uploading a part number replaces the part: listing and object show the new bytes", () =>
    Effect.gen(function* () {
      const { bucket, store } = session()
      const key = `${uniquePrefix("overwrite")}object.bin`
      const uploadId = yield* store.initiate({ bucket, key })
      const first = bytesOf(min, 7)
      const second = bytesOf(min + 10, 8)
      const last = bytesOf(500, 9)
      yield* store.uploadPart({ bucket, key, uploadId, partNumber: 1, body: bodyOf(first) })
      const replaced = yield* store.uploadPart({ bucket, key, uploadId, partNumber: 1, body: bodyOf(second) })
      const tail = yield* store.uploadPart({ bucket, key, uploadId, partNumber: 2, body: bodyOf(last) })
      const listed = yield* store.listParts({ bucket, key, uploadId })
      assert.deepStrictEqual(
        listed.parts.map((p) => [p.partNumber, p.sizeBytes, normalizeEtag(p.etag)]),
        [
          [1, second.length, md5Hex(second)],
          [2, last.length, md5Hex(last)]
        ]
      )
      yield* store.complete({
        bucket,
        key,
        uploadId,
        parts: [
          { partNumber: 1, etag: replaced.etag },
          { partNumber: 2, etag: tail.etag }
        ]
      })
      const got = yield* store.get({ bucket, key })
      assert.isTrue(Buffer.from(got).equals(Buffer.from(concat([second, last]))), "the object holds the new part")
      yield* store.delete({ bucket, key })
    })
  )
}
