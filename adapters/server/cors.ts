/**
 * CORS for browser clients (protocol.md §1.2, §5): every response allows the request's origin and exposes the headers
 * an uploader must read, above all `ETag` (ali-oss fails with "Please set the etag of expose-headers in OSS" without
 * it) and `x-oss-hash-crc64ecma`, and for S3 clients `x-amz-request-id`, `x-amz-version-id` and the additional
 * checksum headers; OPTIONS preflights are answered before authentication, as OSS and S3 do, since a browser never
 * signs a preflight, and allow whatever request headers the browser asks for (`x-amz-*`, `x-oss-*`, `Content-MD5`).
 *
 * @since 0.1.0
 */
import type { IncomingMessage, ServerResponse } from "node:http"

/** @category constants */
export const exposedHeaders = [
  "ETag",
  "x-oss-hash-crc64ecma",
  "x-oss-request-id",
  "x-oss-ec",
  "x-oss-version-id",
  "Content-Length",
  "Content-Range",
  "Last-Modified",
  "Date",
  "x-amz-request-id",
  "x-amz-id-2",
  "x-amz-version-id",
  "x-amz-checksum-crc32",
  "x-amz-checksum-crc32c",
  "x-amz-checksum-crc64nvme",
  "x-amz-checksum-sha1",
  "x-amz-checksum-sha256"
].join(", ")

const allowedMethods = "GET, PUT, POST, DELETE, HEAD"
// Bounds what is echoed back from the preflight's own header list.
const requestedHeadersMaxChars = 4096

/** Adds the CORS headers every response carries; nothing when the request has no `Origin`. @category utils */
export const addCorsHeaders = (req: IncomingMessage, res: ServerResponse): void => {
  const origin = req.headers.origin
  if (origin === undefined) return
  res.setHeader("Access-Control-Allow-Origin", origin)
  res.setHeader("Access-Control-Allow-Credentials", "true")
  res.setHeader("Access-Control-Expose-Headers", exposedHeaders)
  res.setHeader("Vary", "Origin")
}

/** Answers a preflight: the method list, and every header the browser asks for (the server trusts any origin). @category utils */
export const answerPreflight = (req: IncomingMessage, res: ServerResponse): void => {
  addCorsHeaders(req, res)
  res.setHeader("Access-Control-Allow-Methods", allowedMethods)
  const requested = req.headers["access-control-request-headers"]
  if (requested !== undefined && requested.length <= requestedHeadersMaxChars) {
    res.setHeader("Access-Control-Allow-Headers", requested)
  }
  res.setHeader("Access-Control-Max-Age", "600")
  res.statusCode = 200
  res.setHeader("Content-Length", "0")
  res.end()
}
