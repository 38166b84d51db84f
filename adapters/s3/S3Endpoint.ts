/**
 * Where an S3 request goes: virtual-hosted (`bucket.host/key`, the AWS default) or path-style (`host/bucket/key`,
 * automatic for IP and `localhost` endpoints, and what Ceph RGW, MinIO and the local server are reached with).
 *
 * Unlike OSS, SigV4 signs the real host and path (protocol.md §5), so {@link targetOf} gives both: the host the
 * request goes to and the decoded path the signer encodes; the transport sends exactly that encoding.
 *
 * **Gotchas**: a bucket name that is not a DNS label (dots, uppercase, underscores) is addressed path-style even on
 * a virtual-hosted endpoint, as the AWS SDKs do, since `a.b.s3.amazonaws.com` breaks the TLS wildcard certificate.
 *
 * @since 0.1.0
 */
import { parseEndpointUrl } from "@resumable-upload/http/EndpointUrl"

/** @category models */
export type S3Addressing = "virtual-hosted" | "path"

/** @category models */
export interface S3Endpoint {
  /** Scheme and authority, e.g. `https://s3.eu-west-1.amazonaws.com` or `http://127.0.0.1:7480`. */
  readonly origin: string
  readonly addressing: S3Addressing
}

/** Parses an endpoint URL; a bare host gets `https://`; IP and `localhost` default to path-style. @category constructors */
export const make = (endpoint: string, addressing?: S3Addressing): S3Endpoint => {
  const { origin, defaultAddressing } = parseEndpointUrl(endpoint)
  // S3 has no CNAME style: anything but `path` from an untyped caller is virtual-hosted.
  return { origin, addressing: (addressing ?? defaultAddressing) === "path" ? "path" : "virtual-hosted" }
}

/** Stable identity for checkpoints: the same store reached the same way. @category utils */
export const identity = (endpoint: S3Endpoint): string => `${endpoint.origin} ${endpoint.addressing}`

/** Whether the endpoint is Amazon S3 itself (`*.amazonaws.com`, `*.amazonaws.com.cn`). @category utils */
export const isAws = (endpoint: S3Endpoint): boolean =>
  /\.amazonaws\.com(?:\.cn)?$/i.test(new URL(endpoint.origin).hostname)

const dnsLabel = /^[a-z0-9](?:[a-z0-9-]{1,61}[a-z0-9])?$/

/** @category models */
export interface S3Target {
  /** Scheme and authority of this request, the bucket prepended when virtual-hosted. */
  readonly origin: string
  /** The `host` header as sent: with `:port` unless it is the scheme's default. */
  readonly host: string
  /** Decoded: `/bucket/key`, `/bucket`, `/key` or `/`. */
  readonly path: string
}

/** Origin, host and decoded path of a bucket or object request. @category utils */
export const targetOf = (endpoint: S3Endpoint, bucket: string, key: string | undefined): S3Target => {
  const url = new URL(endpoint.origin)
  const virtual = endpoint.addressing === "virtual-hosted" && dnsLabel.test(bucket)
  if (virtual) url.hostname = `${bucket}.${url.hostname}`
  const path = virtual ? `/${key ?? ""}` : key === undefined ? `/${bucket}` : `/${bucket}/${key}`
  return { origin: url.origin, host: url.host, path }
}
