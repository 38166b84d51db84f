/**
 * The pieces every HTTP fault test stands on: a local OSS server (memory storage) with the fault proxy in front,
 * both closed with the scope; OSS stores pointed at either; and a `fetch` that tags requests with their run.
 */
import * as Effect from "effect/Effect"
import * as Exit from "effect/Exit"
import * as FetchHttpClient from "effect/http/FetchHttpClient"
import type * as Scope from "effect/Scope"
import * as LocalOssServer from "../../adapters/node/server/LocalOssServer.ts"
import * as OssCredentials from "../../adapters/oss/OssCredentials.ts"
import * as OssEndpoint from "../../adapters/oss/OssEndpoint.ts"
import * as OssObjectStore from "../../adapters/oss/OssObjectStore.ts"
import { ossLimits } from "../../core/Limits.ts"
import type { ObjectStoreShape } from "../../core/ports/ObjectStore.ts"
import * as FaultProxy from "./FaultProxy.ts"
import { partSizeBytesMin } from "./HttpScenario.ts"
import type { RunEnd } from "./httpInvariants.ts"

/**
 * Server closes that waited out the 10 s grace for a request handler that never ended: the bug reproduced in
 * AbortedBodyRepro.test.ts. Counted and printed rather than failed, as it depends on a race.
 */
export const slowCloses = { count: 0 }

const credentials = { accessKeyId: "http-sim-ak", accessKeySecret: "http-sim-secret" }

export interface Stack {
  readonly proxy: FaultProxy.FaultProxy
  /** Straight to the server: what checks read, so a check is never itself faulted. */
  readonly direct: ObjectStoreShape
  /** Through the proxy: what the upload uses. */
  readonly proxied: ObjectStoreShape
}

const storeOf = (url: string, signatureVersion: "v1" | "v4") =>
  OssObjectStore.make({
    endpoint: OssEndpoint.make(url),
    // Stable, so the checkpoint id does not depend on which port the proxy got.
    endpointId: "http-sim",
    region: "cn-hangzhou",
    signatureVersion,
    credentials: OssCredentials.make(credentials),
    limits: { ...ossLimits, partSizeBytesMin }
  }).pipe(Effect.provide(FetchHttpClient.layer))

/** A server and its proxy, closed (proxy first) when the scope closes. */
export const makeStack = (options: {
  readonly proxySeed: number
  readonly signatureVersion: "v1" | "v4"
  readonly serverLimits?: NonNullable<LocalOssServer.LocalOssServerOptions["limits"]>
  readonly dropDelayMs?: number
}): Effect.Effect<Stack, never, Scope.Scope> =>
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
    const proxy = yield* Effect.acquireRelease(
      Effect.promise(() =>
        FaultProxy.start({
          target: server,
          seed: options.proxySeed,
          ...(options.dropDelayMs === undefined ? {} : { dropDelayMs: options.dropDelayMs })
        })
      ),
      (p) => Effect.promise(() => p.close())
    )
    return {
      proxy,
      direct: yield* storeOf(server.url, options.signatureVersion),
      proxied: yield* storeOf(proxy.url, options.signatureVersion)
    }
  })

/** `fetch` that marks each request with its run, so the proxy's log splits by run whatever the timing. */
export const taggedFetch =
  (tag: string): typeof globalThis.fetch =>
  (input, init) => {
    const headers = new Headers(init?.headers)
    headers.set(FaultProxy.tagHeader, tag)
    return globalThis.fetch(input, { ...init, headers })
  }

/** One line for a run's end, for outcome counts and traces. */
export const describeEnd = (end: RunEnd): string => {
  if (end === "Crashed") return "Crashed"
  if (Exit.isSuccess(end)) return end.value._tag
  const failure = end.cause.reasons.find((reason) => reason._tag === "Fail")
  if (failure?._tag !== "Fail") return `Defect: ${String(end.cause)}`
  const error = failure.error
  return `Failed:${error._tag}${"reason" in error ? `:${error.reason}` : ""}: ${error.message}`
}
