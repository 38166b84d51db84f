/**
 * Options of the local OSS server (which speaks S3 too) and their defaults.
 *
 * Everything is bounded by default. Bodies stream to disk, never whole into memory, so the per-request cap is the
 * protocol's part limit (5 GiB) and objects reach the protocol's 48.8 TB; the bodies being received at once can be
 * capped together (by default they are not: each holds only a few chunks of memory).
 *
 * @since 0.1.0
 */
import { type Dialect, type DialectLimits, ossLimits, s3Limits } from "@resumable-upload/core/Limits"
import type { DemoOption } from "./demoOption.ts"

/** @category models */
export type StorageOption = { readonly kind: "directory"; readonly path: string } | { readonly kind: "memory" }

/** @category models */
export interface CredentialOption {
  readonly accessKeyId: string
  readonly accessKeySecret: string
}

/** Aborts uploads initiated more than `abortIncompleteAfterMs` ago, checked every `sweepEveryMs`. @category models */
export interface LifecycleOption {
  readonly abortIncompleteAfterMs: number
  readonly sweepEveryMs: number
}

/** @category models */
export interface ServerLimits {
  /** One request body (part, object); larger is `EntityTooLarge` before a byte of it is buffered. */
  readonly maxBodyBytes: number
  /** All request bodies being received at once; beyond it a request gets 503 and should be retried. */
  readonly maxInFlightBodyBytes: number
  /** A CompleteMultipartUpload body: 10,000 parts in ali-oss's layout take about 0.9 MB, the XML reader's own cap is 1 MiB. */
  readonly maxXmlBytes: number
  /** Request line plus headers (Node's `maxHeaderSize`). */
  readonly maxHeaderBytes: number
  /**
   * Open connections in all. At the cap, a waiting (idle or half-sent) connection of the client holding the most
   * is closed to make room for a client holding fewer; failing that, the new connection gets 503.
   */
  readonly maxConnections: number
  /** Open connections from one remote address; more get 503, so one client cannot take every slot. */
  readonly maxConnectionsPerClient: number
  /** A whole request, headers to last body byte; generous because parts may be large and clients slow. */
  readonly requestTimeoutMs: number
  /**
   * Request line and headers must be complete this long after the connection opened or its previous response ended;
   * trickled bytes (or blank lines) do not extend it. 408 after.
   */
  readonly headersTimeoutMs: number
  /** The longest a request body may go without a byte arriving; 408 after, so a trickled body cannot hold a slot. */
  readonly bodyIdleTimeoutMs: number
  /** A connection waiting for its next request with no byte arriving is closed after this long (keep-alive). */
  readonly keepAliveTimeoutMs: number
  /** OSS gives the callback server 5 s (protocol.md §4). */
  readonly callbackTimeoutMs: number
  /** OSS accepts callback replies up to 3 MB. */
  readonly callbackReplyBytesMax: number
}

/** @category models */
export interface LocalOssServerOptions {
  /** Default `127.0.0.1`: the server is for one machine, so it never listens on every interface unless told to. */
  readonly host?: string
  /** `0` (default) picks a free port. */
  readonly port?: number
  readonly storage: StorageOption
  /** `"anonymous"` accepts unsigned requests (and ignores signatures); otherwise every request must be signed. */
  readonly credentials: ReadonlyArray<CredentialOption> | "anonymous"
  /**
   * The dialect of unsigned requests (default `"oss"`). A signed request always gets its signature's dialect: SigV4
   * (`AWS4-HMAC-SHA256`, `X-Amz-Algorithm`) is answered as S3, an OSS signature as OSS. The credentials serve both.
   */
  readonly dialect?: Dialect
  /** OSS V4 scope region without the `oss-` prefix; default `cn-hangzhou`. S3 (SigV4) accepts any region, as RGW does. */
  readonly region?: string
  /** The bucket of CNAME-style requests (`/key` on this server's own host); path-style is used when absent. */
  readonly defaultBucket?: string
  readonly lifecycle?: LifecycleOption
  readonly limits?: Partial<ServerLimits>
  /**
   * Store rules, e.g. a smaller `partSizeBytesMin` for tests; default {@link ossLimits} for OSS requests and
   * {@link s3Limits} for S3 ones (5 MiB minimum part). What is given here applies to both.
   */
  readonly storeLimits?: Partial<DialectLimits>
  /** Largest accepted difference between a request's time and the server's; default 15 minutes (§6). */
  readonly clockSkewMaxMs?: number
  /** The server's clock in ms since the epoch; default `Date.now`. Tests inject one to age uploads or skew time. */
  readonly now?: () => number
  /** Serve the demo page at `/_demo/` and signing endpoints at `/_sign/{s3,oss}` (demoOption.ts). */
  readonly demo?: DemoOption
}

/** Options with every default filled in. @category models */
export interface ResolvedOptions {
  readonly host: string
  readonly port: number
  readonly storage: StorageOption
  readonly credentials: ReadonlyMap<string, string> | "anonymous"
  readonly dialect: Dialect
  readonly region: string
  readonly defaultBucket: string | undefined
  readonly lifecycle: LifecycleOption | undefined
  readonly limits: ServerLimits
  /** The OSS rules, which the shared model is built with. */
  readonly storeLimits: DialectLimits
  /** The rules each dialect's requests are held to (only the minimum part size differs). */
  readonly storeLimitsByDialect: Readonly<Record<Dialect, DialectLimits>>
  readonly clockSkewMaxMs: number
  readonly now: () => number
  readonly demo: DemoOption | undefined
}

