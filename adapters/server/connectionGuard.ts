/**
 * Keeps one slow or greedy client from locking everyone else out (slow-loris): a cap on connections per remote
 * address and in all, an absolute deadline for each request's headers (trickled bytes and blank lines do not extend
 * it, unlike Node's idle timers), a progress deadline for request bodies, and an idle deadline between requests.
 * Progress is read from `socket.bytesRead`, which counts what the HTTP parser consumed without taking the stream
 * away from it; one unref'd interval checks every connection, so the cost is one timer per server.
 *
 * @since 0.1.0
 */
import type { IncomingMessage, ServerResponse } from "node:http"
import type { Socket } from "node:net"
import type { ModelError } from "@resumable-upload/sim/MultipartModel"

/** @category models */
export interface GuardLimits {
  readonly maxConnections: number
  readonly maxConnectionsPerClient: number
  readonly headersTimeoutMs: number
  readonly bodyIdleTimeoutMs: number
  readonly keepAliveTimeoutMs: number
}

/** How the guard answers; the server writes the responses (raw on the socket, or through the request's response). */
export interface GuardAnswers {
  readonly refuse: (socket: Socket, error: ModelError) => void
  readonly headersTimedOut: (socket: Socket, error: ModelError) => void
  readonly bodyStalled: (req: IncomingMessage, res: ServerResponse, error: ModelError) => void
}

/** @category models */
export interface ConnectionGuard {
  /** The server's `connection` listener: admits, or refuses with 503. */
  readonly admit: (socket: Socket) => void
  /** The first thing the `request` listener calls. */
  readonly requestStarted: (req: IncomingMessage, res: ServerResponse) => void
  readonly stop: () => void
}

interface Tracked {
  readonly client: string
  waiting: boolean
  sinceMs: number
  bytesAtStart: number
  lastBytes: number
  lastProgressMs: number
  req?: IncomingMessage
  res?: ServerResponse
}

const seconds = (ms: number): string => `${Math.round(ms / 100) / 10} s`

/** The remote address a connection counts against; IPv4-mapped IPv6 counts as the IPv4 address. */
const clientOf = (socket: Socket): string => (socket.remoteAddress ?? "unknown").replace(/^::ffff:/, "")

/** @category constructors */
export const makeGuard = (limits: GuardLimits, answers: GuardAnswers): ConnectionGuard => {
  const tracked = new Map<Socket, Tracked>()
  const perClient = new Map<string, number>()
  const now = () => performance.now()

  const tooMany = (what: string, max: number, fix: string): ModelError => ({
    status: 503,
    code: "SlowDown",
    message: `Too many open connections ${what} (limit ${max}): ${fix}.`
  })

  // Room at the global cap: close the oldest waiting connection of the client holding the most, if it holds more.
  const evictFor = (client: string): boolean => {
    let victim: [Socket, Tracked] | undefined
    let victimCount = (perClient.get(client) ?? 0) + 1
    for (const entry of tracked) {
      const count = perClient.get(entry[1].client) ?? 0
      if (!entry[1].waiting || count <= victimCount) continue
      if (victim === undefined || count > (perClient.get(victim[1].client) ?? 0)) {
        victim = entry
        victimCount = count
      }
    }
    if (victim === undefined) return false
    victim[0].destroy()
    forget(victim[0])
    return true
  }

  const forget = (socket: Socket) => {
    const entry = tracked.get(socket)
    if (entry === undefined) return
    tracked.delete(socket)
    const count = (perClient.get(entry.client) ?? 1) - 1
    if (count <= 0) perClient.delete(entry.client)
    else perClient.set(entry.client, count)
  }

  const startWaiting = (socket: Socket, entry: Tracked) => {
    entry.waiting = true
    entry.sinceMs = now()
    entry.bytesAtStart = socket.bytesRead
    entry.lastBytes = entry.bytesAtStart
    delete entry.req
    delete entry.res
  }

  const admit = (socket: Socket) => {
    const client = clientOf(socket)
    if ((perClient.get(client) ?? 0) >= limits.maxConnectionsPerClient) {
      const fix = "reuse keep-alive connections, open fewer at once, or raise limits.maxConnectionsPerClient"
      return answers.refuse(socket, tooMany(`from ${client}`, limits.maxConnectionsPerClient, fix))
    }
    if (tracked.size >= limits.maxConnections && !evictFor(client)) {
      return answers.refuse(
        socket,
        tooMany("in all", limits.maxConnections, "retry later or raise limits.maxConnections")
      )
    }
    const t = now()
    tracked.set(socket, { client, waiting: true, sinceMs: t, bytesAtStart: 0, lastBytes: 0, lastProgressMs: t })
    perClient.set(client, (perClient.get(client) ?? 0) + 1)
    socket.once("close", () => forget(socket))
  }

  const requestStarted = (req: IncomingMessage, res: ServerResponse) => {
    const socket = req.socket
    const entry = tracked.get(socket)
    if (entry === undefined) return
    entry.waiting = false
    entry.lastProgressMs = now()
    entry.lastBytes = socket.bytesRead
    entry.req = req
    entry.res = res
    res.once("finish", () => {
      if (!socket.destroyed && entry.res === res) startWaiting(socket, entry)
    })
  }

  const check = (socket: Socket, entry: Tracked, t: number) => {
    const bytes = socket.bytesRead
    if (bytes !== entry.lastBytes) {
      entry.lastBytes = bytes
      entry.lastProgressMs = t
    }
    if (entry.waiting) {
      if (bytes === entry.bytesAtStart && t - entry.sinceMs >= limits.keepAliveTimeoutMs) {
        socket.destroy()
        return forget(socket)
      }
      if (t - entry.sinceMs >= limits.headersTimeoutMs) {
        forget(socket)
        const message = `The request line and headers did not arrive within ${seconds(limits.headersTimeoutMs)}: send them at once (limits.headersTimeoutMs).`
        return answers.headersTimedOut(socket, { status: 408, code: "RequestTimeout", message })
      }
      return
    }
    const { req, res } = entry
    // Bytes buffered but not yet consumed: the server is behind (e.g. backpressure from the disk), not the client.
    if (req !== undefined && req.readableLength > 0) entry.lastProgressMs = t
    if (
      req !== undefined &&
      res !== undefined &&
      !req.complete &&
      t - entry.lastProgressMs >= limits.bodyIdleTimeoutMs
    ) {
      forget(socket)
      const message = `No byte of the request body arrived for ${seconds(limits.bodyIdleTimeoutMs)}: send the body without pauses (limits.bodyIdleTimeoutMs).`
      answers.bodyStalled(req, res, { status: 408, code: "RequestTimeout", message })
    }
  }

  const tickMs = Math.max(
    20,
    Math.min(1000, Math.min(limits.headersTimeoutMs, limits.bodyIdleTimeoutMs, limits.keepAliveTimeoutMs) / 10)
  )
  const timer = setInterval(() => {
    const t = now()
    for (const [socket, entry] of tracked) check(socket, entry, t)
  }, tickMs)
  timer.unref()

  return { admit, requestStarted, stop: () => clearInterval(timer) }
}
