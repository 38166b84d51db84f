/**
 * Writing responses: the headers every response carries (`x-oss-request-id`, or on S3 `x-amz-request-id` and
 * `x-amz-id-2`; `Date`, `Server`, CORS), XML and byte bodies, and errors in the request's dialect: the OSS `<Error>`
 * document with `x-oss-ec`, and for HEAD (which has no body) the document base64-encoded in `x-oss-err`, where GOv2
 * looks for it (protocol.md §1.0); or the S3 `<Error>` document (a HEAD error is status and headers only, as on S3).
 *
 * @since 0.1.0
 */
import { randomBytes } from "node:crypto"
import type { IncomingMessage, ServerResponse } from "node:http"
import type { Readable } from "node:stream"
import { pipeline } from "node:stream/promises"
import type { Dialect } from "@resumable-upload/core/Limits"
import type { ModelError } from "@resumable-upload/sim/MultipartModel"
import { addCorsHeaders } from "./cors.ts"
import * as S3Xml from "./s3Xml.ts"
import { errorDocument } from "./serverXml.ts"

/** One request being answered. @category models */
export interface Exchange {
  readonly req: IncomingMessage
  readonly res: ServerResponse
  readonly requestId: string
  /** The Host the client used, for `<HostId>`. */
  readonly hostId: string
  readonly nowMs: number
  /** The dialect that answers (see requestDialect.ts). */
  readonly dialect: Dialect
}

let requestCounter = 0
const processTag = randomBytes(4).toString("hex").toUpperCase()

/** 24 upper-case hex characters like OSS's, unique per process and sortable within it. @category utils */
export const nextRequestId = (nowMs: number): string => {
  requestCounter = (requestCounter + 1) % 0x1_0000_0000
  return `${Math.trunc(nowMs / 1000)
    .toString(16)
    .toUpperCase()
    .padStart(8, "0")
    .slice(-8)}${processTag}${requestCounter.toString(16).toUpperCase().padStart(8, "0")}`
}

/** @category utils */
export const httpDate = (ms: number): string => new Date(ms).toUTCString()

/** S3's `x-amz-id-2` / `<HostId>`: an opaque base64 token; here derived from the request id. @category utils */
export const amzId2 = (requestId: string): string => Buffer.from(`LocalOSS/${requestId}`, "utf8").toString("base64")

/** The request-id headers of the exchange's dialect. @category utils */
export const setRequestIdHeaders = (ex: Exchange): void => {
  if (ex.dialect === "s3") {
    ex.res.setHeader("x-amz-request-id", ex.requestId)
    ex.res.setHeader("x-amz-id-2", amzId2(ex.requestId))
  } else ex.res.setHeader("x-oss-request-id", ex.requestId)
}

const writeHead = (ex: Exchange, status: number, headers: Readonly<Record<string, string>>): void => {
  const { res } = ex
  res.statusCode = status
  setRequestIdHeaders(ex)
  res.setHeader("Date", httpDate(ex.nowMs))
  res.setHeader("Server", "LocalOSS")
  addCorsHeaders(ex.req, res)
  for (const [name, value] of Object.entries(headers)) res.setHeader(name, value)
}

/** Ends with `body` (or no body for HEAD, keeping the real `Content-Length` when the caller set one). @category utils */
export const sendBody = (
  ex: Exchange,
  status: number,
  body: Uint8Array | string,
  headers: Readonly<Record<string, string>> = {}
): void => {
  if (ex.res.headersSent) return
  const bytes = typeof body === "string" ? Buffer.from(body, "utf8") : body
  writeHead(ex, status, { "Content-Length": String(bytes.length), ...headers })
  if (ex.req.method === "HEAD") ex.res.end()
  else ex.res.end(bytes)
}

/**
 * Streams `body` (`sizeBytes` long) with backpressure; resolves when it is sent or the connection is gone. A read
 * failure mid-body cannot become an error answer any more (the status is out), so the connection is cut.
 *
 * @category utils
 */
export const sendStream = async (
  ex: Exchange,
  status: number,
  body: Readable,
  sizeBytes: number,
  headers: Readonly<Record<string, string>> = {}
): Promise<void> => {
  if (ex.res.headersSent) {
    body.destroy()
    return
  }
  writeHead(ex, status, { "Content-Length": String(sizeBytes), ...headers })
  if (ex.req.method === "HEAD") {
    body.destroy()
    ex.res.end()
    return
  }
  await pipeline(body, ex.res).catch(() => {
    body.destroy()
    ex.res.destroy()
  })
}

/** An XML document body. @category utils */
export const sendXml = (
  ex: Exchange,
  status: number,
  xml: string,
  headers: Readonly<Record<string, string>> = {}
): void => sendBody(ex, status, xml, { "Content-Type": "application/xml", ...headers })

/** An empty body (204 of Abort/Delete, 200 of PutObject). @category utils */
export const sendEmpty = (ex: Exchange, status: number, headers: Readonly<Record<string, string>> = {}): void =>
  sendBody(ex, status, "", headers)

/** The path of the request, for S3's `<Resource>`. */
const resourceOf = (ex: Exchange): string => {
  const url = ex.req.url ?? "/"
  const mark = url.indexOf("?")
  return mark === -1 ? url : url.slice(0, mark)
}

/**
 * An error in the exchange's dialect. `closeConnection` is for refusals made before the body was read (oversized, unauthorised uploads):
 * closing spares the server reading and discarding what the client still sends.
 *
 * @category utils
 */
export const sendError = (
  ex: Exchange,
  error: ModelError,
  headers: Readonly<Record<string, string>> = {},
  closeConnection = false
): void => {
  if (ex.dialect === "s3") {
    const document = S3Xml.errorDocument(error, resourceOf(ex), ex.requestId, amzId2(ex.requestId))
    sendXml(ex, error.status, document, closeConnection ? { ...headers, Connection: "close" } : headers)
    return
  }
  const { document, ec } = errorDocument(error, ex.requestId, ex.hostId)
  const extra: Record<string, string> = { ...headers, ...(ec === undefined ? {} : { "x-oss-ec": ec }) }
  if (closeConnection) extra.Connection = "close"
  if (ex.req.method === "HEAD") {
    // No body on HEAD: the document travels in a header, bounded so a huge StringToSign cannot exceed header limits.
    const encoded = Buffer.from(document, "utf8").toString("base64")
    if (encoded.length <= 8192) extra["x-oss-err"] = encoded
  }
  sendXml(ex, error.status, document, extra)
}
