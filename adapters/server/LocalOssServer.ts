/**
 * A local OSS-compatible server: the simulator's multipart rules over a disk storage engine (ServerStore.ts), served over HTTP in the OSS dialect and
 * the S3 dialect (per request: SigV4 is answered as S3, OSS signatures as OSS, unsigned requests in the `dialect`
 * option's), with signature checks, CORS, the upload callback (OSS) and a lifecycle rule; state in a directory
 * (surviving restarts and kills) or, with `kind: "memory"`, in a temp directory removed on close (bytes never sit
 * in memory either way). Point ali-oss at an IP endpoint with `cname: true` (for a
 * `localhost` endpoint, `sldEnable: true` works too); GOv2 uses path-style for IP endpoints by itself; the AWS SDK
 * takes `endpoint: url, forcePathStyle: true`. docs/clients.md has configurations the tests run.
 *
 * ```ts
 * const server = await start({ storage: { kind: "directory", path: "./oss-data" }, credentials: "anonymous" })
 * // … fetch(`${server.url}/bucket/key`, { method: "PUT", body }) …
 * await server.close()
 * ```
 *
 * @since 0.1.0
 */
import { createServer } from "node:http"
import type { AddressInfo } from "node:net"
import { BucketRegistry } from "./BucketRegistry.ts"
import { answerClientError, answerStalledRequest, writeRawError } from "./clientErrors.ts"
import { makeGuard } from "./connectionGuard.ts"
import { type DemoRoutes, makeDemoRoutes } from "./demoRoutes.ts"
import { type LifecycleSweeper, startSweeper } from "./lifecycleSweeper.ts"
import { InFlightBudget } from "./requestBody.ts"
import { handleRequest } from "./requestHandler.ts"
import { ofListen, ofOptions, ofStorage } from "./ServerStartError.ts"
import { ServerStore } from "./ServerStore.ts"
import { type LocalOssServerOptions, type ResolvedOptions, resolveOptions } from "./serverOptions.ts"

export { ServerStartError } from "./ServerStartError.ts"
export type { LocalOssServerOptions } from "./serverOptions.ts"

/** A running server. @category models */
export interface LocalOssServer {
  /** `http://host:port`, no trailing slash. */
  readonly url: string
  readonly host: string
  readonly port: number
  /** The state being served, for tests and tools that want to look inside. */
  readonly store: ServerStore
  /** Runs the lifecycle rule now; returns the aborted upload ids (none without a rule). */
  readonly sweepLifecycle: () => Promise<ReadonlyArray<string>>
  /** Stops accepting connections, lets requests in flight finish (their state changes reach the disk), then closes. */
  readonly close: () => Promise<void>
}

/** @category models */
export interface StartHooks {
  /** Unexpected failures (a 500 was answered); default: nothing, as a library must not write to stderr. */
  readonly onInternalError?: (cause: unknown) => void
}

// How long `close` waits for requests in flight before cutting their connections.
const closeGraceMs = 10_000

const resolveOrFail = (input: LocalOssServerOptions): ResolvedOptions => {
  try {
    return resolveOptions(input)
  } catch (cause) {
    throw ofOptions(cause)
  }
}

const openStore = async (options: ResolvedOptions): Promise<ServerStore> => {
  const { storage } = options
  if (storage.kind === "memory") return ServerStore.temporary(options.storeLimits, options.now())
  try {
    return await ServerStore.open(storage.path, options.storeLimits, options.now(), {
      durable: true,
      removeOnClose: false
    })
  } catch (cause) {
    throw ofStorage(cause, storage.path)
  }
}

/** The created-bucket registry, in the data directory's `buckets/` (opened after the store took its lock). */
const openBuckets = async (options: ResolvedOptions, store: ServerStore): Promise<BucketRegistry> => {
  const { storage } = options
  try {
    return await BucketRegistry.open(storage.kind === "directory" ? storage.path : undefined)
  } catch (cause) {
    await store.close()
    throw ofStorage(cause, storage.kind === "directory" ? storage.path : "")
  }
}

