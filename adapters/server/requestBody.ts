/**
 * Reads a request body into memory, bounded three ways: the declared `Content-Length` against a per-request cap
 * (checked before a byte is read), the bytes actually received against the same cap (for chunked bodies), and all
 * bodies in flight together against a shared {@link InFlightBudget}, so many parallel uploads cannot exhaust memory.
 *
 * @since 0.1.0
 */
import type { IncomingMessage } from "node:http"
import type { ModelError } from "@resumable-upload/sim/MultipartModel"
import * as ServerErrors from "./serverErrors.ts"

/** Bytes reserved by bodies being received; shared by every request of one server. @category models */
export class InFlightBudget {
  private usedBytes = 0
  readonly maxBytes: number

  constructor(maxBytes: number) {
    this.maxBytes = maxBytes
  }

  tryReserve(bytes: number): boolean {
    if (this.usedBytes + bytes > this.maxBytes) return false
    this.usedBytes += bytes
    return true
  }

  release(bytes: number): void {
    this.usedBytes = Math.max(0, this.usedBytes - bytes)
  }
}

/**
 * `aborted` is set when the client went away mid-body: there is nobody to answer, so the caller just drops it.
 *
 * @category models
 */
export type BodyResult =
  | { readonly ok: true; readonly bytes: Uint8Array }
  | { readonly ok: false; readonly error: ModelError; readonly aborted?: true }

/** @category models */
export interface BodyLimits {
  readonly maxBytes: number
  /** UploadPart: OSS needs the length up front (411 without it); PutObject also accepts chunked bodies. */
  readonly requireLength: boolean
  /** Turns an over-cap body into this error instead of `EntityTooLarge` (the Complete XML cap). */
  readonly tooLarge?: (maxBytes: number) => ModelError
  readonly budget: InFlightBudget
}

/** The `Content-Length` header as a number; `null` when absent, `undefined` when malformed. */
export const declaredLength = (req: IncomingMessage): number | null | undefined => {
  const header = req.headers["content-length"]
  if (header === undefined) return null
  return /^\d{1,16}$/.test(header) ? Number(header) : undefined
}

/** Reads the whole body, or says why not. Never rejects. @category constructors */
export const readBody = (req: IncomingMessage, limits: BodyLimits): Promise<BodyResult> => {
  const tooLarge = (size: number | undefined): BodyResult => ({
    ok: false,
    error: limits.tooLarge?.(limits.maxBytes) ?? ServerErrors.entityTooLarge(size, limits.maxBytes)
  })
  const length = declaredLength(req)
  const chunked = req.headers["transfer-encoding"] !== undefined
  if (length === undefined) {
    return Promise.resolve({
      ok: false,
      error: ServerErrors.invalidArgument("Content-Length", "", "Bad Content-Length.")
    })
  }
  if (length === null && (limits.requireLength || !chunked)) {
    // No length and no chunking means an empty body by HTTP/1.1 framing; only parts insist on an explicit length.
    if (limits.requireLength) return Promise.resolve({ ok: false, error: ServerErrors.missingContentLength() })
    return Promise.resolve({ ok: true, bytes: new Uint8Array(0) })
  }
  if (length !== null && length > limits.maxBytes) return Promise.resolve(tooLarge(length))
  // Chunked bodies reserve the cap: their size is unknown until the end.
  const reservedBytes = length ?? limits.maxBytes
  if (!limits.budget.tryReserve(reservedBytes)) return Promise.resolve({ ok: false, error: ServerErrors.serverBusy() })

  return new Promise<BodyResult>((resolve) => {
    // A declared length is filled in place, so a 1 GiB part costs 1 GiB, not chunks plus a concatenated copy.
    const preallocated = length === null ? undefined : new Uint8Array(length)
    const chunks: Array<Uint8Array> = []
    let receivedBytes = 0
    let settled = false
    const settle = (result: BodyResult) => {
      if (settled) return
      settled = true
      limits.budget.release(reservedBytes)
      req.off("data", onData)
      req.off("end", onEnd)
      req.off("error", onAbort)
      req.off("close", onClose)
      resolve(result)
    }
    const onData = (chunk: Buffer) => {
      receivedBytes += chunk.length
      if (receivedBytes > limits.maxBytes) {
        chunks.length = 0
        req.pause()
        settle(tooLarge(undefined))
        return
      }
      if (preallocated === undefined) chunks.push(chunk)
      // Node's parser keeps a body within its Content-Length; checked anyway, as a throw here would be uncaught.
      else if (receivedBytes <= preallocated.length) preallocated.set(chunk, receivedBytes - chunk.length)
      else onAbort()
    }
    const onEnd = () => {
      if (preallocated !== undefined) {
        return receivedBytes === preallocated.length ? settle({ ok: true, bytes: preallocated }) : onAbort()
      }
      const bytes = new Uint8Array(receivedBytes)
      let offset = 0
      for (const chunk of chunks) {
        bytes.set(chunk, offset)
        offset += chunk.length
      }
      settle({ ok: true, bytes })
    }
    const onAbort = () => settle({ ok: false, error: ServerErrors.internalError(), aborted: true })
    const onClose = () => {
      if (!req.complete) onAbort()
    }
    req.on("data", onData)
    req.on("end", onEnd)
    req.on("error", onAbort)
    req.on("close", onClose)
    // The client may have gone while the signature was being checked (asynchronously): then "close" has already
    // fired and would never fire again, leaving this read and its reserved budget hanging forever.
    if ((req.destroyed || req.readableAborted) && !req.complete) onAbort()
  })
}
