/**
 * A transparent HTTP proxy in front of a store, logging every request it passes on: method, path and query, the
 * answer's status and CORS headers, or that the client gave up first. The browser tests point the page at it to
 * count UploadPart requests per part number and to see the CORS preflights, on the wire rather than in the page.
 *
 * It forwards the `Host` header untouched, so SigV4 signatures (which sign the host the browser used) still verify
 * at the store behind it. It can also hold back the requests a predicate picks until `release` (a test that must
 * interrupt a page while a given part is still in flight).
 */
import * as http from "node:http"
import type { AddressInfo } from "node:net"

/** One request as the proxy saw it. */
export interface ProxyEntry {
  readonly method: string
  readonly path: string
  readonly query: Readonly<Record<string, string>>
  readonly origin: string | undefined
  /** The store's status; 0 when the client went away (an interrupted part) before the answer came. */
  status: number
  /** Request body bytes the client sent through the proxy (all of them, also of a request cut off midway). */
  requestBytes: number
  allowOrigin: string | undefined
  exposeHeaders: string | undefined
  /**
   * Order of events at the proxy (one counter for all entries): when the request arrived, and when it ended (the
   * store's answer arrived, or the client went away first). Lets a test count requests in flight at once exactly.
   */
  readonly arrivedSeq: number
  endedSeq: number | undefined
}

export interface CountingProxy {
  readonly url: string
  /** Every request so far, in arrival order. */
  readonly log: ReadonlyArray<ProxyEntry>
  /** Holds back every later request that `matches`, until `release`. */
  readonly hold: (matches: (entry: ProxyEntry) => boolean) => void
  /** Forwards the held requests whose client is still there, and stops holding. */
  readonly release: () => void
  readonly close: () => Promise<void>
}

const one = (value: string | Array<string> | undefined) => (Array.isArray(value) ? value.join(", ") : value)

/** Most entries `matching` in flight at once (from their arrival to their end, see {@link ProxyEntry}). */
export const peakInFlight = (log: ReadonlyArray<ProxyEntry>, matching: (entry: ProxyEntry) => boolean): number => {
  const events = log
    .filter(matching)
    .flatMap((e) => [
      [e.arrivedSeq, 1],
      [e.endedSeq ?? Number.MAX_SAFE_INTEGER, -1]
    ])
    .sort((a, b) => (a[0] ?? 0) - (b[0] ?? 0))
  let now = 0
  let peak = 0
  for (const [, delta] of events) {
    now += delta ?? 0
    peak = Math.max(peak, now)
  }
  return peak
}

/** Starts a proxy on 127.0.0.1 that forwards to `target` (`http://host:port`). */
export const startCountingProxy = async (target: string): Promise<CountingProxy> => {
  const upstream = new URL(target)
  const agent = new http.Agent({ keepAlive: true })
  const log: Array<ProxyEntry> = []
  let seq = 0
  let holding: ((entry: ProxyEntry) => boolean) | undefined
  let held: Array<() => void> = []
  const server = http.createServer((req, res) => {
    const url = new URL(req.url ?? "/", "http://proxy")
    const entry: ProxyEntry = {
      method: req.method ?? "",
      path: url.pathname,
      query: Object.fromEntries(url.searchParams),
      origin: one(req.headers.origin),
      status: 0,
      requestBytes: 0,
      allowOrigin: undefined,
      exposeHeaders: undefined,
      arrivedSeq: seq++,
      endedSeq: undefined
    }
    log.push(entry)
    res.on("close", () => {
      entry.endedSeq ??= seq++
    })
    const forwardRequest = () => {
      const forward = http.request(
        {
          agent,
          host: upstream.hostname,
          port: upstream.port,
          method: req.method,
          path: req.url,
          headers: req.headers
        },
        (answer) => {
          entry.endedSeq ??= seq++
          entry.status = answer.statusCode ?? 0
          entry.allowOrigin = one(answer.headers["access-control-allow-origin"])
          entry.exposeHeaders = one(answer.headers["access-control-expose-headers"])
          res.writeHead(entry.status, answer.headers)
          answer.pipe(res)
        }
      )
      forward.on("error", () => res.destroy())
      // The browser aborting an interrupted part must abort it at the store too, as it would without the proxy.
      res.on("close", () => {
        if (!res.writableFinished) forward.destroy()
      })
      // Counted here, where the body starts flowing: a held request's body must wait for its release.
      req.on("data", (chunk: Buffer) => {
        entry.requestBytes += chunk.length
      })
      req.pipe(forward)
    }
    if (holding?.(entry) !== true) return forwardRequest()
    let gone = false
    res.on("close", () => {
      gone = true
    })
    held.push(() => (gone ? undefined : forwardRequest())) // a client that gave up while held is not forwarded
  })
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject)
    server.listen(0, "127.0.0.1", () => resolve())
  })
  const close = () =>
    new Promise<void>((resolve) => {
      server.closeAllConnections()
      agent.destroy()
      server.close(() => resolve())
    })
  const hold = (matches: (entry: ProxyEntry) => boolean) => {
    holding = matches
  }
  const release = () => {
    holding = undefined
    const waiting = held
    held = []
    for (const send of waiting) send()
  }
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, log, hold, release, close }
}
