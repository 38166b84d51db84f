/**
 * The simulated world of one scenario: store model, network, clock, checkpoint disk, source and a scheduler
 * that runs fibers only when the controller drains it.
 *
 * Nothing here reads real time or real randomness: the seed decides everything, so the same seed replays the same
 * run on Node, Deno and in a browser.
 *
 * @since 0.1.0
 */
import * as Effect from "effect/Effect"
import * as Scheduler from "effect/Scheduler"
import * as ChunkedStreamSource from "../../adapters/portable/ChunkedStreamSource.ts"
import * as MemoryByteSource from "../../adapters/portable/MemoryByteSource.ts"
import { MultipartModel } from "../../adapters/sim/MultipartModel.ts"
import { SimClock } from "../../adapters/sim/SimClock.ts"
import { SimNetwork } from "../../adapters/sim/SimNetwork.ts"
import type { DialectLimits } from "../../core/Limits.ts"
import type { ByteSource } from "../../core/ports/ByteSource.ts"
import { CheckpointLocked, type CheckpointStorage } from "../../core/ports/CheckpointStore.ts"
import type { StreamSource } from "../../core/ports/StreamSource.ts"

/** mulberry32: tiny, fast, and identical on every JavaScript engine. @category models */
export class Prng {
  private state: number
  constructor(seed: number) {
    this.state = seed >>> 0
  }
  next(): number {
    this.state = (this.state + 0x6d2b79f5) >>> 0
    let t = this.state
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
  chance(p: number): boolean {
    return this.next() < p
  }
  int(maxExclusive: number): number {
    return Math.floor(this.next() * maxExclusive)
  }
  bytes(length: number): Uint8Array {
    return Uint8Array.from({ length }, () => this.int(256))
  }
}

/**
 * A checkpoint disk whose last write a crash can tear or lose. A torn `set` keeps a prefix of the new text (a store
 * whose writes are not atomic); a torn `append` keeps what was there and a prefix of the appended record.
 * @category models
 */
export class SimDisk {
  readonly files = new Map<string, string>()
  private readonly previous = new Map<string, string | undefined>()
  private readonly locks = new Set<string>()
  /** Upload ids written into a checkpoint since the last `crash` (that is, by the current run). */
  readonly savedUploadIds = new Set<string>()
  private lastWritten: string | undefined
  /** The text the last write added at the end (all of it for a `set`), which a crash can tear. */
  private lastAdded = ""
  readonly persistent: boolean
  readonly storage: CheckpointStorage

  constructor(persistent: boolean) {
    this.persistent = persistent
    this.storage = this.makeStorage()
  }

  private makeStorage = (): CheckpointStorage => ({
    persistent: this.persistent,
    get: (id) => Effect.sync(() => this.files.get(id)),
    set: (id, text) =>
      Effect.sync(() => {
        this.previous.set(id, this.files.get(id))
        this.files.set(id, text)
        this.lastWritten = id
        this.lastAdded = text
        const match = /"uploadId":"([^"]*)"/.exec(text)
        if (match?.[1] !== undefined) this.savedUploadIds.add(match[1])
      }),
    append: (id, text) =>
      Effect.sync(() => {
        const before = this.files.get(id)
        if (before === undefined) throw new Error(`append to checkpoint ${id}, which is not there`)
        this.previous.set(id, before)
        this.files.set(id, before + text)
        this.lastWritten = id
        this.lastAdded = text
      }),
    remove: (id) =>
      Effect.sync(() => {
        this.files.delete(id)
        this.lastWritten = undefined
      }),
    ids: Effect.sync(() => [...this.files.keys()]),
    lock: (id) =>
      Effect.acquireRelease(
        Effect.suspend(() => {
          if (this.locks.has(id))
            return Effect.fail(new CheckpointLocked({ checkpointId: id, message: "held by another run" }))
          this.locks.add(id)
          return Effect.void
        }),
        () => Effect.sync(() => this.locks.delete(id))
      )
  })

  /** What a crash does to the disk. Returns the fault applied, if any ("TornRecord": a torn append). */
  crash(prng: Prng, tornP: number, lostP: number): "Torn" | "TornRecord" | "Lost" | "Wiped" | undefined {
    this.locks.clear() // the process that held them is gone
    this.savedUploadIds.clear()
    if (!this.persistent) {
      this.files.clear()
      return "Wiped"
    }
    const id = this.lastWritten
    this.lastWritten = undefined
    if (id === undefined) return undefined
    const text = this.files.get(id)
    if (text !== undefined && prng.chance(tornP)) {
      const kept = text.length - this.lastAdded.length
      this.files.set(id, text.slice(0, kept + prng.int(this.lastAdded.length)))
      return kept === 0 ? "Torn" : "TornRecord"
    }
    if (prng.chance(lostP)) {
      const before = this.previous.get(id)
      if (before === undefined) this.files.delete(id)
      else this.files.set(id, before)
      return "Lost"
    }
    return undefined
  }
}

