/**
 * Options of the local OSS server (which speaks S3 too) and their defaults.
 *
 * Everything is bounded by default. Bodies are buffered in memory because the multipart model that the server shares
 * with the simulator holds bytes in memory; so the per-request cap defaults to 1 GiB (not OSS's 5 GB part limit),
 * far above the part sizes SDKs use (100 KB – 100 MB) and far below what a Node 20 `Uint8Array` (4 GiB) or this
 * machine can hold, and all bodies being received at once are capped together as well.
 *
 * @since 0.1.0
 */
import { constants as bufferConstants } from "node:buffer"
import { type Dialect, type DialectLimits, ossLimits, s3Limits } from "@resumable-upload/core/Limits"

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
  readonly maxConnections: number
  /** A whole request, headers to last body byte; generous because parts may be large and clients slow. */
  readonly requestTimeoutMs: number
  readonly headersTimeoutMs: number
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
   * {@link s3Limits} for S3 ones (5 MiB minimum part), objects capped at 4 GiB. What is given here applies to both.
   */
  readonly storeLimits?: Partial<DialectLimits>
  /** Largest accepted difference between a request's time and the server's; default 15 minutes (§6). */
  readonly clockSkewMaxMs?: number
  /** The server's clock in ms since the epoch; default `Date.now`. Tests inject one to age uploads or skew time. */
  readonly now?: () => number
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
}

const MiB = 1024 * 1024

/** @category constants */
export const defaultLimits: ServerLimits = {
  maxBodyBytes: 1024 * MiB,
  maxInFlightBodyBytes: 2048 * MiB,
  maxXmlBytes: MiB,
  maxHeaderBytes: 16 * 1024,
  maxConnections: 256,
  requestTimeoutMs: 10 * 60_000,
  headersTimeoutMs: 60_000,
  callbackTimeoutMs: 5_000,
  callbackReplyBytesMax: 3 * MiB
}

const positive = (name: string, value: number): number => {
  if (!Number.isFinite(value) || value <= 0) throw new RangeError(`LocalOssServer: ${name} must be positive`)
  return value
}

/** Fills in defaults and rejects nonsensical values early, at start rather than on some later request. @category constructors */
export const resolveOptions = (options: LocalOssServerOptions): ResolvedOptions => {
  const limits = { ...defaultLimits, ...options.limits }
  for (const [name, value] of Object.entries(limits)) positive(`limits.${name}`, value)
  const lifecycle = options.lifecycle
  if (lifecycle !== undefined) {
    positive("lifecycle.abortIncompleteAfterMs", lifecycle.abortIncompleteAfterMs)
    positive("lifecycle.sweepEveryMs", lifecycle.sweepEveryMs)
  }
  const dialect = options.dialect ?? "oss"
  if (dialect !== "oss" && dialect !== "s3") throw new RangeError('LocalOssServer: dialect must be "oss" or "s3"')
  const port = options.port ?? 0
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new RangeError("LocalOssServer: bad port")
  const credentials =
    options.credentials === "anonymous"
      ? "anonymous"
      : new Map(options.credentials.map((c) => [c.accessKeyId, c.accessKeySecret] as const))
  if (credentials !== "anonymous" && credentials.size === 0) {
    throw new RangeError('LocalOssServer: give at least one credential, or "anonymous"')
  }
  // A completed object is one array in memory, so it cannot exceed what one array holds (4 GiB on Node 20).
  const storeLimitsOf = (base: DialectLimits): DialectLimits => ({
    ...base,
    objectSizeBytesMax: Math.min(base.objectSizeBytesMax, bufferConstants.MAX_LENGTH),
    ...options.storeLimits
  })
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
    now: options.now ?? Date.now
  }
}
