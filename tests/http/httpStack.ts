/**
 * The pieces every HTTP fault test stands on: a target store (by default a local OSS server, see
 * {@link ./httpTargets.ts}) with the fault proxy in front, both closed with the scope; stores pointed at either; and
 * a `fetch` that tags requests with their run.
 */
import * as Effect from "effect/Effect"
import * as Exit from "effect/Exit"
import type * as Scope from "effect/Scope"
import type { ObjectStoreShape } from "../../core/ports/ObjectStore.ts"
import * as FaultProxy from "./FaultProxy.ts"
import type { RunEnd } from "./httpInvariants.ts"
import { type HttpTarget, localTarget, type TargetOptions } from "./httpTargets.ts"

export { slowCloses } from "./httpTargets.ts"

export interface Stack {
  readonly proxy: FaultProxy.FaultProxy
  /** Straight to the store: what checks read, so a check is never itself faulted. */
  readonly direct: ObjectStoreShape
  /** Through the proxy: what the upload uses. */
  readonly proxied: ObjectStoreShape
}

/** A target and its proxy, closed (proxy first) when the scope closes. */
export const makeStack = (
  options: TargetOptions & {
    readonly proxySeed: number
    readonly dropDelayMs?: number
    /** Default {@link localTarget}. */
    readonly target?: HttpTarget
    /** Runs on the direct store once the proxy is closed, so no request of the test can still arrive. */
    readonly afterClose?: (direct: ObjectStoreShape) => Effect.Effect<void>
  }
): Effect.Effect<Stack, never, Scope.Scope> =>
  Effect.gen(function* () {
    const target = options.target ?? localTarget
    const opened = yield* target.open(options)
    const direct = yield* opened.storeAt(opened.url)
    const afterClose = options.afterClose
    if (afterClose !== undefined) yield* Effect.addFinalizer(() => afterClose(direct))
    const proxy = yield* Effect.acquireRelease(
      Effect.promise(() =>
        FaultProxy.start({
          target: opened.origin,
          seed: options.proxySeed,
          dialect: target.dialect,
          maxBodyBytes: target.maxBodyBytes,
          ...(options.dropDelayMs === undefined ? {} : { dropDelayMs: options.dropDelayMs })
        })
      ),
      (p) => Effect.promise(() => p.close())
    )
    return { proxy, direct, proxied: yield* opened.storeAt(proxy.url) }
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