/** A source whose content can change between runs, as a file edited by someone else would. @category models */
export class SimSource {
  readonly versions: Array<Uint8Array> = []
  lastModifiedMs = 1_700_000_000_000
  private readonly prng: Prng
  readonly name: string
  constructor(prng: Prng, sizeBytes: number, name: string) {
    this.prng = prng
    this.name = name
    this.versions.push(prng.bytes(sizeBytes))
  }
  get current(): Uint8Array {
    return this.versions[this.versions.length - 1] ?? new Uint8Array(0)
  }
  change(maxSizeBytes: number): void {
    this.versions.push(this.prng.bytes(this.prng.chance(0.5) ? this.current.length : this.prng.int(maxSizeBytes + 1)))
    this.lastModifiedMs += 1000
  }
  /**
   * The current version as a replayable stream, in chunks of 1 to 200 bytes whose sizes depend on the run and the
   * version only, so a rerun over an unchanged source pulls other chunk edges and still verifies by digest.
   */
  streamSource(run: number): StreamSource {
    const chunking = new Prng(this.versions.length * 7919 + run)
    const bytes = this.current
    const chunks: Array<Uint8Array> = []
    for (let at = 0; at < bytes.length; ) {
      const n = 1 + chunking.int(200)
      chunks.push(bytes.slice(at, at + n))
      at += n
    }
    return ChunkedStreamSource.fromChunks(chunks, { name: this.name, replayable: true })
  }
  byteSource(): ByteSource {
    return MemoryByteSource.make(this.current, { name: this.name, lastModifiedMs: this.lastModifiedMs })
  }
}

/** A scheduler that queues work instead of running it, so the controller knows when every fiber is blocked. @category models */
export class SimScheduler {
  private readonly tasks: Array<() => void> = []
  readonly scheduler: Scheduler.Scheduler = new Scheduler.MixedScheduler("async", (task) => {
    let cancelled = false
    this.tasks.push(() => {
      if (!cancelled) task()
    })
    return () => {
      cancelled = true
    }
  })
  /** Runs queued work until none is left; bounded so a livelock is reported, not hung on. */
  drain(tasksMax = 1_000_000): void {
    for (let n = 0; this.tasks.length > 0; n++) {
      if (n >= tasksMax) throw new Error(`scheduler did not settle after ${tasksMax} tasks (livelock?)`)
      this.tasks.shift()?.()
    }
  }
}

/** @category models */
export interface World {
  readonly prng: Prng
  readonly model: MultipartModel
  readonly network: SimNetwork
  readonly clock: SimClock
  readonly disk: SimDisk
  readonly source: SimSource
  readonly scheduler: SimScheduler
}

/** @category constructors */
export const makeWorld = (options: {
  readonly seed: number
  readonly dialect: "oss" | "s3"
  readonly limits: DialectLimits
  readonly persistent: boolean
  readonly sizeBytes: number
  readonly sourceName: string
}): World => {
  const prng = new Prng(options.seed)
  return {
    prng,
    model: new MultipartModel({ dialect: options.dialect, limits: options.limits }),
    network: new SimNetwork(),
    clock: new SimClock(1_700_000_000_000),
    disk: new SimDisk(options.persistent),
    source: new SimSource(prng, options.sizeBytes, options.sourceName),
    scheduler: new SimScheduler()
  }
}
