/**
 * The fault proxy's bookkeeping, apart from its sockets: the seeded choice of each request's fate, the log of
 * every request with its run tag, waiters for "after k requests of this run", and part uploads in flight.
 *
 * Times are ticks of one counter rather than clock readings, so "answered before that one arrived" is exact.
 */

export type Fate = "Forward" | "DropMidBody" | "LoseResponse" | "InternalError" | "SlowDown" | "Capped"

/** Per-request probabilities; what is left over is `Forward`. */
export interface FaultRates {
  readonly dropMidBody: number
  readonly loseResponse: number
  readonly internalError: number
  readonly slowDown: number
}

export const noFaults: FaultRates = { dropMidBody: 0, loseResponse: 0, internalError: 0, slowDown: 0 }

export interface LoggedRequest {
  readonly seq: number
  readonly tag: string
  readonly method: string
  /** Path and query, as the client sent them. */
  readonly path: string
  readonly fate: Fate
  /** The status the client got (the server's, or the proxy's own 5xx); `undefined` when it got none. */
  status: number | undefined
  readonly arrivedAt: number
  /** When the answer was handed to the client; `undefined` when it never was. */
  answeredAt: number | undefined
}

/** mulberry32: small, seedable, good enough to pick fates. */
export const prng = (seed: number): (() => number) => {
  let a = seed >>> 0
  return () => {
    a = (a + 0x6d2b79f5) >>> 0
    let t = a
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
}

const isPartUpload = (method: string, path: string) => method === "PUT" && /[?&]partNumber=/.test(path)

export const makeProxyLog = (random: () => number, maxRequests: number) => {
  let rates = noFaults
  let tick = 0
  const entries: Array<LoggedRequest> = []
  const countByTag = new Map<string, number>()
  const waiters = new Set<{ readonly tag: string; readonly count: number; readonly resolve: () => void }>()
  const partsInFlight = new Map<string, number>()
  const partsMax = new Map<string, number>()

  const pickFate = (): Fate => {
    if (entries.length >= maxRequests) return "Capped"
    let r = random()
    const table = [
      ["DropMidBody", rates.dropMidBody],
      ["LoseResponse", rates.loseResponse],
      ["InternalError", rates.internalError],
      ["SlowDown", rates.slowDown]
    ] as const
    for (const [fate, p] of table) {
      if (r < p) return fate
      r -= p
    }
    return "Forward"
  }

  return {
    entries: entries as ReadonlyArray<LoggedRequest>,
    setRates: (next: FaultRates) => {
      rates = next
    },
    /** Logs an arriving request with its fate; the returned `release` ends its time in flight, once. */
    arrive: (tag: string, method: string, path: string) => {
      const entry: LoggedRequest = {
        seq: entries.length,
        tag,
        method,
        path,
        fate: pickFate(),
        status: undefined,
        arrivedAt: tick++,
        answeredAt: undefined
      }
      entries.push(entry)
      const count = (countByTag.get(tag) ?? 0) + 1
      countByTag.set(tag, count)
      for (const w of waiters) {
        if (w.tag !== tag || count < w.count) continue
        waiters.delete(w)
        w.resolve()
      }
      const part = isPartUpload(method, path)
      if (part) {
        const now = (partsInFlight.get(tag) ?? 0) + 1
        partsInFlight.set(tag, now)
        partsMax.set(tag, Math.max(partsMax.get(tag) ?? 0, now))
      }
      let released = !part
      const release = () => {
        if (released) return
        released = true
        partsInFlight.set(tag, (partsInFlight.get(tag) ?? 1) - 1)
      }
      return { entry, release }
    },
    answered: (entry: LoggedRequest, status: number) => {
      entry.status = status
      entry.answeredAt = tick++
    },
    reached: (tag: string, count: number) =>
      new Promise<void>((resolve) => {
        if ((countByTag.get(tag) ?? 0) >= count) resolve()
        else waiters.add({ tag, count, resolve })
      }),
    maxPartsInFlight: (tag: string) => partsMax.get(tag) ?? 0,
    /** Pending waiters are dropped: their runs are over, and nothing awaits them any more. */
    close: () => waiters.clear()
  }
}