/**
 * Starts a server; resolves once it listens. Rejects with a {@link ServerStartError} (bad options, a data directory
 * in use or unwritable, an address that cannot be listened on); anything else is a defect.
 *
 * @category constructors
 */
export const start = async (input: LocalOssServerOptions, hooks: StartHooks = {}): Promise<LocalOssServer> => {
  const options = resolveOrFail(input)
  const onInternalError = hooks.onInternalError ?? (() => undefined)
  const store = await openStore(options)
  const buckets = await openBuckets(options, store)
  const budget = new InFlightBudget(options.limits.maxInFlightBodyBytes)
  const inFlight = new Set<Promise<void>>()
  const deps = { options, store, buckets, budget, onInternalError }
  const { limits } = options
  const guard = makeGuard(limits, {
    refuse: (socket, error) => writeRawError(socket, error, options.now()),
    headersTimedOut: (socket, error) => writeRawError(socket, error, options.now()),
    bodyStalled: (req, res, error) => answerStalledRequest(req, res, error, options.now())
  })

  // Built once the server listens, since the signed URLs name its address.
  let demoRoutes: DemoRoutes | undefined
  const server = createServer(
    {
      maxHeaderSize: limits.maxHeaderBytes,
      requestTimeout: limits.requestTimeoutMs,
      // The guard enforces the headers deadline itself (absolutely); Node's own check is the backstop.
      headersTimeout: limits.headersTimeoutMs + 1000,
      keepAliveTimeout: limits.keepAliveTimeoutMs,
      connectionsCheckingInterval: 1000
    },
    (req, res) => {
      guard.requestStarted(req, res)
      const handling = (demoRoutes === undefined ? Promise.resolve(false) : demoRoutes(req, res))
        .then((answered) => (answered ? undefined : handleRequest(req, res, deps)))
        .catch(onInternalError)
      inFlight.add(handling)
      void handling.finally(() => inFlight.delete(handling))
    }
  )
  // A backstop only: the guard refuses with a 503 (or makes room) before this many sockets exist.
  // (refused sockets stay open for their answer, up to a second, so a burst needs headroom).
  server.maxConnections = 2 * limits.maxConnections
  server.on("connection", guard.admit)
  server.on("clientError", (error, socket) => answerClientError(error, socket, options.now()))

  try {
    await new Promise<void>((resolve, reject) => {
      server.once("error", reject)
      server.listen(options.port, options.host, () => {
        server.off("error", reject)
        resolve()
      })
    })
  } catch (cause) {
    guard.stop()
    await store.close()
    throw ofListen(cause, options.host, options.port)
  }
  const { port } = server.address() as AddressInfo
  const sweeper: LifecycleSweeper = startSweeper(store, options.lifecycle, options.now, onInternalError)

  let closing: Promise<void> | undefined
  const close = (): Promise<void> => {
    closing ??= (async () => {
      const stopped = new Promise<void>((resolve) => server.close(() => resolve()))
      server.closeIdleConnections()
      await sweeper.stop()
      let timer: NodeJS.Timeout | undefined
      const grace = new Promise<void>((resolve) => {
        timer = setTimeout(resolve, closeGraceMs)
      })
      await Promise.race([Promise.allSettled([...inFlight]), grace])
      clearTimeout(timer)
      server.closeAllConnections()
      await stopped
      guard.stop()
      await store.close()
    })()
    return closing
  }

  const host = options.host.includes(":") ? `[${options.host}]` : options.host
  const url = `http://${host}:${port}`
  if (options.demo !== undefined) {
    const first = options.credentials === "anonymous" ? undefined : [...options.credentials][0]
    const keys = first === undefined ? undefined : { accessKeyId: first[0], secretAccessKey: first[1] }
    demoRoutes = makeDemoRoutes(options.demo, { url, region: options.region, keys })
  }
  return { url, host: options.host, port, store, sweepLifecycle: sweeper.sweep, close }
}
