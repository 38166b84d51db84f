/**
 * What the fault proxy writes back: its own OSS-style 500/503 answers, and the server's answers passed on with the
 * hop-by-hop headers dropped (the proxy's connections to client and server are separate, and framed anew).
 */
import type { IncomingHttpHeaders, IncomingMessage, ServerResponse } from "node:http"

/** The header carrying the test's run tag; stripped before forwarding, so the server never sees it. */
export const tagHeader = "x-fault-run"

const hopByHop = new Set(["connection", "keep-alive", "transfer-encoding", "proxy-connection", tagHeader])

export const withoutHopByHop = (headers: IncomingHttpHeaders) =>
  Object.fromEntries(Object.entries(headers).filter(([name]) => !hopByHop.has(name)))

/** Answers 500 InternalError or 503 SlowDown as OSS would, without asking the server; returns the status. */
export const answerInjected = (res: ServerResponse, method: string, seq: number, internal: boolean): number => {
  const [status, code] = internal ? [500, "InternalError"] : [503, "SlowDown"]
  const xml = `<?xml version="1.0" encoding="UTF-8"?>\n<Error><Code>${code}</Code><Message>injected by the fault proxy</Message><RequestId>fault-${seq}</RequestId><HostId>fault-proxy</HostId></Error>`
  res.writeHead(status, {
    "content-type": "application/xml",
    "x-oss-request-id": `fault-${seq}`,
    // A HEAD answer has no body; OSS puts the error document in this header instead.
    ...(method === "HEAD" ? { "x-oss-err": Buffer.from(xml).toString("base64") } : {})
  })
  res.end(method === "HEAD" ? undefined : xml)
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
