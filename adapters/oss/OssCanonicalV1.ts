/**
 * The OSS signature V1 string-to-sign (/work/shared/docs/protocol.md §3.1; GOv2 `oss/signer/v1.go`
 * `calcStringToSign`), kept apart from the signing and verifying flows in {@link ./OssSignatureV1.ts}:
 *
 * ```
 * VERB\n Content-MD5\n Content-Type\n Date\n CanonicalizedOSSHeaders CanonicalizedResource
 * ```
 *
 * Only the listed sub-resources are signed: `uploads`, `uploadId`, `partNumber` are, but `max-parts`, `prefix` or
 * `encoding-type` are not, so a verifier that signed every query parameter would reject GOv2 requests. The key in
 * the resource is raw, not URL-encoded.
 *
 * @since 0.1.0
 */
import { compareCodePoints } from "@resumable-upload/core/CodePointOrder"
import { headerMap } from "@resumable-upload/http/HeaderMap"
import type { OssReceivedRequest } from "./OssSigning.ts"

/** GOv2 `requiredSignedParametersMap`; query keys starting with `x-oss-` are signed as well. @category constants */
export const signedSubResources: ReadonlySet<string> = new Set([
  ...["acl", "bucketInfo", "location", "stat", "delete", "append", "tagging", "objectMeta", "uploads", "uploadId"],
  ...["partNumber", "security-token", "position", "response-content-type", "response-content-language"],
  ...["response-expires", "response-cache-control", "response-content-disposition", "response-content-encoding"],
  ...["restore", "callback", "callback-var", "versions", "versioning", "versionId", "sequential"],
  ...["continuation-token", "regionList", "cloudboxes", "symlink"]
])

/**
 * `/bucket/key` (`/bucket/` for a bucket, `/` for the service), then `?` and the sorted signed sub-resources as
 * `k=v`, or `k` when the value is empty.
 *
 * @category canonical
 */
export const canonicalizedResource = (
  request: OssReceivedRequest,
  additionalSubResources: ReadonlyArray<string> = []
): string => {
  const path = `/${request.bucket === undefined ? "" : `${request.bucket}/`}${request.key ?? ""}`
  const signed = Object.entries(request.query)
    .filter(([k]) => signedSubResources.has(k) || k.startsWith("x-oss-") || additionalSubResources.includes(k))
    .sort(([a], [b]) => compareCodePoints(a, b))
    .map(([k, v]) => (v === "" ? k : `${k}=${v}`))
  return signed.length === 0 ? path : `${path}?${signed.join("&")}`
}

/** Every `x-oss-*` header as `name:trimmed value\n`, sorted by name. @category canonical */
export const canonicalizedOssHeaders = (headers: Readonly<Record<string, string>>): string =>
  [...headerMap(headers)]
    .filter(([name]) => name.startsWith("x-oss-"))
    .sort(([a], [b]) => compareCodePoints(a, b))
    .map(([name, value]) => `${name}:${value.trim()}\n`)
    .join("")

/**
 * The Date slot of a header-signed request: the `Date` header, else `x-oss-date` (§3.1, emulator rule; ali-oss
 * puts its RFC 1123 `x-oss-date` there), else `undefined`. Presigned URLs put `Expires` there instead.
 *
 * @category canonical
 */
export const dateSlot = (headers: Readonly<Record<string, string>>): string | undefined => {
  const map = headerMap(headers)
  return map.get("date") ?? map.get("x-oss-date")
}

/** @category canonical */
export const stringToSign = (
  request: OssReceivedRequest,
  date: string,
  additionalSubResources: ReadonlyArray<string> = []
): string => {
  const headers = headerMap(request.headers)
  const head = [request.method, headers.get("content-md5") ?? "", headers.get("content-type") ?? "", date, ""]
  return (
    head.join("\n") + canonicalizedOssHeaders(request.headers) + canonicalizedResource(request, additionalSubResources)
  )
}
