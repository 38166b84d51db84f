/**
 * One limit on parts in flight shared by several uploads (`partSlots(4)` given to each `upload()`): a page sending
 * many files at once keeps the browser's connections, and the user's uplink, to a bound it chooses, instead of
 * each upload's `parallelism` adding up. It wraps `fetch`: an UploadPart request (a PUT with `partNumber` and
 * `uploadId` in its query, in both dialects and in presigned URLs) waits for a slot, held until its answer's
 * headers arrive (the body has been sent by then) or it fails. Other requests (sign, list, complete) never wait,
 * so a waiting part cannot block the requests that would free a slot.
 *
 * @since 0.2.0
 */

/** @category models */
export interface PartSlots {
  readonly limit: number
  /** Parts being sent now. */
  readonly inFlight: () => number
  /** Most parts sent at once so far. */
  readonly peak: () => number
  /** A `fetch` that takes a slot for every part it sends. */
  readonly fetch: typeof globalThis.fetch
}

const isPart = (input: RequestInfo | URL, init: RequestInit | undefined): boolean => {
  const method = (init?.method ?? (input instanceof Request ? input.method : "GET")).toUpperCase()
  if (method !== "PUT") return false
  const url = new URL(input instanceof Request ? input.url : String(input), "http://relative")
  return url.searchParams.has("partNumber") && url.searchParams.has("uploadId")
}

const abortReason = (signal: AbortSignal): unknown => signal.reason ?? new DOMException("aborted", "AbortError")

/** @category constructors */
export const partSlots = (limit: number, base?: typeof globalThis.fetch): PartSlots => {
  if (!Number.isSafeInteger(limit) || limit < 1 || limit > 1000) {
    throw new RangeError(`partSlots: limit must be an integer 1 … 1000, got ${limit}`)
  }
  let inFlight = 0
  let peak = 0
  const waiting: Array<() => void> = []
  const release = () => {
    inFlight -= 1
    waiting.shift()?.()
  }
  const acquire = (signal: AbortSignal | null | undefined): Promise<void> => {
    if (signal?.aborted) return Promise.reject(abortReason(signal))
    if (inFlight < limit) {
      inFlight += 1
      peak = Math.max(peak, inFlight)
      return Promise.resolve()
    }
    return new Promise((resolve, reject) => {
      const take = () => {
        signal?.removeEventListener("abort", onAbort)
        inFlight += 1
        peak = Math.max(peak, inFlight)
        resolve()
      }
      const onAbort = () => {
        const at = waiting.indexOf(take)
        if (at !== -1) waiting.splice(at, 1)
        reject(abortReason(signal as AbortSignal))
      }
      signal?.addEventListener("abort", onAbort, { once: true })
      waiting.push(take)
    })
  }
  const send = base ?? ((input, init) => globalThis.fetch(input, init))
  const fetch: typeof globalThis.fetch = async (input, init) => {
    if (!isPart(input, init)) return send(input, init)
    await acquire(init?.signal ?? (input instanceof Request ? input.signal : undefined))
    try {
      return await send(input, init)
    } finally {
      release()
    }
  }
  return { limit, inFlight: () => inFlight, peak: () => peak, fetch }
}
