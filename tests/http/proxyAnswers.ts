/**
 * What the fault proxy writes back: its own 500/503 answers, shaped as the store behind it would shape them (OSS or
 * S3), and the server's answers passed on with the hop-by-hop headers dropped (the proxy's connections to client
 * and server are separate, and framed anew).
 */
import type { IncomingHttpHeaders, IncomingMessage, ServerResponse } from "node:http"

/** The header carrying the test's run tag; stripped before forwarding, so the server never sees it. */
export const tagHeader = "x-fault-run"

const hopByHop = new Set(["connection", "keep-alive", "transfer-encoding", "proxy-connection", tagHeader])

export const withoutHopByHop = (headers: IncomingHttpHeaders) =>
  Object.fromEntries(Object.entries(headers).filter(([name]) => !hopByHop.has(name)))

/** Which store's error answers the proxy imitates. */
export type ProxyDialect = "oss" | "s3"

/**
 * Answers 500 InternalError or 503 SlowDown as the store would, without asking it; returns the status. OSS names
 * its request id `x-oss-request-id` and puts a HEAD's error document, base64, in `x-oss-err`; S3 says
 * `x-amz-request-id` (and `x-amz-id-2`) and gives a HEAD's error no body at all, only its status.
 */
export const answerInjected = (
  res: ServerResponse,
  method: string,
  seq: number,
  internal: boolean,
  dialect: ProxyDialect = "oss"
): number => {
  const [status, code] = internal ? [500, "InternalError"] : [503, "SlowDown"]
  const requestId = `fault-${seq}`
  const xml = `<?xml version="1.0" encoding="UTF-8"?>\n<Error><Code>${code}</Code><Message>injected by the fault proxy</Message><RequestId>${requestId}</RequestId><HostId>fault-proxy</HostId></Error>`
  const head = method === "HEAD"
  const headers =
    dialect === "s3"
      ? { "x-amz-request-id": requestId, "x-amz-id-2": "fault-proxy" }
      : { "x-oss-request-id": requestId, ...(head ? { "x-oss-err": Buffer.from(xml).toString("base64") } : {}) }
  res.writeHead(status, { "content-type": "application/xml", ...headers })
  res.end(head ? undefined : xml)
  return status
}

/** Passes the server's whole answer on; returns its status. */
export const passOn = (res: ServerResponse, method: string, answer: IncomingMessage, body: Buffer): number => {
  const status = answer.statusCode ?? 502
  const headers = withoutHopByHop(answer.headers)
  // A HEAD answer keeps the server's Content-Length: it describes the object, not this empty body.
  if (method !== "HEAD" && status !== 204 && status !== 304) headers["content-length"] = String(body.length)
  res.writeHead(status, headers)
  res.end(method === "HEAD" ? undefined : body)
  return status
}
