/**
 * A clock whose time moves only when the simulator says so. Sleeps become timers in a list the controller can
 * see, so "nothing is running and nothing is due" is a fact it can check, not a guess from waiting.
 *
 * @since 0.1.0
 */
import type * as Clock from "effect/Clock"
import * as Duration from "effect/Duration"
import * as Effect from "effect/Effect"

/** @category models */
export interface Timer {
  readonly dueMs: number
  readonly seq: number
  readonly fire: () => void
}

/** @category models */
export class SimClock {
  nowMs: number
  readonly timers: Array<Timer> = []
  private seq = 0

  constructor(startMs: number) {
    this.nowMs = startMs
  }

  /** Moves time to the earliest timer and fires it; false when there is none. */
  fireNext(): boolean {
    if (this.timers.length === 0) return false
    this.timers.sort((a, b) => a.dueMs - b.dueMs || a.seq - b.seq)
    const timer = this.timers.shift()
    if (timer === undefined) return false
    this.nowMs = Math.max(this.nowMs, timer.dueMs)
    timer.fire()
    return true
  }

  /** Moves time forward without firing anything (timers that fall due wait for `fireNext`). */
  advance(ms: number): void {
    this.nowMs += ms
  }

  readonly service: Clock.Clock = {
    currentTimeMillisUnsafe: () => this.nowMs,
    currentTimeMillis: Effect.sync(() => this.nowMs),
    currentTimeNanosUnsafe: () => BigInt(this.nowMs) * 1_000_000n,
    currentTimeNanos: Effect.sync(() => BigInt(this.nowMs) * 1_000_000n),
    monotonicTimeNanosUnsafe: () => BigInt(this.nowMs) * 1_000_000n,
    monotonicTimeNanos: Effect.sync(() => BigInt(this.nowMs) * 1_000_000n),
    sleep: (duration) =>
      Effect.callback<void>((resume) => {
        const timer: Timer = {
          dueMs: this.nowMs + Duration.toMillis(Duration.fromInputUnsafe(duration)),
          seq: this.seq++,
          fire: () => resume(Effect.void)
        }
        this.timers.push(timer)
        return Effect.sync(() => {
          const index = this.timers.indexOf(timer)
          if (index >= 0) this.timers.splice(index, 1)
        })
      })
  }
}
