/**
 * A Node {@link Hasher} that hashes whole parts in a bounded pool of worker threads ({@link ./NodeHashWorker.ts}), so
 * the MD5 (and CRC-64, where the store verifies one) of one part runs on another core while earlier parts are on the
 * wire, and the event loop that drives the sockets never stalls for a part's hash (≈12 ms per 8 MiB of MD5 here).
 * `md5`/`crc64` for small bodies (the Complete XML, DeleteObjects) stay on this thread, from {@link ./NodeHasher.ts}.
 *
 * No copies: a part that owns its whole ArrayBuffer (as file reads do) is transferred to the worker and back, and
 * handed back as the digest's `bytes`, which the engine then sends (copying 8 MiB into a fresh buffer cost more main-
 * thread time than the MD5 saved: page faults and GC). Views into a shared or larger buffer are copied into a buffer
 * that comes back for reuse.
 * Workers are ref'd only while they hash, so an idle pool never keeps the process alive, and closing the layer
 * terminates them. A worker that dies fails its parts with a {@link HashWorkerError} and is replaced on next use.
 *
 * @since 0.2.0
 */
import { availableParallelism } from "node:os"
import { Worker } from "node:worker_threads"
import { type DigestOptions, Hasher, type PartDigest } from "@resumable-upload/core/ports/Hasher"
import * as Data from "effect/Data"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import * as NodeHasher from "./NodeHasher.ts"
import type { HashReply, HashTask } from "./NodeHashWorker.ts"

/** Hashing a part in a worker thread failed: the worker could not start, died, or threw. @category errors */
export class HashWorkerError extends Data.TaggedError("HashWorkerError")<{ readonly message: string }> {}

/** At most this many hash workers, whatever the machine: beyond it the wire, not hashing, is the limit. */
export const workersMax = 8

/**
 * Workers for an upload of `parallelism` parts in flight: one per part that can be hashed at once, leaving a core
 * for the event loop (and never fewer than one, which still takes hashing off it). @category utils
 */
export const poolSizeFor = (parallelism: number, cores: number = availableParallelism()): number =>
  Math.max(1, Math.min(workersMax, parallelism, cores - 1))

/** @category models */
export interface NodeWorkerHasherOptions {
  /** Workers in the pool; default {@link poolSizeFor} the default parallelism (3). */
  readonly workers?: number
  /** The worker's module; defaults to NodeHashWorker next to this file (tests point it elsewhere). */
  readonly workerUrl?: URL
}

interface Slot {
  worker: Worker | undefined
  readonly pending: Map<
    number,
    { resolve: (d: PartDigest) => void; reject: (e: HashWorkerError) => void; readonly moved: boolean }
  >
}

/** Whether `bytes` can travel to a worker and back whole: it alone views a plain (not shared) ArrayBuffer. */
const movable = (bytes: Uint8Array): boolean =>
  bytes.buffer instanceof ArrayBuffer && bytes.byteOffset === 0 && bytes.byteLength === bytes.buffer.byteLength

const defaultWorkerUrl = (): URL =>
  new URL(import.meta.url.endsWith(".ts") ? "./NodeHashWorker.ts" : "./NodeHashWorker.js", import.meta.url)

const fix = "NodeHashWorker.js must sit next to NodeWorkerHasher.js (a bundler needs it as an entry of its own)"

