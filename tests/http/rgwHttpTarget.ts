/**
 * Ceph RGW as a target of the HTTP fault simulation, through `S3ObjectStore`: the proxy forwards to RGW itself
 * (SigV4 verifies there, since the proxy passes the client's `Host` on), in one bucket per test file that every
 * scenario shares under a key of its own, and the scenario sizes RGW needs (its 5 MiB minimum part).
 */
import * as Effect from "effect/Effect"
import * as FetchHttpClient from "effect/http/FetchHttpClient"
import type * as Scope from "effect/Scope"
import { createBucket } from "../../adapters/s3/S3Bucket.ts"
import * as S3Credentials from "../../adapters/s3/S3Credentials.ts"
import * as S3Endpoint from "../../adapters/s3/S3Endpoint.ts"
import * as S3ObjectStore from "../../adapters/s3/S3ObjectStore.ts"
import * as S3Transport from "../../adapters/s3/S3Transport.ts"
import { s3Limits } from "../../core/Limits.ts"
import type { ObjectStoreError } from "../../core/ports/ObjectStore.ts"
import { rgwCredentials, rgwEndpoint, uniqueBucket } from "../support/rgw.ts"
import type { ScenarioProfile } from "./HttpScenario.ts"
import { forgetKey, type HttpTarget } from "./httpTargets.ts"

const MiB = 1024 * 1024

const configAt = (url: string): S3ObjectStore.S3StoreConfig => ({
  endpoint: S3Endpoint.make(url),
  region: "us-east-1",
  credentials: S3Credentials.make(rgwCredentials),
  // Stable, so the checkpoint id does not depend on which port the proxy got.
  endpointId: "http-sim-rgw",
  limits: s3Limits
})

const storeAt = (url: string) => S3ObjectStore.make(configAt(url)).pipe(Effect.provide(FetchHttpClient.layer))

/**
 * Parts of 5 to 7 MiB (S3's minimum is enforced by RGW), sources mostly of 5 to 16 MiB, so a scenario has up to
 * four parts and the file writes a few hundred MiB in all: RGW frees deleted and aborted data only at its garbage
 * collection (two hours later by default), and the CI's RGW keeps everything in a memstore OSD of a few GiB.
 * Crashes come within the 10 or so requests a run makes.
 */
export const rgwProfile: ScenarioProfile = {
  partSizeBytesMin: s3Limits.partSizeBytesMin,
  partSizeBytesMax: 7 * MiB,
  edgeSizesBytes: [0, 1, s3Limits.partSizeBytesMin, s3Limits.partSizeBytesMin + 1],
  sizeBytesRange: { min: 5 * MiB, max: 16 * MiB },
  crashAfterMax: 10,
  signatureVersions: ["v4"]
}

/** RGW, in `bucket` (see {@link rgwBucket}); the proxy's own 5xx answers are S3-shaped. */
export const rgwTarget = (bucket: string): HttpTarget => {
  const url = new URL(rgwEndpoint)
  return {
    name: "Ceph RGW",
    dialect: "s3",
    bucket,
    shared: true,
    maxBodyBytes: 16 * MiB,
    open: () =>
      Effect.succeed({
        origin: { host: url.hostname, port: Number(url.port === "" ? 80 : url.port) },
        url: url.origin,
        storeAt
      })
  }
}

/**
 * A fresh bucket for the scope. Afterwards every key in `keys` is forgotten and the bucket deleted; a bucket that
 * will not go is reported on the console, not failed, since what the suite checks is the uploads. Creating it
 * fails after 30 s with a hint: an RGW that answers reads but hangs writes is usually a full OSD.
 */
export const rgwBucket = (keys: ReadonlySet<string>): Effect.Effect<string, ObjectStoreError, Scope.Scope> => {
  const bucket = uniqueBucket("http-sim")
  const config = configAt(rgwEndpoint)
  const created = createBucket(config, bucket).pipe(
    Effect.as(bucket),
    Effect.timeoutOrElse({
      duration: "30 seconds",
      orElse: () =>
        Effect.die(
          new Error(`creating bucket ${bucket} on ${rgwEndpoint} took over 30 s: is RGW's OSD full? (ceph -s)`)
        )
    })
  )
  return Effect.acquireRelease(created, () =>
    Effect.gen(function* () {
      const store = yield* S3ObjectStore.make(config)
      for (const key of keys) yield* forgetKey(store, bucket, key)
      const transport = yield* S3Transport.make(config)
      yield* transport.execute({ operation: "DeleteObject", method: "DELETE", bucket })
    }).pipe(
      Effect.catch((e) => Effect.sync(() => console.warn(`could not delete bucket ${bucket}: ${e.message}`))),
      Effect.provide(FetchHttpClient.layer)
    )
  ).pipe(Effect.provide(FetchHttpClient.layer))
}
