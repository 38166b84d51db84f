/**
 * An upload that was aborted or completed is gone: UploadPart, ListParts, Complete and Abort answer NoSuchUpload
 * (S3 and OSS documentation), unless ./disagreements.ts records otherwise for a target.
 */
import { assert, it } from "@effect/vitest"
import * as Effect from "effect/Effect"
import { expectOutcome } from "./outcome.ts"
import { bodyOf, bytesOf, type ConformanceTarget, concat, type Session } from "./target.ts"
import { uploadWith } from "./uploadWith.ts"

export const goneUploadChecks = (target: ConformanceTarget, session: () => Session) => {
  const min = target.partSizeBytesMin

  it.live("an aborted upload is gone: UploadPart, ListParts, Complete and Abort answer NoSuchUpload", () =>
    Effect.gen(function* () {
      const { bucket, store } = session()
      const { completed, ref } = yield* uploadWith(store, bucket, "aborted", [1000])
      yield* store.abort(ref)
      const body = bodyOf(bytesOf(100))
      yield* expectOutcome(
        target,
        "UploadPart after abort",
        "404 NoSuchUpload",
        store.uploadPart({ ...ref, partNumber: 2, body })
      )
      yield* expectOutcome(target, "ListParts after abort", "404 NoSuchUpload", store.listParts(ref))
      yield* expectOutcome(
        target,
        "Complete after abort",
        "404 NoSuchUpload",
        store.complete({ ...ref, parts: completed })
      )
      yield* expectOutcome(target, "Abort after abort", "404 NoSuchUpload", store.abort(ref))
      assert.isUndefined(yield* store.head({ bucket, key: ref.key }))
    })
  )

  it.live("a completed upload is gone: UploadPart, ListParts and a second Complete answer NoSuchUpload", () =>
    Effect.gen(function* () {
      const { bucket, store } = session()
      const { completed, parts, ref } = yield* uploadWith(store, bucket, "completed", [min, 1000])
      yield* store.complete({ ...ref, parts: completed })
      const body = bodyOf(bytesOf(100))
      yield* expectOutcome(
        target,
        "UploadPart after complete",
        "404 NoSuchUpload",
        store.uploadPart({ ...ref, partNumber: 3, body })
      )
      yield* expectOutcome(target, "ListParts after complete", "404 NoSuchUpload", store.listParts(ref))
      yield* expectOutcome(
        target,
        "Complete after complete",
        "404 NoSuchUpload",
        store.complete({ ...ref, parts: completed })
      )
      const got = yield* store.get({ bucket, key: ref.key })
      assert.isTrue(Buffer.from(got).equals(Buffer.from(concat(parts.map((p) => p.bytes)))), "the object is intact")
      yield* store.delete({ bucket, key: ref.key })
    })
  )
}
