/**
 * What an operation handler of the local OSS server gets: the exchange to answer, the resolved bucket, key and query,
 * the request headers, the store, and the server's settings. Small helpers read typed values out of it.
 *
 * @since 0.1.0
 */
import type { Dialect } from "@resumable-upload/core/Limits"
import type { ModelError } from "@resumable-upload/sim/MultipartModel"
import type { BucketRegistry } from "./BucketRegistry.ts"
import type { InFlightBudget } from "./requestBody.ts"
import type { Exchange } from "./responses.ts"
import type { ServerStore } from "./ServerStore.ts"
import * as ServerErrors from "./serverErrors.ts"
import type { ResolvedOptions } from "./serverOptions.ts"

/** @category models */
export interface RequestContext {
  readonly ex: Exchange
  readonly bucket: string
  /** Absent for bucket-level requests. */
  readonly key: string | undefined
  readonly query: Readonly<Record<string, string>>
  /** Lowercase names, one string value each. */
  readonly headers: Readonly<Record<string, string>>
  readonly store: ServerStore
  /** The explicitly created buckets. */
  readonly buckets: BucketRegistry
  readonly options: ResolvedOptions
  readonly budget: InFlightBudget
}

/** An object-level request's key and bucket (the router only sends object operations here). @category models */
export interface ObjectContext extends RequestContext {
  readonly key: string
}

/** The user-metadata header prefix of a dialect. @category utils */
export const metaPrefixOf = (dialect: Dialect): string => (dialect === "s3" ? "x-amz-meta-" : "x-oss-meta-")

/** `x-oss-meta-*` (S3: `x-amz-meta-*`) headers as metadata (names without the prefix, lowercased). @category utils */
export const metadataOf = (
  headers: Readonly<Record<string, string>>,
  dialect: Dialect = "oss"
): Record<string, string> | undefined => {
  const prefix = metaPrefixOf(dialect)
  const entries = Object.entries(headers).filter(([name]) => name.startsWith(prefix))
  return entries.length === 0 ? undefined : Object.fromEntries(entries.map(([n, v]) => [n.slice(prefix.length), v]))
}

/**
 * A non-negative integer query parameter: `undefined` when absent, an `InvalidArgument` when not decimal digits.
 *
 * @category utils
 */
export const integerParam = (
  query: Readonly<Record<string, string>>,
  name: string,
  message: string
): { readonly ok: true; readonly value: number | undefined } | { readonly ok: false; readonly error: ModelError } => {
  const text = query[name]
  if (text === undefined) return { ok: true, value: undefined }
  if (!/^\d{1,9}$/.test(text)) return { ok: false, error: ServerErrors.invalidArgument(name, text, message) }
  return { ok: true, value: Number(text) }
}

/** `encoding-type=url` asked for URL-encoded keys in the response. @category utils */
export const encodingOf = (query: Readonly<Record<string, string>>): { readonly encodingType?: "url" } =>
  query["encoding-type"]?.toLowerCase() === "url" ? { encodingType: "url" } : {}

/**
 * The headers describing a stored part or object in a dialect: OSS's {@link checksumHeaders}; on S3 only the ETag,
 * in lowercase (S3 sends no CRC-64 and no Content-MD5 on these answers).
 *
 * @category utils
 */
export const storedHeaders = (dialect: Dialect, etag: string, crc64: bigint | undefined): Record<string, string> =>
  dialect === "s3" ? { ETag: etag.toLowerCase() } : checksumHeaders(etag, crc64)

/** The checksum headers of a stored part or object (protocol.md §1.2). @category utils */
export const checksumHeaders = (etag: string, crc64: bigint | undefined): Record<string, string> => {
  const hex = etag.replace(/"/g, "")
  const headers: Record<string, string> = { ETag: etag }
  if (crc64 !== undefined) headers["x-oss-hash-crc64ecma"] = BigInt.asUintN(64, crc64).toString()
  // A plain MD5 ETag also gives the part's Content-MD5; a multipart ETag (`…-N`) is no digest.
  if (/^[0-9A-Fa-f]{32}$/.test(hex)) headers["Content-MD5"] = Buffer.from(hex, "hex").toString("base64")
  return headers
}