/** The pool behind the layer: `digestPart`, the parts hashed so far, the live workers, and `close`. @category constructors */
export const makePool = (options: NodeWorkerHasherOptions = {}) => {
  const size = Math.max(1, Math.min(workersMax, options.workers ?? poolSizeFor(3)))
  const url = options.workerUrl ?? defaultWorkerUrl()
  // Sources loaded as .ts (tests, tsx) resolve the workspace packages to their sources too.
  const execArgv = url.pathname.endsWith(".ts") ? ["--conditions=@resumable-upload/source"] : []
  const slots: Array<Slot> = Array.from({ length: size }, () => ({ worker: undefined, pending: new Map() }))
  // Buffers handed back by the workers, for the next copies; at most one per worker, so idle memory stays bounded.
  const spare: Array<ArrayBuffer> = []
  let nextId = 0
  let hashed = 0
  let closed = false

  const failAll = (slot: Slot, message: string) => {
    for (const p of slot.pending.values()) p.reject(new HashWorkerError({ message }))
    slot.pending.clear()
  }
  const start = (slot: Slot): Worker => {
    const worker = new Worker(url, { execArgv })
    worker.unref()
    worker.on("message", (reply: HashReply) => {
      const waiting = slot.pending.get(reply.id)
      slot.pending.delete(reply.id)
      if (slot.pending.size === 0) worker.unref()
      if (waiting?.moved !== true && spare.length < size) spare.push(reply.bytes.buffer as ArrayBuffer)
      if ("error" in reply) {
        waiting?.reject(new HashWorkerError({ message: `digestPart: the hash worker threw: ${reply.error}` }))
        return
      }
      hashed += 1
      const moved = waiting?.moved === true ? { bytes: reply.bytes } : {}
      const crc = reply.crc64 === undefined ? {} : { crc64: reply.crc64 }
      waiting?.resolve({ md5: reply.md5, ...crc, ...moved })
    })
    const lost = (why: string) => {
      if (slot.worker !== worker) return
      slot.worker = undefined
      failAll(slot, `digestPart: the hash worker ${why}; ${fix}`)
    }
    worker.on("error", (e) => lost(`failed: ${e.message}`))
    worker.on("exit", (code) => lost(`exited with code ${code}`))
    return worker
  }
  const bufferFor = (lengthBytes: number): Uint8Array => {
    const index = spare.findIndex((b) => b.byteLength >= lengthBytes)
    const buffer = index < 0 ? new ArrayBuffer(lengthBytes) : spare.splice(index, 1)[0]
    return new Uint8Array(buffer ?? new ArrayBuffer(lengthBytes), 0, lengthBytes)
  }

  const digestPart = (bytes: Uint8Array, want: DigestOptions): Promise<PartDigest> =>
    new Promise((resolve, reject) => {
      if (closed) return reject(new HashWorkerError({ message: "digestPart: the hasher's layer is closed" }))
      const slot = slots.reduce((a, b) => (b.pending.size < a.pending.size ? b : a))
      const worker = slot.worker ?? start(slot)
      slot.worker = worker
      const id = nextId++
      if (slot.pending.size === 0) worker.ref()
      const post = (moved: boolean) => {
        slot.pending.set(id, { resolve, reject, moved })
        const sent = moved ? bytes : bufferFor(bytes.length)
        if (!moved) sent.set(bytes)
        worker.postMessage({ id, bytes: sent, crc64: want.crc64 } satisfies HashTask, [sent.buffer as ArrayBuffer])
      }
      try {
        post(movable(bytes))
      } catch {
        post(false) // an untransferable buffer (Node marks some so): copied instead
      }
    })

  const close = async (): Promise<void> => {
    closed = true
    spare.length = 0
    await Promise.all(
      slots.map(async (slot) => {
        const worker = slot.worker
        slot.worker = undefined
        failAll(slot, "digestPart: the hasher's layer closed while the part was being hashed")
        await worker?.terminate()
      })
    )
  }
  const liveWorkers = () => slots.filter((s) => s.worker !== undefined).length
  return { digestPart, partsHashed: () => hashed, liveWorkers, size, close }
}

/** The Node hasher with parts hashed in worker threads; the workers end when the layer closes. @category layers */
export const layer = (options: NodeWorkerHasherOptions = {}): Layer.Layer<Hasher> =>
  Layer.effect(
    Hasher,
    Effect.gen(function* () {
      const inThread = yield* Hasher
      const pool = yield* Effect.acquireRelease(
        Effect.sync(() => makePool(options)),
        (p) => Effect.promise(p.close)
      )
      return Hasher.of({ md5: inThread.md5, crc64: inThread.crc64, digestPart: pool.digestPart })
    })
  ).pipe(Layer.provide(NodeHasher.layer))
