/**
 * The errors a store must answer while an upload is live: digests (BadDigest on S3, InvalidDigest on OSS), part
 * numbers out of range, EntityTooSmall and InvalidPart at Complete, and what a Complete of only some parts makes.
 * Each outcome is held to the documentation, or to a deviation recorded for that target in ./disagreements.ts.
 */
import { assert, it } from "@effect/vitest"
import * as Effect from "effect/Effect"
import { expectedOutcome } from "./disagreements.ts"
import { assertOutcome, expectOutcome, outcomeOf } from "./outcome.ts"
import { bodyOf, bytesOf, type ConformanceTarget, concat, type Session } from "./target.ts"
import { uploadWith } from "./uploadWith.ts"

export const errorChecks = (target: ConformanceTarget, session: () => Session) => {
  const min = target.partSizeBytesMin
  const digestMismatch = target.dialect === "s3" ? "400 BadDigest" : "400 InvalidDigest"

  it.live(`a wrong Content-MD5 is ${digestMismatch}, a malformed one InvalidDigest; nothing is stored`, () =>
    Effect.gen(function* () {
      const { bucket, store } = session()
      const { ref } = yield* uploadWith(store, bucket, "digest", [])
      const body = { ...bodyOf(bytesOf(2000)), md5Base64: bodyOf(bytesOf(2000, 9)).md5Base64 }
      const part = { ...ref, partNumber: 1, body }
      yield* expectOutcome(target, "UploadPart with a wrong Content-MD5", digestMismatch, store.uploadPart(part))
      const put = { bucket, key: `${ref.key}.put`, body }
      const putOutcome = yield* outcomeOf(store.putObject(put))
      assertOutcome(target, "PutObject with a wrong Content-MD5", digestMismatch, putOutcome)
      // A store that does not check digests (registered above) keeps what it accepted; a rejection keeps nothing.
      if (putOutcome === "ok") yield* store.delete({ bucket, key: put.key })
      else assert.isUndefined(yield* store.head({ bucket, key: put.key }), "a rejected PutObject stores nothing")
      // Base64 of 12 bytes (well-formed, but no MD5), then text that is not base64 at all.
      const withDigest = (md5Base64: string) => store.uploadPart({ ...part, body: { ...part.body, md5Base64 } })
      yield* expectOutcome(
        target,
        "UploadPart with a Content-MD5 of the wrong length",
        "400 InvalidDigest",
        withDigest("bm90LWEtZGlnZXN0")
      )
      yield* expectOutcome(
        target,
        "UploadPart with a Content-MD5 that is not base64",
        "400 InvalidDigest",
        withDigest("not base64!")
      )
      const listed = yield* store.listParts(ref)
      const accepted = expectedOutcome("UploadPart with a wrong Content-MD5", target.name, digestMismatch) === "ok"
      assert.deepStrictEqual(
        listed.parts.map((p) => p.partNumber),
        accepted ? [1] : [],
        "rejected parts are not stored"
      )
      yield* store.abort(ref)
    })
  )

  it.live("UploadPart numbers must be 1 to 10,000", () =>
    Effect.gen(function* () {
      const { bucket, store } = session()
      const { ref } = yield* uploadWith(store, bucket, "part-number", [])
      const body = bodyOf(bytesOf(100))
      yield* expectOutcome(
        target,
        "UploadPart number 0",
        "400 InvalidArgument",
        store.uploadPart({ ...ref, partNumber: 0, body })
      )
      yield* expectOutcome(
        target,
        "UploadPart number 10001",
        "400 InvalidArgument",
        store.uploadPart({ ...ref, partNumber: 10_001, body })
      )
      yield* store.abort(ref)
    })
  )

  it.live("Complete: EntityTooSmall, InvalidPart (wrong ETag, part never uploaded), a repeated part number", () =>
    Effect.gen(function* () {
      const { bucket, store } = session()
      const small = yield* uploadWith(store, bucket, "too-small", [1000, 1000])
      yield* expectOutcome(
        target,
        "Complete with a part too small",
        "400 EntityTooSmall",
        store.complete({ ...small.ref, parts: small.completed })
      )
      yield* store.abort(small.ref)
      const { completed, ref } = yield* uploadWith(store, bucket, "invalid-part", [min, 1000])
      const [first = completed[0], last = completed[1]] = completed
      if (first === undefined || last === undefined) return assert.fail("two parts were uploaded")
      const wrongEtag = [{ ...first, etag: `"${"0".repeat(32)}"` }, last]
      yield* expectOutcome(
        target,
        "Complete with a wrong ETag",
        "400 InvalidPart",
        store.complete({ ...ref, parts: wrongEtag })
      )
      const neverUploaded = [first, last, { partNumber: 3, etag: last.etag }]
      yield* expectOutcome(
        target,
        "Complete with a part never uploaded",
        "400 InvalidPart",
        store.complete({ ...ref, parts: neverUploaded })
      )
      const twice = [first, first, last]
      yield* expectOutcome(
        target,
        "Complete listing a part number twice",
        "400 InvalidPartOrder",
        store.complete({ ...ref, parts: twice })
      )
      // Whatever a target did above, the upload is still there to abort unless a lenient Complete consumed it.
      yield* Effect.ignore(store.abort(ref))
      yield* store.delete({ bucket, key: ref.key })
    })
  )

  it.live("Complete with a subset of the uploaded parts makes the object of just those parts", () =>
    Effect.gen(function* () {
      const { bucket, store } = session()
      const { completed, parts, ref } = yield* uploadWith(store, bucket, "subset", [min, min, 1000])
      const observed = yield* outcomeOf(store.complete({ ...ref, parts: completed.slice(0, 2) }))
      assertOutcome(target, "Complete with a subset of the uploaded parts", "ok", observed)
      if (observed === "ok") {
        const got = yield* store.get({ bucket, key: ref.key })
        const expected = concat(parts.slice(0, 2).map((p) => p.bytes))
        assert.isTrue(Buffer.from(got).equals(Buffer.from(expected)), "the object is parts 1 and 2 only")
        yield* store.delete({ bucket, key: ref.key })
      } else yield* store.abort(ref)
    })
  )
}
