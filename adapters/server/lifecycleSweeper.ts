/**
 * The lifecycle rule "abort incomplete multipart uploads older than N": a timer that periodically expires old
 * uploads through the store (so their parts leave the disk too). Sweeps never overlap; the timer does not keep the
 * process alive; failures are reported and the next sweep tries again.
 *
 * @since 0.1.0
 */

import type { ServerStore } from "./ServerStore.ts"
import type { LifecycleOption } from "./serverOptions.ts"

/** @category models */
export interface LifecycleSweeper {
  /** Runs one sweep now (waiting for a running one first); returns the aborted upload ids. */
  readonly sweep: () => Promise<ReadonlyArray<string>>
  readonly stop: () => Promise<void>
}

/** @category constructors */
export const startSweeper = (
  store: ServerStore,
  rule: LifecycleOption | undefined,
  now: () => number,
  onError: (cause: unknown) => void
): LifecycleSweeper => {
  let running: Promise<ReadonlyArray<string>> = Promise.resolve([])
  const sweep = (): Promise<ReadonlyArray<string>> => {
    if (rule === undefined) return Promise.resolve([])
    running = running.catch(() => []).then(() => store.expireUploads(rule.abortIncompleteAfterMs, now()))
    return running
  }
  const timer =
    rule === undefined
      ? undefined
      : setInterval(() => {
          sweep().catch(onError)
        }, rule.sweepEveryMs)
  timer?.unref()
  return {
    sweep,
    stop: async () => {
      if (timer !== undefined) clearInterval(timer)
      await running.catch(() => undefined)
    }
  }
}
