/**
 * The endpoint URL a store is configured with, as both dialects read it: a bare host gets `https://`, only http and
 * https are accepted, and IP and `localhost` endpoints are addressed path-style unless the caller says otherwise
 * (`*.localhost` does not resolve everywhere; the Go SDK decides the same way).
 *
 * Each dialect keeps its own endpoint type and addressing styles on top of this (OSS adds CNAME); the parsing is
 * shared so that one URL means the same origin to both.
 *
 * @since 0.1.0
 */

/** @category models */
export interface EndpointUrl {
  /** Scheme and authority, e.g. `https://oss-cn-hangzhou.aliyuncs.com` or `http://127.0.0.1:9000`. */
  readonly origin: string
  /** The addressing when none is configured: `path` for IP and `localhost` endpoints, else `virtual-hosted`. */
  readonly defaultAddressing: "virtual-hosted" | "path"
}

const ipv4 = /^\d{1,3}(\.\d{1,3}){3}$/

/** Parses an endpoint URL; a bare host gets `https://`; throws a `TypeError` for any other scheme. @category constructors */
export const parseEndpointUrl = (endpoint: string): EndpointUrl => {
  const url = new URL(/^[a-z][a-z0-9+.-]*:\/\//i.test(endpoint) ? endpoint : `https://${endpoint}`)
  if (url.protocol !== "http:" && url.protocol !== "https:")
    throw new TypeError(`endpoint must be http or https: ${endpoint}`)
  const local = ipv4.test(url.hostname) || url.hostname.startsWith("[") || url.hostname === "localhost"
  return { origin: url.origin, defaultAddressing: local ? "path" : "virtual-hosted" }
}
