/**
 * The embedded default store: the local OSS/S3-compatible server started in a worker thread of this process
 * (EmbeddedServerThread.ts) over a data directory for the duration of one command, reached in the target's dialect. Both dialects share the data directory, so an
 * object put as `oss://b/k` can be read as `s3://b/k`.
 *
 * @since 0.1.0
 */
import { resolve } from "node:path"
import * as OssEndpoint from "@resumable-upload/oss/OssEndpoint"
import * as OssObjectStore from "@resumable-upload/oss/OssObjectStore"
import { createBucket } from "@resumable-upload/s3/S3Bucket"
import * as S3Endpoint from "@resumable-upload/s3/S3Endpoint"
import * as S3ObjectStore from "@resumable-upload/s3/S3ObjectStore"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import { UsageError } from "./CliErrors.ts"
import { ServerThreadStartError, startServerThread } from "./EmbeddedServerThread.ts"
import { httpClient } from "./httpClient.ts"
import type { ResolvedStore } from "./ResolvedStore.ts"
import type { Scheme } from "./Target.ts"

/** @category constructors */
export const embeddedStore = (dataDir: string, scheme: Scheme, region: string) =>
  Effect.gen(function* () {
    const path = resolve(dataDir)
    const server = yield* Effect.acquireRelease(
      Effect.tryPromise({
        try: () =>
          startServerThread({
            storage: { kind: "directory", path },
            credentials: "anonymous",
            dialect: scheme,
            ...(scheme === "oss" ? { region } : {})
          }),
        // A start error's message names the data directory and the fix already.
        catch: (e) =>
          new UsageError({
            message:
              e instanceof ServerThreadStartError && e.startError
                ? `cannot start the embedded store: ${e.message}`
                : `cannot start the embedded store in ${path}: ${e instanceof Error ? e.message : String(e)}`
          })
      }),
      (s) => Effect.promise(() => s.close())
    )
    // The port changes from run to run; the data directory is what identifies this store.
    const endpointId = `${scheme}:embedded:${path}`
    const description = `embedded local store at ${server.url} (${scheme === "oss" ? "OSS" : "S3"} dialect, data in ${path})`
    if (scheme === "oss") {
      const store = OssObjectStore.layer({
        endpoint: OssEndpoint.make(server.url),
        region,
        signatureVersion: "v4",
        credentials: undefined,
        endpointId
      })
      return { layer: store.pipe(Layer.provide(httpClient)), description, embedded: true } satisfies ResolvedStore
    }
    const config = { endpoint: S3Endpoint.make(server.url), region, credentials: undefined, endpointId }
    return {
      layer: S3ObjectStore.layer(config).pipe(Layer.provide(httpClient)),
      description,
      embedded: true,
      createBucket: (bucket: string) => createBucket(config, bucket).pipe(Effect.provide(httpClient))
    } satisfies ResolvedStore
  })
