/**
 * A seeded HTTP proxy on 127.0.0.1 that injects the faults of a real network between the client and a store (the
 * local OSS server, or Ceph RGW): a connection dropped mid-body (the server gets part of the body, then both
 * sockets die, and it must not apply it), a response lost after the server applied the request, and a 500
 * InternalError / 503 SlowDown answered by the proxy itself (shaped as the store would) without forwarding.
 *
 * Requests go on with the client's own `Host` header, so a SigV4 signature (which covers it) still verifies at
 * the store: the client signed the proxy's address, and the store checks against the header it receives.
 *
 * It buffers each request body before acting, so a drop can cut the body at any byte, and it logs every request
 * with the run tag the test put in a header (see {@link ./ProxyLog.ts}), so invariants can be checked per run.
 */
import {
  type ClientRequest,
  createServer,
  request as httpRequest,
  type IncomingHttpHeaders,
  type ServerResponse
} from "node:http"
import type { AddressInfo } from "node:net"
import { type FaultRates, type LoggedRequest, makeProxyLog, prng } from "./ProxyLog.ts"
import { answerInjected, type ProxyDialect, passOn, tagHeader, withoutHopByHop } from "./proxyAnswers.ts"

export { type Fate, type FaultRates, type LoggedRequest, noFaults } from "./ProxyLog.ts"
export { tagHeader } from "./proxyAnswers.ts"

export interface FaultProxy {
  readonly url: string
  readonly log: ReadonlyArray<LoggedRequest>
  setRates(rates: FaultRates): void
  /** Resolves once `count` requests carrying `tag` have arrived: a crash point "after k requests". */
  reached(tag: string, count: number): Promise<void>
  /** Most part uploads of one tag held by the proxy at once. */
  maxPartsInFlight(tag: string): number
  close(): Promise<void>
}

export interface FaultProxyOptions {
  readonly target: { readonly host: string; readonly port: number }
  readonly seed: number
  /** Beyond this many requests every request is refused (`Capped`), so a runaway client cannot loop forever. */
  readonly maxRequests?: number
  /** Beyond this many bytes a request body is refused (the connection destroyed); default 8 MiB. */
  readonly maxBodyBytes?: number
  /** Whose error answers the proxy's own 500/503 imitate; default `"oss"`. */
  readonly dialect?: ProxyDialect
  /**
   * How long a cut body's prefix stays open before both sockets die; default 20 ms, so the server is past its
   * (asynchronous) signature check and reading the body. A drop during that check hits a server bug instead,
   * reproduced in AbortedBodyRepro.test.ts.
   */
  readonly dropDelayMs?: number
}

export const start = async (options: FaultProxyOptions): Promise<FaultProxy> => {
  const random = prng(options.seed)
  const maxBodyBytes = options.maxBodyBytes ?? 8 * 1024 * 1024
  const log = makeProxyLog(random, options.maxRequests ?? 5000)
  const upstreams = new Set<ClientRequest>()

  const server = createServer((req, res) => {
    const tag = req.headers[tagHeader]
    const { entry, release } = log.arrive(typeof tag === "string" ? tag : "", req.method ?? "GET", req.url ?? "/")
    // A client that goes away (an interrupted run) ends its request here, whatever the fate.
    res.on("close", release)
    const chunks: Array<Buffer> = []
    let size = 0
    req.on("data", (chunk: Buffer) => {
      size += chunk.length
      if (size > maxBodyBytes) req.destroy()
      else chunks.push(chunk)
    })
    req.on("end", () => act(entry, req.headers, Buffer.concat(chunks), res, release))
  })

  const act = (
    entry: LoggedRequest,
    headers: IncomingHttpHeaders,
    body: Buffer,
    res: ServerResponse,
    release: () => void
  ) => {
    const { fate, method } = entry
    const cut = () => {
      release()
      res.socket?.destroy()
    }
    if (fate === "InternalError" || fate === "SlowDown" || fate === "Capped") {
      release()
      return log.answered(entry, answerInjected(res, method, entry.seq, fate === "InternalError", options.dialect))
    }
    // Nothing to cut: the connection is lost before the request reaches the server.
    if (fate === "DropMidBody" && body.length === 0) return cut()
    // One fresh connection per request, closed after it: a cut then kills this request alone, and closing the
    // proxy leaves no idle keep-alive socket holding the server open.
    const upstream = httpRequest({
      host: options.target.host,
      port: options.target.port,
      method,
      path: entry.path,
      headers: { ...withoutHopByHop(headers), connection: "close" },
      agent: false
    })
    upstreams.add(upstream)
    upstream.on("close", () => upstreams.delete(upstream))
    upstream.on("error", cut)
    if (fate === "DropMidBody") {
      // Strictly less than the declared length, so the server sees a body that ends early.
      upstream.flushHeaders()
      upstream.write(body.subarray(0, Math.floor(random() * body.length)), () => {
        // A moment for the server to read the prefix, so it really holds half a body when the connection dies.
        setTimeout(() => {
          upstream.destroy()
          cut()
        }, options.dropDelayMs ?? 20)
      })
      return
    }
    upstream.on("response", (answer) => {
      const parts: Array<Buffer> = []
      answer.on("data", (chunk: Buffer) => parts.push(chunk))
      answer.on("end", () => {
        // The server has applied the request and answered; the client never hears of it.
        if (fate === "LoseResponse") return cut()
        release()
        log.answered(entry, passOn(res, method, answer, Buffer.concat(parts)))
      })
    })
    upstream.end(body)
  }

  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve))
  const { port } = server.address() as AddressInfo
  return {
    url: `http://127.0.0.1:${port}`,
    log: log.entries,
    setRates: log.setRates,
    reached: log.reached,
    maxPartsInFlight: log.maxPartsInFlight,
    close: async () => {
      log.close()
      const closed = new Promise<void>((resolve) => server.close(() => resolve()))
      server.closeAllConnections()
      for (const upstream of upstreams) upstream.destroy()
      await closed
    }
  }
}
