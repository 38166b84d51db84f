/**
 * Requests Node's HTTP parser refuses before any handler runs (malformed request line, headers over `maxHeaderSize`,
 * header timeout) still get an OSS `<Error>` document, written straight to the socket, then the connection closes;
 * so do connections the connection guard refuses or times out (connectionGuard.ts).
 *
 * @since 0.1.0
 */
import type { IncomingMessage, ServerResponse } from "node:http"
import type { Duplex } from "node:stream"
import type { ModelError } from "@resumable-upload/sim/MultipartModel"
import { httpDate, nextRequestId } from "./responses.ts"
import * as ServerErrors from "./serverErrors.ts"
import { errorDocument } from "./serverXml.ts"

const reasons: Readonly<Record<number, string>> = {
  400: "Bad Request",
  408: "Request Timeout",
  431: "Request Header Fields Too Large",
  503: "Service Unavailable"
}

const errorOfParser = (code: string | undefined): ModelError => {
  if (code === "HPE_HEADER_OVERFLOW") {
    return { status: 431, code: "RequestHeaderFieldsTooLarge", message: "The request headers are too large." }
  }
  if (code === "ERR_HTTP_REQUEST_TIMEOUT")
    return { status: 408, code: "RequestTimeout", message: "The request timed out." }
  return { ...ServerErrors.invalidArgument("Request", "", "The HTTP request could not be parsed."), status: 400 }
}

/** The server's `clientError` listener. @category constructors */
export const answerClientError = (error: Error & { code?: string }, socket: Duplex, nowMs: number): void => {
  if (!socket.writable || error.code === "ECONNRESET") {
    socket.destroy()
    return
  }
  writeRawError(socket, errorOfParser(error.code), nowMs)
}

/**
 * Writes `modelError` as a whole HTTP response straight to the socket and closes it: for connections refused or
 * timed out before (or without) a request object to answer through. @category constructors
 */
export const writeRawError = (socket: Duplex, modelError: ModelError, nowMs: number): void => {
  if (!socket.writable) {
    socket.destroy()
    return
  }
  const requestId = nextRequestId(nowMs)
  const { document } = errorDocument(modelError, requestId, "")
  const body = Buffer.from(document, "utf8")
  const head = [
    `HTTP/1.1 ${modelError.status} ${reasons[modelError.status] ?? "Error"}`,
    "Content-Type: application/xml",
    `Content-Length: ${body.length}`,
    `x-oss-request-id: ${requestId}`,
    `Date: ${httpDate(nowMs)}`,
    "Connection: close",
    "",
    ""
  ].join("\r\n")
  socket.end(Buffer.concat([Buffer.from(head, "latin1"), body]))
  // A peer that never reads would keep a half-closed socket alive; the answer is best effort.
  setTimeout(() => socket.destroy(), 1000).unref()
}

/**
 * Answers a request whose body stopped arriving, then closes its connection (the rest of the body is not wanted).
 * The request is destroyed too: its handler is waiting for the body, and Node would not end it once answered.
 */
export const answerStalledRequest = (
  req: IncomingMessage,
  res: ServerResponse,
  modelError: ModelError,
  nowMs: number
): void => {
  const socket = res.socket
  const drop = () => {
    req.destroy()
    socket?.destroy()
  }
  if (res.headersSent || socket === null) {
    drop()
    return
  }
  const { document } = errorDocument(modelError, nextRequestId(nowMs), "")
  res.shouldKeepAlive = false
  res.writeHead(modelError.status, { "Content-Type": "application/xml", Connection: "close" })
  res.end(document, drop)
  setTimeout(drop, 1000).unref()
}
