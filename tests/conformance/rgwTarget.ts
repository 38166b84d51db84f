/**
 * Ceph RGW as a conformance target, through `S3ObjectStore`: a bucket of its own per run, and at the end every
 * object the run wrote deleted, every upload left open aborted, and the bucket removed.
 */
import * as Effect from "effect/Effect"
import * as FetchHttpClient from "effect/http/FetchHttpClient"
import { createBucket } from "../../adapters/s3/S3Bucket.ts"
import * as S3Credentials from "../../adapters/s3/S3Credentials.ts"
import * as S3Endpoint from "../../adapters/s3/S3Endpoint.ts"
import * as S3ObjectStore from "../../adapters/s3/S3ObjectStore.ts"
import * as S3Transport from "../../adapters/s3/S3Transport.ts"
import { s3Limits } from "../../core/Limits.ts"
import type { ObjectStoreShape } from "../../core/ports/ObjectStore.ts"
import { rgwCredentials, rgwEndpoint, uniqueBucket } from "../support/rgw.ts"
import type { ConformanceTarget } from "./target.ts"

const config: S3ObjectStore.S3StoreConfig = {
  endpoint: S3Endpoint.make(rgwEndpoint),
  region: "us-east-1",
  credentials: S3Credentials.make(rgwCredentials)
}

/** The store, noting every key an object was written to so the teardown can delete it. */
const recordingWrites = (store: ObjectStoreShape, written: Set<string>): ObjectStoreShape => ({
  ...store,
  complete: (r) =>
    Effect.suspend(() => {
      written.add(r.key)
      return store.complete(r)
    }),
  putObject: (r) =>
    Effect.suspend(() => {
      written.add(r.key)
      return store.putObject(r)
    })
})

const cleanUp = (store: ObjectStoreShape, bucket: string, written: ReadonlySet<string>) =>
  Effect.gen(function* () {
    for (let page = 0; page < 20; page++) {
      const open = yield* store.listUploads({ bucket })
      for (const u of open.uploads) yield* Effect.ignore(store.abort({ bucket, key: u.key, uploadId: u.uploadId }))
      if (!open.isTruncated) break
    }
    for (const key of written) yield* store.delete({ bucket, key })
    const transport = yield* S3Transport.make(config)
    yield* transport.execute({ operation: "DeleteObject", method: "DELETE", bucket })
  }).pipe(Effect.provide(FetchHttpClient.layer))

export const rgwTarget: ConformanceTarget = {
  name: "rgw",
  dialect: "s3",
  partSizeBytesMin: s3Limits.partSizeBytesMin,
  open: async () => {
    const bucket = uniqueBucket("conformance")
    await Effect.runPromise(createBucket(config, bucket).pipe(Effect.provide(FetchHttpClient.layer)))
    const written = new Set<string>()
    const store = recordingWrites(
      await Effect.runPromise(S3ObjectStore.make(config).pipe(Effect.provide(FetchHttpClient.layer))),
      written
    )
    return { store, bucket, close: () => Effect.runPromise(cleanUp(store, bucket, written)) }
  }
}
