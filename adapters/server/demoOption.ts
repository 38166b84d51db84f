/**
 * The demo page and signing endpoint the local server can offer (`resumable-upload serve` turns them on): where the
 * built page is, the policy the signing endpoint applies, and which store it signs for (this server by default; any
 * S3-compatible store, e.g. RGW, when given). The page never holds a key: the endpoint signs with the server's own.
 *
 * @since 0.2.0
 */

/** An external S3-compatible store the endpoint signs for instead of this server. @category models */
export interface DemoStore {
  /** The URL the browser sends store requests to (what is signed). */
  readonly endpoint: string
  readonly region?: string
  readonly accessKeyId: string
  readonly secretAccessKey: string
}

/** @category models */
export interface DemoOption {
  /** Directory of the built page (`index.html`, `demo.js`); absent or unbuilt: `/_demo/` says how to build it. */
  readonly assetsDir?: string
  /** Buckets the endpoint signs for (at least one); the page offers the first. */
  readonly buckets: ReadonlyArray<string>
  /** Keys must start with this; default `""` (any key). */
  readonly keyPrefix?: string
  /** Largest body one signed request may carry (one part); default 64 MiB. */
  readonly maxPartSizeBytes?: number
  /** Longest URL lifetime signed; default 900 s. */
  readonly maxExpiresInSeconds?: number
  /** Default: this server, in both dialects, with its first credential. */
  readonly store?: DemoStore
  /**
   * The URL browsers reach this server's store at, when it differs from the server's own (a reverse proxy); the
   * signed URLs point there. Ignored with `store`.
   */
  readonly publicUrl?: string
}

/** Where the page and the endpoints are mounted. @category constants */
export const demoPaths = { page: "/_demo/", sign: "/_sign/", config: "/_demo/config.json" } as const
