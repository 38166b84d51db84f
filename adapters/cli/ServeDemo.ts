/**
 * `serve`'s demo page and signing endpoint: the flags (`--demo-bucket`, `--demo-key-prefix`, `--demo-max-part-size`,
 * `--demo-max-expiry`, `--no-demo`) and the server option they make. The page is served from `demo/` next to the
 * executable, where the CLI's bundle script builds it (examples/browser-demo); the endpoint signs with the keys
 * the server accepts, so the page holds none.
 *
 * @since 0.2.0
 */
import { fileURLToPath } from "node:url"
import type { DemoOption } from "@resumable-upload/server/demoOption"
import * as Flag from "effect/cli/Flag"
import { parseSizeBytes } from "./Units.ts"

/** @category constants */
export const demoFlags = {
  noDemo: Flag.Boolean("no-demo").pipe(
    Flag.withDefault(false),
    Flag.withDescription("do not serve the demo page (/_demo/) and its signing endpoints (/_sign/s3, /_sign/oss)")
  ),
  demoBucket: Flag.String("demo-bucket").pipe(
    Flag.withDefault("demo"),
    Flag.withDescription("buckets the demo's signing endpoint signs for, comma-separated (default demo)")
  ),
  demoKeyPrefix: Flag.String("demo-key-prefix").pipe(
    Flag.withDefault(""),
    Flag.withDescription("keys the signing endpoint signs must start with this (default: any key)")
  ),
  demoMaxPartSize: Flag.String("demo-max-part-size").pipe(
    Flag.withDefault("64MiB"),
    Flag.withDescription("largest part (or object) the signing endpoint signs (default 64MiB)")
  ),
  demoMaxExpiry: Flag.Int("demo-max-expiry").pipe(
    Flag.withDefault(900),
    Flag.withDescription("longest signed URL lifetime in seconds (default 900)")
  )
}

/** The flags' values. @category models */
export interface DemoFlagValues {
  readonly noDemo: boolean
  readonly demoBucket: string
  readonly demoKeyPrefix: string
  readonly demoMaxPartSize: string
  readonly demoMaxExpiry: number
}

/** The server's demo option, or a message naming the bad flag. @category utils */
export const demoOptionOf = (o: DemoFlagValues): DemoOption | undefined | string => {
  if (o.noDemo) return undefined
  const buckets = o.demoBucket
    .split(",")
    .map((b) => b.trim())
    .filter((b) => b !== "")
  if (buckets.length === 0) return "--demo-bucket must name at least one bucket"
  const maxPartSizeBytes = parseSizeBytes(o.demoMaxPartSize)
  if (maxPartSizeBytes === undefined || maxPartSizeBytes < 1) {
    return `--demo-max-part-size: ${o.demoMaxPartSize} is not a size (e.g. 64MiB)`
  }
  return {
    assetsDir: fileURLToPath(new URL("./demo/", import.meta.url)),
    buckets,
    keyPrefix: o.demoKeyPrefix,
    maxPartSizeBytes,
    maxExpiresInSeconds: o.demoMaxExpiry
  }
}
