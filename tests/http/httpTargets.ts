/**
 * What the HTTP fault simulation uploads to, behind the fault proxy: the local OSS server (memory storage, one per
 * scenario, through `OssObjectStore`) or a real S3 server (Ceph RGW through `S3ObjectStore`, see
 * {@link ./rgwHttpTarget.ts}). A target says where the proxy forwards, how to reach the store at a URL (the
 * store's own for the checks, the proxy's for the upload), and how the proxy's own error answers must look.
 */
import * as Effect from "effect/Effect"
import * as FetchHttpClient from "effect/http/FetchHttpClient"
import type * as Scope from "effect/Scope"
import * as OssCredentials from "../../adapters/oss/OssCredentials.ts"
import * as OssEndpoint from "../../adapters/oss/OssEndpoint.ts"
import * as OssObjectStore from "../../adapters/oss/OssObjectStore.ts"
import * as LocalOssServer from "../../adapters/server/LocalOssServer.ts"
import { ossLimits } from "../../core/Limits.ts"
import type { ObjectStoreShape } from "../../core/ports/ObjectStore.ts"
import { partSizeBytesMin } from "./HttpScenario.ts"
import type { ProxyDialect } from "./proxyAnswers.ts"

export interface TargetOptions {
  /** OSS signing for the local server; S3 targets always sign with SigV4 and ignore it. */
  readonly signatureVersion: "v1" | "v4"
  /** Request limits of the local server; only the local target has any to set. */
  readonly serverLimits?: NonNullable<LocalOssServer.LocalOssServerOptions["limits"]>
}

export interface OpenTarget {
  /** Where the proxy forwards requests. */
  readonly origin: { readonly host: string; readonly port: number }
  /** The store itself: the checks read through it, so a check is never faulted. */
  readonly url: string
  /** A store at `url` (the target's own, or the proxy's in front of it). */
  readonly storeAt: (url: string) => Effect.Effect<ObjectStoreShape>
}

export interface HttpTarget {
  readonly name: string
  readonly dialect: ProxyDialect
  readonly bucket: string
  /** Scenarios share the store (and the bucket), so each must use its own key and clean it up when it ends. */
  readonly shared: boolean
  /** Largest request body the proxy must take: a whole part, or a one-part PutObject. */
  readonly maxBodyBytes: number
  /** Opens the target for one scenario (or one test), closed with the scope. */
  readonly open: (options: TargetOptions) => Effect.Effect<OpenTarget, never, Scope.Scope>
}

/**
 * Server closes that waited out the 10 s grace for a request handler that never ended: the bug reproduced in
 * AbortedBodyRepro.test.ts. Counted and printed rather than failed, as it depends on a race.
 */
export const slowCloses = { count: 0 }

const credentials = { accessKeyId: "http-sim-ak", accessKeySecret: "http-sim-secret" }

const ossStoreAt = (url: string, signatureVersion: "v1" | "v4") =>
  OssObjectStore.make({
    endpoint: OssEndpoint.make(url),
    // Stable, so the checkpoint id does not depend on which port the proxy got.
    endpointId: "http-sim",
    region: "cn-hangzhou",
    signatureVersion,
    credentials: OssCredentials.make(credentials),
    limits: { ...ossLimits, partSizeBytesMin }
  }).pipe(Effect.provide(FetchHttpClient.layer))

/** A fresh local OSS server (memory storage) per scenario, with parts as small as 64 KiB. */
export const localTarget: HttpTarget = {
  name: "local OSS server",
  dialect: "oss",
  bucket: "http-sim",
  shared: false,
  maxBodyBytes: 8 * 1024 * 1024,
  open: (options) =>
    Effect.gen(function* () {
      const server = yield* Effect.acquireRelease(
        Effect.promise(() =>
          LocalOssServer.start({
            storage: { kind: "memory" },
            credentials: [credentials],
            storeLimits: { partSizeBytesMin },
            ...(options.serverLimits === undefined ? {} : { limits: options.serverLimits })
          })
        ),
        (s) =>
          Effect.promise(async () => {
            const startedMs = Date.now()
            await s.close()
            if (Date.now() - startedMs > 5_000) slowCloses.count++
          })
      )
      return {
        origin: server,
        url: server.url,
        storeAt: (url: string) => ossStoreAt(url, options.signatureVersion)
      }
    })
}

/** Aborts every upload of `key` and deletes its object; what a scenario on a shared store leaves behind. */
export const forgetKey = (store: ObjectStoreShape, bucket: string, key: string): Effect.Effect<void> =>
  Effect.gen(function* () {
    for (let page = 0; page < 10; page++) {
      const open = yield* store.listUploads({ bucket, prefix: key, maxUploads: 1000 })
      const mine = open.uploads.filter((u) => u.key === key)
      for (const u of mine) yield* Effect.ignore(store.abort({ bucket, key, uploadId: u.uploadId }))
      if (mine.length === 0 || !open.isTruncated) break
    }
    yield* store.delete({ bucket, key })
  }).pipe(Effect.ignore)
