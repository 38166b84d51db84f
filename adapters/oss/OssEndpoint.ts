/**
 * Where an OSS request goes: virtual-hosted (`bucket.host/key`, the OSS default), path-style (`host/bucket/key`,
 * automatic for IP and `localhost` endpoints, as the Go SDK does) or CNAME (`host/key`, the bucket implied).
 *
 * The signature resource is `/bucket/key` in every style, so addressing never changes a signature; it does change
 * the endpoint identity a checkpoint is bound to.
 *
 * **Gotchas**: `*.localhost` does not resolve everywhere, hence path-style for local endpoints; keys are URL-encoded
 * per segment with `/` kept, so `a b/c` becomes `a%20b/c`.
 *
 * @since 0.1.0
 */
import { parseEndpointUrl } from "@resumable-upload/http/EndpointUrl"

/** @category models */
export type Addressing = "virtual-hosted" | "path" | "cname"

/** @category models */
export interface OssEndpoint {
  /** Scheme and authority, e.g. `https://oss-cn-hangzhou.aliyuncs.com` or `http://127.0.0.1:9000`. */
  readonly origin: string
  readonly addressing: Addressing
}

/** Parses an endpoint URL; a bare host gets `https://`. @category constructors */
export const make = (endpoint: string, addressing?: Addressing): OssEndpoint => {
  const { origin, defaultAddressing } = parseEndpointUrl(endpoint)
  return { origin, addressing: addressing ?? defaultAddressing }
}

/** Stable identity for checkpoints: the same store reached the same way. @category utils */
export const identity = (endpoint: OssEndpoint): string => `${endpoint.origin} ${endpoint.addressing}`

/** `a b/c?` → `a%20b/c%3F`: every character but unreserved ones and `/` is percent-encoded. @category utils */
export const encodeKey = (key: string): string =>
  key
    .split("/")
    .map((segment) =>
      encodeURIComponent(segment).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`)
    )
    .join("/")

/** The URL of a bucket or object, with the query given as already-encoded text (`uploads`, `uploadId=…`). @category utils */
export const urlOf = (
  endpoint: OssEndpoint,
  bucket: string | undefined,
  key: string | undefined,
  query: string
): string => {
  const url = new URL(endpoint.origin)
  const objectPath = key === undefined ? "" : encodeKey(key)
  let path: string
  if (bucket === undefined || endpoint.addressing === "cname") path = `/${objectPath}`
  else if (endpoint.addressing === "path") path = `/${bucket}/${objectPath}`
  else {
    url.hostname = `${bucket}.${url.hostname}`
    path = `/${objectPath}`
  }
  return `${url.origin}${path}${query === "" ? "" : `?${query}`}`
}