const MiB = 1024 * 1024

/** @category constants */
export const defaultLimits: ServerLimits = {
  maxBodyBytes: 5 * 1024 * MiB,
  maxInFlightBodyBytes: Number.MAX_SAFE_INTEGER,
  maxXmlBytes: MiB,
  maxHeaderBytes: 16 * 1024,
  maxConnections: 256,
  maxConnectionsPerClient: 64,
  requestTimeoutMs: 10 * 60_000,
  headersTimeoutMs: 10_000,
  bodyIdleTimeoutMs: 30_000,
  keepAliveTimeoutMs: 5_000,
  callbackTimeoutMs: 5_000,
  callbackReplyBytesMax: 3 * MiB
}

const positive = (name: string, value: number): number => {
  if (!Number.isFinite(value) || value <= 0) throw new RangeError(`LocalOssServer: ${name} must be positive`)
  return value
}

// What both signatures can carry: the key id sits in `Credential=<id>/<scope>` and `OSS <id>:<signature>`.
const keyIdPattern = /^[A-Za-z0-9._~+=@-]{1,128}$/

const checkKeyId = (accessKeyId: string): string => {
  if (keyIdPattern.test(accessKeyId)) return accessKeyId
  throw new RangeError(
    `LocalOssServer: the access key id '${accessKeyId.slice(0, 40)}' is empty or has characters signatures cannot carry: use 1-128 of A-Z a-z 0-9 . _ ~ + = @ -`
  )
}

const checkSecret = (secret: string): string => {
  if (secret.length > 0 && secret.length <= 256 && /^[\x21-\x7e]+$/.test(secret)) return secret
  throw new RangeError("LocalOssServer: the access key secret must be 1-256 printable ASCII characters without spaces")
}

const hourMs = 3_600_000
/** Bounds of the connection limits: below them nothing could get through, above them they protect nothing. */
const ranges: Partial<Record<keyof ServerLimits, readonly [number, number]>> = {
  maxConnections: [1, 65_536],
  maxConnectionsPerClient: [1, 65_536],
  requestTimeoutMs: [100, 24 * hourMs],
  headersTimeoutMs: [100, hourMs],
  bodyIdleTimeoutMs: [100, hourMs],
  keepAliveTimeoutMs: [100, hourMs]
}

const checkLimits = (limits: ServerLimits): ServerLimits => {
  for (const [name, value] of Object.entries(limits)) {
    positive(`limits.${name}`, value)
    const range = ranges[name as keyof ServerLimits]
    if (range !== undefined && (value < range[0] || value > range[1])) {
      throw new RangeError(`LocalOssServer: limits.${name} must be between ${range[0]} and ${range[1]}, got ${value}`)
    }
  }
  if (limits.headersTimeoutMs > limits.requestTimeoutMs) {
    throw new RangeError("LocalOssServer: limits.headersTimeoutMs must not exceed limits.requestTimeoutMs")
  }
  if (limits.maxConnectionsPerClient > limits.maxConnections) {
    throw new RangeError("LocalOssServer: limits.maxConnectionsPerClient must not exceed limits.maxConnections")
  }
  return limits
}

/** Fills in defaults and rejects nonsensical values early, at start rather than on some later request. @category constructors */
export const resolveOptions = (options: LocalOssServerOptions): ResolvedOptions => {
  const limits = checkLimits({ ...defaultLimits, ...options.limits })
  const lifecycle = options.lifecycle
  if (lifecycle !== undefined) {
    positive("lifecycle.abortIncompleteAfterMs", lifecycle.abortIncompleteAfterMs)
    positive("lifecycle.sweepEveryMs", lifecycle.sweepEveryMs)
  }
  const dialect = options.dialect ?? "oss"
  if (dialect !== "oss" && dialect !== "s3") throw new RangeError('LocalOssServer: dialect must be "oss" or "s3"')
  const port = options.port ?? 0
  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    throw new RangeError(`LocalOssServer: the port must be an integer 0 … 65535 (0 picks a free one), got ${port}`)
  }
  const credentials =
    options.credentials === "anonymous"
      ? "anonymous"
      : new Map(options.credentials.map((c) => [checkKeyId(c.accessKeyId), checkSecret(c.accessKeySecret)] as const))
  if (credentials !== "anonymous" && credentials.size === 0) {
    throw new RangeError('LocalOssServer: give at least one credential, or "anonymous"')
  }
  const storeLimitsOf = (base: DialectLimits): DialectLimits => ({ ...base, ...options.storeLimits })
  const storeLimits = storeLimitsOf(ossLimits)
  return {
    host: options.host ?? "127.0.0.1",
    port,
    storage: options.storage,
    credentials,
    dialect,
    region: (options.region ?? "cn-hangzhou").replace(/^oss-/, ""),
    defaultBucket: options.defaultBucket,
    lifecycle,
    limits,
    storeLimits,
    storeLimitsByDialect: { oss: storeLimits, s3: storeLimitsOf(s3Limits) },
    clockSkewMaxMs: positive("clockSkewMaxMs", options.clockSkewMaxMs ?? 15 * 60_000),
    now: options.now ?? Date.now,
    demo: options.demo
  }
}
