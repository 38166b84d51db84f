/**
 * The OSS signature V4 canonical request and string-to-sign (/work/shared/docs/protocol.md §3.2; GOv2
 * `oss/signer/v4.go`), kept apart from the signing and verifying flows in {@link ./OssSignatureV4.ts}:
 *
 * ```
 * VERB\n CanonicalURI\n CanonicalQuery\n CanonicalHeaders\n AdditionalHeaders\n HashedPayload
 * ```
 *
 * Unlike V1, every query parameter is signed, and so are `content-type` and `content-md5`. The canonical URI always
 * holds the bucket, whatever the addressing style, and `host` is signed only when listed in AdditionalHeaders, so
 * proxies and loopback endpoints do not break signatures.
 *
 * @since 0.1.0
 */

import { compareCodePoints } from "@resumable-upload/core/CodePointOrder"
import { sha256Hex } from "@resumable-upload/http/Crypto"
import { headerMap } from "@resumable-upload/http/HeaderMap"
import { uriEncode } from "@resumable-upload/http/UriEncoding"
import * as Effect from "effect/Effect"
import type { OssReceivedRequest } from "./OssSigning.ts"

/** @category constants */
export const algorithm = "OSS4-HMAC-SHA256"
/** The payload hash the signers send: OSS V4 does not require hashing the body. @category constants */
export const unsignedPayload = "UNSIGNED-PAYLOAD"

/** Region id without the `oss-` prefix (`oss-cn-hangzhou` → `cn-hangzhou`), as ali-oss normalises it. @category canonical */
export const standardRegion = (region: string): string => region.replace(/^oss-/, "")

const isDefaultSigned = (name: string): boolean =>
  name.startsWith("x-oss-") || name === "content-type" || name === "content-md5"

/**
 * AdditionalHeaders as the client signs them: lowercased, deduplicated, sorted; default-signed names and headers the
 * request does not carry are dropped (GOv2 `getCommonAdditionalHeaders`).
 *
 * @category canonical
 */
export const normalizeAdditionalHeaders = (
  headers: Readonly<Record<string, string>>,
  names: ReadonlyArray<string>
): ReadonlyArray<string> => {
  const present = headerMap(headers)
  return [...new Set(names.map((name) => name.toLowerCase()))]
    .filter((name) => !isDefaultSigned(name) && (present.get(name) ?? "") !== "")
    .sort(compareCodePoints)
}

/** `URIEncode("/" + bucket + "/" + key)` with `/` kept. @category canonical */
export const canonicalUri = (request: OssReceivedRequest): string =>
  uriEncode(`/${request.bucket === undefined ? "" : `${request.bucket}/`}${request.key ?? ""}`, true)

/** All parameters, key and value RFC 3986-encoded, sorted by encoded key; `k` alone when the value is empty. @category canonical */
export const canonicalQuery = (query: Readonly<Record<string, string>>): string =>
  Object.entries(query)
    .map(([k, v]) => [uriEncode(k), uriEncode(v)] as const)
    .sort(([a], [b]) => compareCodePoints(a, b))
    .map(([k, v]) => (v === "" ? k : `${k}=${v}`))
    .join("&")

/**
 * The canonical request of a request whose headers are final (`x-oss-date`, `x-oss-content-sha256` and the STS
 * token included). `additionalHeaders` is the list exactly as it goes into `AdditionalHeaders=`.
 *
 * @category canonical
 */
export const canonicalRequest = (request: OssReceivedRequest, additionalHeaders: ReadonlyArray<string>): string => {
  const headers = headerMap(request.headers)
  const canonicalHeaders = [...headers]
    .filter(([name]) => isDefaultSigned(name) || additionalHeaders.includes(name))
    .sort(([a], [b]) => compareCodePoints(a, b))
    .map(([name, value]) => `${name}:${value.trim()}\n`)
    .join("")
  const payload = headers.get("x-oss-content-sha256") || unsignedPayload
  const query = canonicalQuery(request.query)
  return [request.method, canonicalUri(request), query, canonicalHeaders, additionalHeaders.join(";"), payload].join(
    "\n"
  )
}

/** `yyyymmdd/region/product/aliyun_v4_request`, the day taken from the ISO basic timestamp. @category canonical */
export const scope = (datetime: string, region: string, product: string): string =>
  `${datetime.slice(0, 8)}/${region}/${product}/aliyun_v4_request`

/** `OSS4-HMAC-SHA256\n<datetime>\n<scope>\n<hex SHA-256 of the canonical request>`. @category canonical */
export const stringToSign = (datetime: string, credentialScope: string, canonical: string): Effect.Effect<string> =>
  Effect.map(sha256Hex(canonical), (hash) => `${algorithm}\n${datetime}\n${credentialScope}\n${hash}`)
