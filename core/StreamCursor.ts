/**
 * A stream source (core/ports/StreamSource.ts) read as consecutive ranges: `take(offset, length)` waits until
 * every byte before `offset` has been taken, then pulls exactly `length` bytes (fewer only where the stream ends).
 *
 * Parts in flight call it concurrently and in any order; their offsets put them in line, so the stream is read
 * once, front to back, and no more than the parts in flight (plus one chunk) are ever held in memory.
 *
 * @since 0.4.0
 */
import * as Deferred from "effect/Deferred"
import * as Effect from "effect/Effect"
import * as Exit from "effect/Exit"
import { SourceReadError } from "./ports/ByteSource.ts"
import type { StreamSource } from "./ports/StreamSource.ts"

/** @category models */
export interface StreamCursor {
  readonly name: string
  /** `lengthBytes` bytes from `offsetBytes`; fewer where the stream ends, none when it ended before. */
  readonly take: (offsetBytes: number, lengthBytes: number) => Effect.Effect<Uint8Array, SourceReadError>
  /** Bytes taken so far: the stream's length once a take came back short or empty. */
  readonly positionBytes: () => number
  /** Whether any byte follows the bytes taken so far (pulls ahead, keeping what it pulled). */
  readonly hasMore: Effect.Effect<boolean, SourceReadError>
}

/** @category constructors */
export const make = (source: StreamSource): StreamCursor => {
  let positionBytes = 0
  let pending: Uint8Array = new Uint8Array(0)
  let ended = false
  // Set when a take was interrupted mid-read: the bytes it had pulled are gone, so no later take can be trusted.
  let broken = false
  const waiters = new Map<number, Deferred.Deferred<void>>()
  const fail = (offsetBytes: number, lengthBytes: number, message: string) =>
    new SourceReadError({ sourceName: source.name, offsetBytes, lengthBytes, message })

  const wake = () => {
    for (const [offset, waiter] of waiters) {
      if (ended || offset === positionBytes || broken) {
        waiters.delete(offset)
        Deferred.doneUnsafe(waiter, Effect.void)
      }
    }
  }

  /** Fills `pending` with at least one more byte unless the stream has ended. */
  const pullMore = Effect.gen(function* () {
    while (!ended && pending.length === 0) {
      const chunk = yield* source.pull
      if (chunk === undefined) ended = true
      else pending = chunk
    }
  })

  const readRange = (offsetBytes: number, lengthBytes: number) =>
    Effect.gen(function* () {
      const out = new Uint8Array(lengthBytes)
      let filled = 0
      while (filled < lengthBytes) {
        yield* pullMore
        if (pending.length === 0) break
        const n = Math.min(pending.length, lengthBytes - filled)
        out.set(pending.subarray(0, n), filled)
        pending = pending.subarray(n)
        filled += n
      }
      positionBytes = offsetBytes + filled
      return filled === lengthBytes ? out : out.slice(0, filled)
    })

  const take = (offsetBytes: number, lengthBytes: number): Effect.Effect<Uint8Array, SourceReadError> =>
    Effect.gen(function* () {
      while (true) {
        if (broken) return yield* fail(offsetBytes, lengthBytes, "an earlier read of this stream was interrupted")
        if (offsetBytes < positionBytes) {
          return yield* fail(offsetBytes, lengthBytes, `bytes before ${positionBytes} of this stream were already read`)
        }
        if (ended) return new Uint8Array(0)
        if (offsetBytes === positionBytes) {
          return yield* readRange(offsetBytes, lengthBytes).pipe(
            // A failed or interrupted read has pulled bytes it did not hand on: later takes would be misplaced.
            Effect.onExit((exit) =>
              Effect.sync(() => {
                if (!Exit.isSuccess(exit)) broken = true
              })
            ),
            Effect.ensuring(Effect.sync(wake))
          )
        }
        let waiter = waiters.get(offsetBytes)
        if (waiter === undefined) {
          waiter = Deferred.makeUnsafe<void>()
          waiters.set(offsetBytes, waiter)
        }
        yield* Deferred.await(waiter)
      }
    })

  return {
    name: source.name,
    take,
    positionBytes: () => positionBytes,
    hasMore: Effect.map(pullMore, () => pending.length > 0)
  }
}
