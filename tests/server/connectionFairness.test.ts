/**
 * One client must not lock the others out (slow-loris): per-client and global connection caps, an absolute headers
 * deadline (trickled header bytes and blank lines do not extend it), a body-progress deadline and a keep-alive idle
 * deadline. Each "client" is a loopback address of its own (127.0.0.2, …), which Linux routes without setup, since
 * the guard counts connections per remote address.
 */
import { request } from "node:http"
import { connect, type Socket } from "node:net"
import { afterEach, describe, expect, it } from "vitest"
import type { LocalOssServer } from "../../adapters/server/LocalOssServer.ts"
import { withServer } from "./serverSupport.ts"

const opened: Array<Socket> = []
const timers: Array<NodeJS.Timeout> = []
afterEach(() => {
  for (const timer of timers.splice(0)) clearInterval(timer)
  for (const socket of opened.splice(0)) socket.destroy()
})

/** A raw connection from `localAddress`, recording what it receives and when it closes. */
const rawConnection = (server: LocalOssServer, localAddress: string) => {
  const socket = connect({ host: "127.0.0.1", port: server.port, localAddress })
  opened.push(socket)
  let received = ""
  socket.on("data", (chunk: Buffer) => {
    received += chunk.toString("latin1")
  })
  socket.on("error", () => undefined)
  const startedMs = performance.now()
  const closed = new Promise<number>((resolve) => socket.on("close", () => resolve(performance.now() - startedMs)))
  const connected = new Promise<void>((resolve) => socket.once("connect", () => resolve()))
  return { socket, connected, closed, received: () => received }
}

/** A plain GET from `localAddress`; resolves with its status and how long the answer took. */
const timedGet = (server: LocalOssServer, localAddress: string): Promise<{ status: number; elapsedMs: number }> =>
  new Promise((resolve, reject) => {
    const startedMs = performance.now()
    const req = request(
      { host: "127.0.0.1", port: server.port, path: "/test-bucket/missing", localAddress, agent: false },
      (res) => {
        res.resume()
        res.on("end", () => resolve({ status: res.statusCode ?? 0, elapsedMs: performance.now() - startedMs }))
      }
    )
    req.on("error", reject)
    req.end()
  })

const limits = {
  headersTimeoutMs: 2_000,
  bodyIdleTimeoutMs: 2_000,
  keepAliveTimeoutMs: 1_500,
  maxConnectionsPerClient: 32
}

