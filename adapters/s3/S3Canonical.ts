/**
 * The AWS SigV4 canonical request as S3 checks it (/work/shared/docs/protocol.md §3.3, §5), kept apart from the
 * signing and verifying flows in {@link ./S3Sign.ts} and {@link ./S3Verify.ts}:
 *
 * ```
 * VERB\n CanonicalURI\n CanonicalQuery\n CanonicalHeaders\n\n SignedHeaders\n HashedPayload
 * ```
 *
 * Where S3 differs from OSS V4: the URI is the real request path (`/key` virtual-hosted, `/bucket/key` path-style),
 * encoded once (S3 is the AWS service that does not double-encode or normalise the path); an empty query value is
 * written `k=`; `host` is signed, with its `:port`. The RFC 3986 encoder, header map and code-point order are the
 * shared ones of `@resumable-upload/http`, which OSS V4 uses too, so both dialects canonicalise a key the same way.
 *
 * @since 0.1.0
 */
import { compareCodePoints } from "@resumable-upload/core/CodePointOrder"
import { headerMap } from "@resumable-upload/http/HeaderMap"
import { uriEncode } from "@resumable-upload/http/UriEncoding"

/** @category constants */
export const algorithm = "AWS4-HMAC-SHA256"
/** The payload hash for a body that is not hashed (parts streamed as they are read; presigned URLs). @category constants */
export const unsignedPayload = "UNSIGNED-PAYLOAD"
/** SHA-256 of the empty body, for bodiless requests signed with a payload hash. @category constants */
export const emptyPayloadSha256 = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"
/** S3 rejects presigned URLs valid for longer than seven days. @category constants */
export const maxPresignSeconds = 604_800

// Never signed: hop-by-hop headers and those that browsers, proxies and tracers add or rewrite after signing
// (aws-sdk-js-v3 `UNSIGNABLE_HEADERS`, botocore `SIGNED_HEADERS_BLACKLIST`).
const unsignable = new Set([
  "authorization",
  "cache-control",
  "connection",
  "expect",
  "from",
  "keep-alive",
  "max-forwards",
  "pragma",
  "referer",
  "te",
  "trailer",
  "transfer-encoding",
  "upgrade",
  "user-agent",
  "x-amzn-trace-id"
])

/** The names a client signs: every header it sends (lowercased, sorted) but the unsignable ones. @category canonical */
export const signableHeaders = (headers: Readonly<Record<string, string>>): ReadonlyArray<string> =>
  [...headerMap(headers).keys()].filter((name) => !unsignable.has(name)).sort(compareCodePoints)

/**
 * The decoded request path as it goes on the wire and into the canonical request: RFC 3986, `/` kept, `+` → `%2B`,
 * space → `%20`. A transport must send exactly this, so URL and signature cannot diverge.
 *
 * @category canonical
 */
export const encodePath = (path: string): string => {
  const encoded = uriEncode(path, true)
  return encoded.startsWith("/") ? encoded : `/${encoded}`
}

/** For servers: the received (percent-encoded) path decoded, or `undefined` when it is not valid UTF-8. @category canonical */
export const decodePath = (raw: string): string | undefined => {
  try {
    return decodeURIComponent(raw)
  } catch {
    return undefined
  }
}

/** Every parameter, key and value RFC 3986-encoded, sorted by encoded key, always `k=v` (`uploads=`). @category canonical */
export const canonicalQuery = (query: Readonly<Record<string, string>>): string =>
  Object.entries(query)
    .map(([k, v]) => [uriEncode(k), uriEncode(v)] as const)
    .sort(([a], [b]) => compareCodePoints(a, b))
    .map(([k, v]) => `${k}=${v}`)
    .join("&")

/** A query string in the parameters' own order, encoded as in the canonical query (presigned URLs). @category canonical */
export const toQueryString = (query: Readonly<Record<string, string>>): string =>
  Object.entries(query)
    .map(([k, v]) => `${uriEncode(k)}=${uriEncode(v)}`)
    .join("&")

/** The request parts the canonical request reads: the path decoded, the query decoded. @category models */
export interface CanonicalInput {
  readonly method: string
  readonly path: string
  readonly query: Readonly<Record<string, string>>
  readonly headers: Readonly<Record<string, string>>
}

/**
 * The canonical request. `signedHeaders` is the list exactly as it goes into `SignedHeaders=`; a listed header the
 * request lacks canonicalises as `name:` (and so fails verification rather than being skipped). Values are trimmed
 * and inner whitespace runs collapse to one space, as the SDKs do.
 *
 * @category canonical
 */
export const canonicalRequest = (
  request: CanonicalInput,
  signedHeaders: ReadonlyArray<string>,
  payloadHash: string
): string => {
  const headers = headerMap(request.headers)
  const lines = signedHeaders.map((name) => `${name}:${(headers.get(name) ?? "").trim().replace(/\s+/g, " ")}\n`)
  const uri = encodePath(request.path)
  const query = canonicalQuery(request.query)
  return [request.method.toUpperCase(), uri, query, lines.join(""), signedHeaders.join(";"), payloadHash].join("\n")
}

/** `yyyymmdd/region/service/aws4_request`, the day taken from the ISO basic timestamp. @category canonical */
export const scope = (datetime: string, region: string, service: string): string =>
  `${datetime.slice(0, 8)}/${region}/${service}/aws4_request`

/** ISO 8601 basic (`20130524T000000Z`), the `x-amz-date` / `X-Amz-Date` format. @category dates */
export const formatAmzDate = (date: Date | number): string => {
  const ms = typeof date === "number" ? date : date.getTime()
  if (!Number.isFinite(ms)) throw new RangeError(`S3 signing: invalid request date ${String(date)}`)
  return new Date(ms)
    .toISOString()
    .replace(/\.\d{3}Z$/, "Z")
    .replace(/[-:]/g, "")
}

/** Parses `yyyymmddTHHMMSSZ` strictly (no rollover of `20131332T…`); `undefined` otherwise. @category dates */
export const parseAmzDate = (value: string): number | undefined => {
  const match = /^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z$/.exec(value.trim())
  if (match === null) return undefined
  const [y, mo, d, h, mi, s] = match.slice(1).map(Number) as [number, number, number, number, number, number]
  const ms = Date.UTC(y, mo - 1, d, h, mi, s)
  return formatAmzDate(ms) === value.trim() ? ms : undefined
}

/**
 * The request's own timestamp for the 15-minute skew check (§6): `x-amz-date`, else an RFC 1123 `Date`, in ms;
 * `undefined` when neither parses. Presigned URLs are bounded by their expiry instead.
 *
 * @category dates
 */
export const requestTimeMs = (request: CanonicalInput): number | undefined => {
  const headers = headerMap(request.headers)
  const amz = headers.get("x-amz-date")
  const parsed = amz === undefined ? undefined : parseAmzDate(amz)
  if (parsed !== undefined) return parsed
  const date = headers.get("date")
  const ms = date === undefined || !date.trim().endsWith(" GMT") ? Number.NaN : Date.parse(date)
  return Number.isFinite(ms) ? ms : undefined
}
