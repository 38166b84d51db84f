/**
 * Async readers–writer locks by name, so the server's state changes reach the disk in the order the model made them.
 *
 * A part write holds its upload shared (parts of one upload are written in parallel) and its part exclusive (two
 * writes of one part number land in model order); Complete, Abort and expiry hold the upload exclusive, so they wait
 * for part writes in flight and no part file appears in an upload directory being removed. Waiters are served first
 * come, first served, so a stream of part writes cannot starve a Complete. Idle names are forgotten: memory follows
 * the number of requests in flight, not the number of names ever used.
 *
 * @since 0.1.0
 */

interface Waiter {
  readonly exclusive: boolean
  readonly wake: () => void
}

interface LockState {
  readers: number
  writer: boolean
  readonly queue: Array<Waiter>
}

/** @category models */
export class KeyedLock {
  private readonly states = new Map<string, LockState>()

  /** Runs `task` while no exclusive holder of `name` runs. */
  shared<A>(name: string, task: () => Promise<A>): Promise<A> {
    return this.run(name, false, task)
  }

  /** Runs `task` alone on `name`. */
  exclusive<A>(name: string, task: () => Promise<A>): Promise<A> {
    return this.run(name, true, task)
  }

  private async run<A>(name: string, exclusive: boolean, task: () => Promise<A>): Promise<A> {
    await this.acquire(name, exclusive)
    try {
      return await task()
    } finally {
      this.release(name, exclusive)
    }
  }

  private acquire(name: string, exclusive: boolean): Promise<void> {
    let state = this.states.get(name)
    if (state === undefined) {
      state = { readers: 0, writer: false, queue: [] }
      this.states.set(name, state)
    }
    const free = !state.writer && state.queue.length === 0 && (exclusive ? state.readers === 0 : true)
    if (free) {
      this.take(state, exclusive)
      return Promise.resolve()
    }
    const queue = state.queue
    return new Promise<void>((wake) => queue.push({ exclusive, wake }))
  }

  private take(state: LockState, exclusive: boolean): void {
    if (exclusive) state.writer = true
    else state.readers++
  }

  private release(name: string, exclusive: boolean): void {
    const state = this.states.get(name)
    if (state === undefined) return
    if (exclusive) state.writer = false
    else state.readers--
    // Wake the head of the queue, and every shared waiter directly behind a shared head.
    while (!state.writer) {
      const next = state.queue[0]
      if (next === undefined || (next.exclusive && state.readers > 0)) break
      state.queue.shift()
      this.take(state, next.exclusive)
      next.wake()
      if (next.exclusive) break
    }
    if (!state.writer && state.readers === 0 && state.queue.length === 0) this.states.delete(name)
  }
}