describe("connection fairness", () => {
  it("keeps serving other clients while one holds 300 slow-loris connections, and times them out", () =>
    withServer({ limits }, async (server) => {
      // One attacker: 300 connections from 127.0.0.1, each trickling a header byte every 300 ms.
      const attack = Array.from({ length: 300 }, () => rawConnection(server, "127.0.0.1"))
      await Promise.all(attack.map((c) => Promise.race([c.connected, c.closed])))
      const trickle = "GET /test-bucket/k HTTP/1.1\r\nX-Slow: "
      let at = 0
      timers.push(
        setInterval(() => {
          for (const c of attack) if (!c.socket.destroyed) c.socket.write(trickle[at % trickle.length] ?? "a")
          at += 1
        }, 300)
      )
      await new Promise((resolve) => setTimeout(resolve, 300))

      // Another client is answered promptly, every time.
      for (let i = 0; i < 5; i++) {
        const answer = await timedGet(server, "127.0.0.2")
        expect(answer.status).toBe(404)
        expect(answer.elapsedMs).toBeLessThan(1_000)
      }

      // Beyond its cap, the attacker was refused with a 503 that names the limit; the rest time out with 408.
      const closedMs = await Promise.all(attack.map((c) => c.closed))
      const refused = attack.filter((c) => c.received().startsWith("HTTP/1.1 503"))
      const timedOut = attack.filter((c) => c.received().startsWith("HTTP/1.1 408"))
      expect(timedOut.length).toBe(limits.maxConnectionsPerClient)
      expect(refused.length).toBeGreaterThan(0)
      expect(refused[0]?.received()).toContain("limits.maxConnectionsPerClient")
      // Any other was closed before it could be answered (Node's hard cap, under a burst); none was served.
      expect(refused.length + timedOut.length).toBeGreaterThan(300 - 20)
      expect(Math.max(...closedMs)).toBeLessThan(limits.headersTimeoutMs + 2_000)
    }))

  it("answers a silent partial request with 408 at the headers deadline, and drops blank-line senders", () =>
    withServer({ limits }, async (server) => {
      const partial = rawConnection(server, "127.0.0.3")
      partial.socket.write("GET /test-bucket/k HTTP/1.1\r\nHost: x\r\n")
      const blank = rawConnection(server, "127.0.0.4")
      timers.push(setInterval(() => blank.socket.writable && blank.socket.write("\r\n"), 200))
      const [partialMs, blankMs] = await Promise.all([partial.closed, blank.closed])
      expect(partial.received()).toMatch(/^HTTP\/1\.1 408 /)
      expect(partial.received()).toContain("limits.headersTimeoutMs")
      expect(partialMs).toBeGreaterThanOrEqual(limits.headersTimeoutMs - 100)
      expect(partialMs).toBeLessThan(limits.headersTimeoutMs + 1_500)
      expect(blankMs).toBeLessThan(limits.headersTimeoutMs + 1_500)
    }))

  it("answers a body that stops arriving with 408, and closes idle keep-alive connections", () =>
    withServer({ limits }, async (server) => {
      const stalled = rawConnection(server, "127.0.0.5")
      stalled.socket.write("PUT /test-bucket/k HTTP/1.1\r\nHost: x\r\nContent-Length: 10\r\n\r\nabc")
      const idle = rawConnection(server, "127.0.0.6")
      idle.socket.write("GET /test-bucket/missing HTTP/1.1\r\nHost: x\r\n\r\n")
      const [stalledMs, idleMs] = await Promise.all([stalled.closed, idle.closed])
      expect(stalled.received()).toMatch(/^HTTP\/1\.1 408 /)
      expect(stalled.received()).toContain("limits.bodyIdleTimeoutMs")
      expect(stalledMs).toBeGreaterThanOrEqual(limits.bodyIdleTimeoutMs - 100)
      expect(stalledMs).toBeLessThan(limits.bodyIdleTimeoutMs + 1_500)
      expect(idle.received()).toMatch(/^HTTP\/1\.1 404 /)
      expect(idleMs).toBeGreaterThanOrEqual(limits.keepAliveTimeoutMs - 100)
      expect(idleMs).toBeLessThan(limits.keepAliveTimeoutMs + 1_500)
    }))

  it("at the global cap, makes room by closing a waiting connection of the client holding the most", () =>
    withServer({ limits: { ...limits, maxConnections: 10, maxConnectionsPerClient: 8 } }, async (server) => {
      const greedy = Array.from({ length: 8 }, () => rawConnection(server, "127.0.0.7"))
      const modest = Array.from({ length: 2 }, () => rawConnection(server, "127.0.0.8"))
      await Promise.all([...greedy, ...modest].map((c) => c.connected))
      await new Promise((resolve) => setTimeout(resolve, 100))
      const answer = await timedGet(server, "127.0.0.9")
      expect(answer.status).toBe(404)
      expect(greedy.filter((c) => c.socket.destroyed || c.socket.readableEnded).length).toBeGreaterThanOrEqual(1)
      expect(modest.every((c) => !c.socket.destroyed)).toBe(true)
    }))

  it("refuses out-of-range connection limits at start", async () => {
    await expect(withServer({ limits: { headersTimeoutMs: 5 } }, async () => undefined)).rejects.toMatchObject({
      _tag: "ServerStartError",
      reason: "options",
      message: expect.stringContaining("limits.headersTimeoutMs must be between 100")
    })
    await expect(
      withServer({ limits: { maxConnections: 10, maxConnectionsPerClient: 20 } }, async () => undefined)
    ).rejects.toMatchObject({ reason: "options" })
  })
})
