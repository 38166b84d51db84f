/**
 * The engine's promise, checked on each target: an upload of a multi-part file that crashes midway resumes from its
 * checkpoint, sends only the parts the store had not acknowledged (and no new Initiate), and leaves an object equal
 * to the source byte for byte, with no upload left open.
 *
 * The crash: a gate around the store admits only the first `admitted` UploadPart calls; later ones never reach the
 * store. Once the checkpoint records the admitted parts, the upload's scope is closed, interrupting it as a killed
 * process would be. A counting wrapper on the second run records which part numbers were sent.
 */
import { assert, it } from "@effect/vitest"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import * as NodeHasher from "../../adapters/node/NodeHasher.ts"
import * as MemoryByteSource from "../../adapters/portable/MemoryByteSource.ts"
import * as MemoryCheckpointStore from "../../adapters/portable/MemoryCheckpointStore.ts"
import * as CheckpointStore from "../../core/ports/CheckpointStore.ts"
import { ObjectStore, type ObjectStoreShape } from "../../core/ports/ObjectStore.ts"
import { inspectResume, resumableUpload, startUpload } from "../../core/ResumableUpload.ts"
import type { UploadRequest } from "../../core/UploadRequest.ts"
import { bytesOf, type ConformanceTarget, type Session, uniquePrefix } from "./target.ts"

interface Counted {
  readonly store: ObjectStoreShape
  /** UploadPart calls that reached the store, by part number. */
  readonly sent: Map<number, number>
  readonly initiated: () => number
}

/** Counts what reaches the store; UploadPart calls beyond `admitted` hang before reaching it. */
const counting = (store: ObjectStoreShape, admitted = Number.POSITIVE_INFINITY): Counted => {
  const sent = new Map<number, number>()
  let initiated = 0
  let passed = 0
  return {
    sent,
    initiated: () => initiated,
    store: {
      ...store,
      initiate: (r) =>
        Effect.suspend(() => {
          initiated += 1
          return store.initiate(r)
        }),
      uploadPart: (r) =>
        Effect.suspend(() => {
          if (passed >= admitted) return Effect.never
          passed += 1
          sent.set(r.partNumber, (sent.get(r.partNumber) ?? 0) + 1)
          return store.uploadPart(r)
        })
    }
  }
}

/** A five-part upload request (four full parts and a short last one) and the layer of one run of it. */
const prepare = (target: ConformanceTarget, session: () => Session, check: string) => {
  const { bucket } = session()
  const partSizeBytes = target.partSizeBytesMin
  const data = bytesOf(4 * partSizeBytes + Math.floor(partSizeBytes / 3), 21)
  const request: UploadRequest = {
    bucket,
    key: `${uniquePrefix(check)}file.bin`,
    source: MemoryByteSource.make(data, { name: "conformance.bin", lastModifiedMs: 1 }),
    partSizeBytes,
    parallelism: 2,
    retry: { retriesMax: 0 }
  }
  // One checkpoint store across both runs: it stands for the disk that survives the crash.
  const checkpoints = CheckpointStore.make({ ...MemoryCheckpointStore.makeStorage(), persistent: true })
  const layerOf = (s: ObjectStoreShape) =>
    Layer.mergeAll(
      Layer.succeed(ObjectStore, s),
      Layer.succeed(CheckpointStore.CheckpointStore, checkpoints),
      NodeHasher.layer
    )
  return { data, partCount: 5, request, layerOf }
}

/** The object at the request's key equals the source, and no upload is open under that key; then deletes it. */
const verifyObject = (store: ObjectStoreShape, request: UploadRequest, data: Uint8Array) =>
  Effect.gen(function* () {
    const got = yield* store.get({ bucket: request.bucket, key: request.key })
    assert.strictEqual(got.length, data.length)
    assert.isTrue(Buffer.from(got).equals(Buffer.from(data)), "the object differs from the source")
    const open = yield* store.listUploads({ bucket: request.bucket, prefix: request.key })
    assert.deepStrictEqual(open.uploads, [], "no upload is left open")
    yield* store.delete({ bucket: request.bucket, key: request.key })
  })

/** Polls (bounded) until `done` holds, inside the crashing run's scope. */
const waitUntil = <E, R>(what: string, done: Effect.Effect<boolean, E, R>) =>
  Effect.gen(function* () {
    for (let i = 0; i < 1000; i++) {
      if (yield* done) return
      yield* Effect.sleep("20 millis")
    }
    return assert.fail(`timed out waiting for ${what}`)
  })

export const resumeCheck = (target: ConformanceTarget, session: () => Session) => {
  it.live("a crashed multi-part upload resumes, sends only the missing parts, and the object matches", () =>
    Effect.gen(function* () {
      const { store } = session()
      const { data, layerOf, partCount, request } = prepare(target, session, "resume")
      const admitted = 2
      const partSizeBytes = target.partSizeBytesMin
      const crashed = counting(store, admitted)
      yield* Effect.scoped(
        Effect.gen(function* () {
          yield* startUpload(request)
          yield* waitUntil(
            `the checkpoint to record ${admitted} parts`,
            Effect.map(
              inspectResume(request),
              (r) => r._tag === "Resumable" && r.committedBytes === admitted * partSizeBytes
            )
          )
        })
      ).pipe(Effect.provide(layerOf(crashed.store)))
      assert.strictEqual(crashed.initiated(), 1)
      const acknowledged = [...crashed.sent.keys()]
      assert.strictEqual(acknowledged.length, admitted)

      const resumed = counting(store)
      const outcome = yield* resumableUpload(request).pipe(Effect.provide(layerOf(resumed.store)))
      assert.strictEqual(outcome._tag, "Completed")
      assert.strictEqual(resumed.initiated(), 0, "the resume continues the same upload")
      const missing = Array.from({ length: partCount }, (_, i) => i + 1).filter((n) => !acknowledged.includes(n))
      assert.deepStrictEqual(
        [...resumed.sent.entries()].sort(([a], [b]) => a - b),
        missing.map((n) => [n, 1]),
        "each missing part is sent exactly once, and no acknowledged part again"
      )
      yield* verifyObject(store, request, data)
    })
  )

  it.live("a crash right after the store applied Complete resumes to the same object", () =>
    Effect.gen(function* () {
      const { store } = session()
      const { data, layerOf, request } = prepare(target, session, "resume-complete")
      let applied = false
      // The store completes the upload, but the answer never comes back: the process dies waiting for it.
      const losing: ObjectStoreShape = {
        ...store,
        complete: (r) =>
          Effect.andThen(
            Effect.tap(store.complete(r), () => Effect.sync(() => (applied = true))),
            Effect.never
          )
      }
      yield* Effect.scoped(
        Effect.gen(function* () {
          yield* startUpload(request)
          yield* waitUntil(
            "Complete to be applied",
            Effect.sync(() => applied)
          )
        })
      ).pipe(Effect.provide(layerOf(losing)))
      const report = yield* inspectResume(request).pipe(Effect.provide(layerOf(store)))
      assert.strictEqual(report._tag, "Resumable", "the checkpoint outlived the crash")
      const outcome = yield* resumableUpload(request).pipe(Effect.provide(layerOf(store)))
      assert.strictEqual(outcome._tag, "Completed")
      yield* verifyObject(store, request, data)
    })
  )
}
