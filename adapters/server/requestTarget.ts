/**
 * Which bucket, key and sub-resources a request names: OSS addressing (protocol.md §5, environment.md §2.3).
 *
 * - Virtual-hosted: a Host with a bucket label, `bucket.localhost:PORT` or the `bucket.oss-cn-hangzhou.aliyuncs.com`
 *   that ali-oss sends to IP endpoints; the path is the key.
 * - CNAME: this server's own host (an IP, `localhost`, a single label) with `defaultBucket` configured; the path is
 *   the key (ali-oss `cname: true`).
 * - Path-style: this server's own host without `defaultBucket`; `/bucket/key` (ali-oss `sldEnable`, GOv2 with an IP).
 *
 * CNAME and path-style look alike on the wire, hence the switch on `defaultBucket`. Keys are percent-decoded once
 * and taken verbatim, so `..`, `//` or `\` in a key stay part of the key: keys never become file paths (see
 * DirectoryStorage.ts).
 *
 * @since 0.1.0
 */
import type { ModelError } from "@resumable-upload/sim/MultipartModel"
import * as ServerErrors from "./serverErrors.ts"

/** @category models */
export interface RequestTarget {
  /** Absent for a service-level request (`GET /` path-style). */
  readonly bucket?: string
  /** Absent for a bucket-level request (`/bucket/?uploads`); never `""`. */
  readonly key?: string
  /** Decoded query parameters; `""` for a valueless one (`?uploads`); the first of repeated names wins. */
  readonly query: Readonly<Record<string, string>>
}

/** @category models */
export type TargetResult =
  | { readonly ok: true; readonly target: RequestTarget }
  | { readonly ok: false; readonly error: ModelError }

const ipv4 = /^\d{1,3}(\.\d{1,3}){3}$/
const bucketName = /^[a-z0-9][a-z0-9-]{1,61}[a-z0-9]$/

/** OSS bucket naming: 3–63 characters of `a-z0-9-`, starting and ending with a letter or digit. @category utils */
export const isBucketName = (name: string): boolean => bucketName.test(name)

/** The host part of a Host header, lowercased, without port or IPv6 brackets. */
const hostnameOf = (host: string): string => {
  const lower = host.trim().toLowerCase()
  if (lower.startsWith("[")) return lower.slice(1, lower.indexOf("]") === -1 ? undefined : lower.indexOf("]"))
  const colon = lower.lastIndexOf(":")
  return colon === -1 ? lower : lower.slice(0, colon)
}

/** The bucket label of a virtual-hosted Host, or `undefined` when the Host is this server itself. */
const bucketOfHost = (host: string | undefined, ownHost: string): string | undefined => {
  if (host === undefined) return undefined
  const name = hostnameOf(host)
  if (name === "" || name === "localhost" || name === ownHost || ipv4.test(name) || name.includes(":")) return undefined
  const dot = name.indexOf(".")
  return dot <= 0 ? undefined : name.slice(0, dot)
}

/** decodeURIComponent without throwing; `undefined` for bad escapes or invalid UTF-8. */
const decode = (text: string): string | undefined => {
  try {
    return decodeURIComponent(text)
  } catch {
    return undefined
  }
}

/** `a=1&uploads&b=x+y` → `{a: "1", uploads: "", b: "x y"}`; `undefined` if anything is badly encoded. */
const parseQuery = (text: string): Record<string, string> | undefined => {
  const query: Record<string, string> = {}
  if (text === "") return query
  for (const pair of text.split("&")) {
    if (pair === "") continue
    const eq = pair.indexOf("=")
    // Form encoding: SDKs built on Go's url.Values write a space in a prefix or marker as `+`.
    const name = decode((eq === -1 ? pair : pair.slice(0, eq)).replace(/\+/g, " "))
    const value = decode((eq === -1 ? "" : pair.slice(eq + 1)).replace(/\+/g, " "))
    if (name === undefined || value === undefined) return undefined
    if (!Object.hasOwn(query, name)) query[name] = value
  }
  return query
}

/** The path part of a raw request target (origin- or absolute-form) with its escapes kept. */
const rawPathOf = (rawUrl: string): string => {
  const absolute = /^[a-z][a-z0-9+.-]*:\/\/[^/?]*(.*)$/i.exec(rawUrl)
  const pathAndQuery =
    rawUrl.startsWith("/") || absolute === null ? rawUrl : `/${(absolute[1] ?? "").replace(/^\//, "")}`
  const mark = pathAndQuery.indexOf("?")
  return mark === -1 ? pathAndQuery : pathAndQuery.slice(0, mark)
}

/**
 * The decoded request path SigV4 signs (`/bucket/key` path-style, `/key` virtual-hosted); a path that does not
 * decode is kept raw, so its signature simply fails to match.
 *
 * @category utils
 */
export const requestPath = (rawUrl: string): string => {
  const raw = rawPathOf(rawUrl)
  return decode(raw) ?? raw
}

/**
 * Resolves a request's bucket, key and query from its raw URL (`req.url`) and Host header.
 *
 * @category constructors
 */
export const resolveTarget = (
  rawUrl: string,
  host: string | undefined,
  config: { readonly ownHost: string; readonly defaultBucket: string | undefined }
): TargetResult => {
  let pathAndQuery = rawUrl
  // Absolute-form request targets (`GET http://host/key`, sent to proxies) carry the path after the authority.
  if (!pathAndQuery.startsWith("/")) {
    const match = /^[a-z][a-z0-9+.-]*:\/\/[^/?]*(.*)$/i.exec(pathAndQuery)
    if (match === null) return { ok: false, error: ServerErrors.invalidUri() }
    pathAndQuery = `/${(match[1] ?? "").replace(/^\//, "")}`
  }
  const mark = pathAndQuery.indexOf("?")
  const rawPath = (mark === -1 ? pathAndQuery : pathAndQuery.slice(0, mark)).slice(1)
  const query = parseQuery(mark === -1 ? "" : pathAndQuery.slice(mark + 1))
  if (query === undefined) return { ok: false, error: ServerErrors.invalidUri() }

  let bucket = bucketOfHost(host, config.ownHost.toLowerCase()) ?? config.defaultBucket
  let rawKey = rawPath
  if (bucket === undefined) {
    const slash = rawPath.indexOf("/")
    const rawBucket = slash === -1 ? rawPath : rawPath.slice(0, slash)
    rawKey = slash === -1 ? "" : rawPath.slice(slash + 1)
    if (rawBucket !== "") {
      bucket = decode(rawBucket)
      if (bucket === undefined) return { ok: false, error: ServerErrors.invalidUri() }
    }
  }
  const key = decode(rawKey)
  if (key === undefined) return { ok: false, error: ServerErrors.invalidUri() }
  if (bucket !== undefined && !isBucketName(bucket)) return { ok: false, error: ServerErrors.invalidBucketName(bucket) }
  return {
    ok: true,
    target: { ...(bucket === undefined ? {} : { bucket }), ...(key === "" ? {} : { key }), query }
  }
}
