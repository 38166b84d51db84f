/**
 * moto (`python3 -m moto.server`, in memory) as a conformance target, through `S3ObjectStore`: each run starts its
 * own server on a free port (tests/support/moto.ts) and stops it at the end, which also drops everything it holds.
 */
import * as Effect from "effect/Effect"
import * as FetchHttpClient from "effect/http/FetchHttpClient"
import { createBucket } from "../../adapters/s3/S3Bucket.ts"
import * as S3Credentials from "../../adapters/s3/S3Credentials.ts"
import * as S3Endpoint from "../../adapters/s3/S3Endpoint.ts"
import * as S3ObjectStore from "../../adapters/s3/S3ObjectStore.ts"
import { s3Limits } from "../../core/Limits.ts"
import { motoCredentials, startMoto } from "../support/moto.ts"
import type { ConformanceTarget } from "./target.ts"

const bucket = "conformance"

export const motoTarget: ConformanceTarget = {
  name: "moto",
  dialect: "s3",
  partSizeBytesMin: s3Limits.partSizeBytesMin,
  open: async () => {
    const server = await startMoto()
    const config: S3ObjectStore.S3StoreConfig = {
      endpoint: S3Endpoint.make(server.url),
      region: "us-east-1",
      credentials: S3Credentials.make(motoCredentials)
    }
    await Effect.runPromise(createBucket(config, bucket).pipe(Effect.provide(FetchHttpClient.layer)))
    const store = await Effect.runPromise(S3ObjectStore.make(config).pipe(Effect.provide(FetchHttpClient.layer)))
    return { store, bucket, close: () => server.close() }
  }
}
