/**
 * The connection guard on its own, with stand-in sockets: a body whose bytes sit unread in the request's buffer is
 * the server being behind (backpressure), not the client stalling, so it is not timed out; an unread-and-empty
 * buffer with no new bytes is.
 */
import { EventEmitter } from "node:events"
import type { IncomingMessage, ServerResponse } from "node:http"
import type { Socket } from "node:net"
import { describe, expect, it } from "vitest"
import { makeGuard } from "../../adapters/server/connectionGuard.ts"

const limits = {
  maxConnections: 10,
  maxConnectionsPerClient: 10,
  headersTimeoutMs: 10_000,
  bodyIdleTimeoutMs: 200,
  keepAliveTimeoutMs: 10_000
}

const fakeRequest = (readableLength: number) => {
  const socket = Object.assign(new EventEmitter(), { remoteAddress: "127.0.0.1", bytesRead: 100, destroyed: false })
  const req = Object.assign(new EventEmitter(), { socket, complete: false, readableLength })
  const res = new EventEmitter()
  return { socket, req, res }
}

describe("connection guard", () => {
  it("times out a stalled body, but not one the server has yet to read", async () => {
    const stalled: Array<unknown> = []
    const guard = makeGuard(limits, {
      refuse: () => undefined,
      headersTimedOut: () => undefined,
      bodyStalled: (req) => void stalled.push(req)
    })
    const behind = fakeRequest(64 * 1024)
    const idle = fakeRequest(0)
    for (const { socket, req, res } of [behind, idle]) {
      guard.admit(socket as unknown as Socket)
      guard.requestStarted(req as unknown as IncomingMessage, res as unknown as ServerResponse)
    }
    await new Promise((resolve) => setTimeout(resolve, 600))
    guard.stop()
    expect(stalled).toEqual([idle.req])
  })
})
