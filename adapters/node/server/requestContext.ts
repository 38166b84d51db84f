/**
 * What an operation handler of the local OSS server gets: the exchange to answer, the resolved bucket, key and query,
 * the request headers, the store, and the server's settings. Small helpers read typed values out of it.
 *
 * @since 0.1.0
 */
import type { ModelError } from "../../sim/MultipartModel.ts"
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
  readonly options: ResolvedOptions
  readonly budget: InFlightBudget
}

/** An object-level request's key and bucket (the router only sends object operations here). @category models */
export interface ObjectContext extends RequestContext {
  readonly key: string
}

/** `x-oss-meta-*` headers as metadata (names without the prefix, as OSS lowercases them). @category utils */
export const metadataOf = (headers: Readonly<Record<string, string>>): Record<string, string> | undefined => {
  const entries = Object.entries(headers).filter(([name]) => name.startsWith("x-oss-meta-"))
  return entries.length === 0 ? undefined : Object.fromEntries(entries.map(([n, v]) => [n.slice(11), v]))
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

/** The checksum headers of a stored part or object (protocol.md §1.2). @category utils */
export const checksumHeaders = (etag: string, crc64: bigint | undefined): Record<string, string> => {
  const hex = etag.replace(/"/g, "")
  const headers: Record<string, string> = { ETag: etag }
  if (crc64 !== undefined) headers["x-oss-hash-crc64ecma"] = BigInt.asUintN(64, crc64).toString()
  // A plain MD5 ETag also gives the part's Content-MD5; a multipart ETag (`…-N`) is no digest.
  if (/^[0-9A-Fa-f]{32}$/.test(hex)) headers["Content-MD5"] = Buffer.from(hex, "hex").toString("base64")
  return headers
}
