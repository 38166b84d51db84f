/**
 * One limit on requests in flight across every upload of a batch: the ObjectStore each upload sees takes a permit
 * from one shared semaphore for every call, so `--parallel 8` means eight requests at once for the whole `cp -r`,
 * however many files are under way (as `aws s3 cp --recursive` counts `max_concurrent_requests`).
 *
 * @since 0.2.0
 */

import { ObjectStore, type ObjectStoreShape } from "@resumable-upload/core/ports/ObjectStore"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import * as Semaphore from "effect/Semaphore"

/** Calls in flight now and the most seen at once, so tests can check the limit holds. @category models */
export interface RequestGauge {
  inFlight: number
  maxInFlight: number
}

/** `store` with every call holding one of `permits` while it runs. @category combinators */
export const limited = (
  store: ObjectStoreShape,
  semaphore: Semaphore.Semaphore,
  gauge: RequestGauge
): ObjectStoreShape => {
  const wrap = <A, E, R>(effect: Effect.Effect<A, E, R>): Effect.Effect<A, E, R> =>
    semaphore.withPermit(
      Effect.acquireUseRelease(
        Effect.sync(() => {
          gauge.inFlight++
          gauge.maxInFlight = Math.max(gauge.maxInFlight, gauge.inFlight)
        }),
        () => effect,
        () =>
          Effect.sync(() => {
            gauge.inFlight--
          })
      )
    )
  const call =
    <I, A, E, R>(f: (input: I) => Effect.Effect<A, E, R>) =>
    (input: I) =>
      wrap(f(input))
  const optionalCall = <I, A, E, R>(f: ((input: I) => Effect.Effect<A, E, R>) | undefined) =>
    f === undefined ? {} : { value: call(f) }
  const listObjects = optionalCall(store.listObjects)
  const deleteObjects = optionalCall(store.deleteObjects)
  return {
    dialect: store.dialect,
    endpointId: store.endpointId,
    limits: store.limits,
    initiate: call(store.initiate),
    uploadPart: call(store.uploadPart),
    listParts: call(store.listParts),
    listUploads: call(store.listUploads),
    complete: call(store.complete),
    abort: call(store.abort),
    putObject: call(store.putObject),
    head: call(store.head),
    get: call(store.get),
    delete: call(store.delete),
    ...(listObjects.value === undefined ? {} : { listObjects: listObjects.value }),
    ...(deleteObjects.value === undefined ? {} : { deleteObjects: deleteObjects.value }),
    ...(store.listBuckets === undefined ? {} : { listBuckets: wrap(store.listBuckets) })
  }
}

/** The layer of `limited`: one semaphore of `permits` for everything built on it. @category layers */
export const layer = (permits: number, gauge: RequestGauge): Layer.Layer<ObjectStore, never, ObjectStore> =>
  Layer.effect(
    ObjectStore,
    Effect.gen(function* () {
      const store = yield* ObjectStore
      const semaphore = yield* Semaphore.make(permits)
      return limited(store, semaphore, gauge)
    })
  )
