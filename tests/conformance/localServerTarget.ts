/**
 * The local server as a conformance target, in each dialect through that dialect's own adapter: OSS through
 * `OssObjectStore` (V4 signatures), S3 through `S3ObjectStore` (SigV4) on a listener whose default dialect is S3.
 * The server runs with the real limits of each dialect (100 KB and 5 MiB minimum parts), in memory.
 */
import * as Effect from "effect/Effect"
import * as FetchHttpClient from "effect/http/FetchHttpClient"
import * as OssCredentials from "../../adapters/oss/OssCredentials.ts"
import * as OssEndpoint from "../../adapters/oss/OssEndpoint.ts"
import * as OssObjectStore from "../../adapters/oss/OssObjectStore.ts"
import { createBucket } from "../../adapters/s3/S3Bucket.ts"
import * as S3Credentials from "../../adapters/s3/S3Credentials.ts"
import * as S3Endpoint from "../../adapters/s3/S3Endpoint.ts"
import * as S3ObjectStore from "../../adapters/s3/S3ObjectStore.ts"
import * as LocalOssServer from "../../adapters/server/LocalOssServer.ts"
import { ossLimits, s3Limits } from "../../core/Limits.ts"
import type { ConformanceTarget } from "./target.ts"

const credentials = { accessKeyId: "conformance-ak", accessKeySecret: "conformance-secret" }
const bucket = "conformance"

export const localOssTarget: ConformanceTarget = {
  name: "local-oss",
  dialect: "oss",
  partSizeBytesMin: ossLimits.partSizeBytesMin,
  open: async () => {
    const server = await LocalOssServer.start({ storage: { kind: "memory" }, credentials: [credentials] })
    const store = await Effect.runPromise(
      OssObjectStore.make({
        endpoint: OssEndpoint.make(server.url),
        region: "cn-hangzhou",
        signatureVersion: "v4",
        credentials: OssCredentials.make(credentials)
      }).pipe(Effect.provide(FetchHttpClient.layer))
    )
    return { store, bucket, close: () => server.close() }
  }
}

export const localS3Target: ConformanceTarget = {
  name: "local-s3",
  dialect: "s3",
  partSizeBytesMin: s3Limits.partSizeBytesMin,
  open: async () => {
    const server = await LocalOssServer.start({
      storage: { kind: "memory" },
      credentials: [credentials],
      dialect: "s3"
    })
    const config: S3ObjectStore.S3StoreConfig = {
      endpoint: S3Endpoint.make(server.url),
      region: "us-east-1",
      credentials: S3Credentials.make({
        accessKeyId: credentials.accessKeyId,
        secretAccessKey: credentials.accessKeySecret
      })
    }
    // Buckets exist implicitly on the local server; S3 clients still create one first, which must answer 200.
    await Effect.runPromise(createBucket(config, bucket).pipe(Effect.provide(FetchHttpClient.layer)))
    const store = await Effect.runPromise(S3ObjectStore.make(config).pipe(Effect.provide(FetchHttpClient.layer)))
    return { store, bucket, close: () => server.close() }
  }
}
