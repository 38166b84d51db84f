/**
 * Coalesced directory fsyncs: a rename is durable once its directory is fsynced, and one fsync covers every rename
 * made in that directory before it started. So callers that arrive while a sync of the same directory runs share the
 * next one, and many parts landing at once cost a couple of directory fsyncs, not one each.
 *
 * @since 0.1.0
 */
import { syncDirectory } from "./recordFile.ts"

interface Slot {
  running: Promise<void> | undefined
  next: Promise<void> | undefined
}

/** @category models */
export class DirectorySyncer {
  private readonly slots = new Map<string, Slot>()
  readonly durable: boolean

  /** `durable: false` skips every fsync (the memory storage, whose files die with the process anyway). */
  constructor(durable: boolean) {
    this.durable = durable
  }

  /** Resolves once a fsync of `directory` that started after this call has finished. */
  sync(directory: string): Promise<void> {
    if (!this.durable) return Promise.resolve()
    let slot = this.slots.get(directory)
    if (slot === undefined) {
      slot = { running: undefined, next: undefined }
      this.slots.set(directory, slot)
    }
    const own = slot
    if (own.running === undefined) {
      own.running = syncDirectory(directory).finally(() => this.settle(directory, own))
      return own.running
    }
    // A sync is under way and may have started before our rename: wait for the one after it.
    own.next ??= own.running.then(() => this.sync(directory))
    return own.next
  }

  private settle(directory: string, slot: Slot): void {
    slot.running = undefined
    slot.next = undefined
    if (this.slots.get(directory) === slot) this.slots.delete(directory)
  }
}
