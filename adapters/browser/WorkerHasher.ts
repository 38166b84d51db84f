/**
 * A {@link Hasher} for pages that hashes parts in Web Workers ({@link ./hashWorker.ts}), so the main thread stays
 * responsive during a large upload: the page's own work (rendering, input) never waits behind a part's MD5 and
 * CRC-64. `md5`/`crc64` (small bodies: the Complete XML) stay on the main thread; `digestPart` goes to the worker
 * with the fewest parts queued, copied to it in 512 KiB chunks, one per task (the upload still sends the original).
 *
 * One pool serves every upload given its `layer`: create it once per page, `terminate()` it when done.
 *
 * @since 0.2.0
 */
import { Hasher, type PartDigest, pureCrc64 } from "@resumable-upload/core/ports/Hasher"
import * as PortableHasher from "@resumable-upload/portable/PortableHasher"
import * as Layer from "effect/Layer"
import type { HashAnswer } from "./hashWorker.ts"

/** @category models */
export interface WorkerHasherOptions {
  /** Starts one hash worker, e.g. `() => new Worker(url, { type: "module" })`. */
  readonly createWorker: () => Worker
  /** Workers in the pool; default 2 (1 on a single-core machine), at most 8. */
  readonly workers?: number
}

/** @category models */
export interface WorkerHasher {
  readonly layer: Layer.Layer<Hasher>
  /** Parts hashed by the workers so far. */
  readonly partsHashed: () => number
  /** Stops the workers; parts still being hashed fail the upload as a defect. */
  readonly terminate: () => void
}

interface Pending {
  readonly resolve: (digest: PartDigest) => void
  readonly reject: (error: Error) => void
}

/** Bytes copied and posted per main-thread task. */
const chunkBytes = 512 * 1024

/** Resolves in a later task (a MessageChannel message: no timer clamping), so input and rendering get a turn. */
const nextTask = (): Promise<void> =>
  new Promise((resolve) => {
    const channel = new MessageChannel()
    channel.port1.onmessage = () => {
      channel.port1.close()
      resolve()
    }
    channel.port2.postMessage(undefined)
  })

/** @category constructors */
export const workerHasher = (options: WorkerHasherOptions): WorkerHasher => {
  const cores = typeof navigator === "undefined" ? 2 : (navigator.hardwareConcurrency ?? 2)
  const size = Math.min(8, Math.max(1, options.workers ?? Math.min(2, cores - 1)))
  let nextId = 0
  let hashed = 0
  const pool = Array.from({ length: size }, () => {
    const worker = options.createWorker()
    const pending = new Map<number, Pending>()
    worker.addEventListener("message", (event: MessageEvent<HashAnswer>) => {
      const answer = event.data
      const waiting = pending.get(answer.id)
      pending.delete(answer.id)
      if ("error" in answer) waiting?.reject(new Error(`hash worker: ${answer.error}`))
      else {
        hashed += 1
        waiting?.resolve({ md5: answer.md5, crc64: answer.crc64 })
      }
    })
    worker.addEventListener("error", (event) => {
      for (const p of pending.values()) p.reject(new Error(`hash worker failed: ${event.message}`))
      pending.clear()
    })
    return { worker, pending }
  })
  const digestPart = (bytes: Uint8Array): Promise<PartDigest> =>
    new Promise((resolve, reject) => {
      const least = pool.reduce((a, b) => (b.pending.size < a.pending.size ? b : a))
      const id = nextId++
      least.pending.set(id, { resolve, reject })
      // One chunk per task: copying a whole part at once is itself a long task (≈60 ms for 16 MiB here).
      const send = async () => {
        for (let offset = 0; offset < bytes.length; offset += chunkBytes) {
          const chunk = bytes.slice(offset, offset + chunkBytes)
          least.worker.postMessage({ id, chunk }, [chunk.buffer])
          await nextTask()
        }
        least.worker.postMessage({ id, end: true })
      }
      void send()
    })
  const layer = Layer.succeed(Hasher, Hasher.of({ md5: PortableHasher.md5, crc64: pureCrc64, digestPart }))
  const terminate = () => {
    for (const { worker, pending } of pool) {
      worker.terminate()
      for (const p of pending.values()) p.reject(new Error("hash worker terminated"))
      pending.clear()
    }
  }
  return { layer, partsHashed: () => hashed, terminate }
}
