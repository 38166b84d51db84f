/**
 * Retry policy as data, and the Effect schedule it stands for: exponential backoff with jitter, capped in delay
 * and in count.
 *
 * Jitter draws from Effect's `Random` and delays sleep on Effect's `Clock`, so a simulation with a seeded random
 * source and a controlled clock replays the same retries every time.
 *
 * @since 0.1.0
 */
import * as Data from "effect/Data"
import * as Duration from "effect/Duration"
import * as Effect from "effect/Effect"
import * as Schedule from "effect/Schedule"

/** @category models */
export interface RetryPolicy {
  /** Retries after the first attempt; 0 disables retrying. */
  readonly retriesMax: number
  readonly baseDelayMs: number
  readonly maxDelayMs: number
}

/** @category constants */
export const defaultRetryPolicy: RetryPolicy = { retriesMax: 5, baseDelayMs: 250, maxDelayMs: 20_000 }

/** The most retries a caller may ask for: past this a failing store is down, not flaky. @category constants */
export const retriesMaxLimit = 20

/** @category errors */
export class InvalidRetryPolicy extends Data.TaggedError("InvalidRetryPolicy")<{ readonly message: string }> {}

/** @category constructors */
export const make = (policy: Partial<RetryPolicy> | undefined): Effect.Effect<RetryPolicy, InvalidRetryPolicy> => {
  const merged = { ...defaultRetryPolicy, ...policy }
  const bad = (message: string) => Effect.fail(new InvalidRetryPolicy({ message }))
  if (!Number.isInteger(merged.retriesMax) || merged.retriesMax < 0 || merged.retriesMax > retriesMaxLimit) {
    return bad(`retriesMax must be an integer from 0 to ${retriesMaxLimit}, got ${merged.retriesMax}`)
  }
  if (!(merged.baseDelayMs >= 0) || !(merged.maxDelayMs >= merged.baseDelayMs)) {
    return bad(`delays must satisfy 0 <= baseDelayMs <= maxDelayMs, got ${merged.baseDelayMs} and ${merged.maxDelayMs}`)
  }
  return Effect.succeed(merged)
}

/** Retries `effect` while `retryable` says so, backing off per the policy. @category combinators */
export const retrying =
  <E>(policy: RetryPolicy, retryable: (error: E) => boolean) =>
  <A, R>(effect: Effect.Effect<A, E, R>): Effect.Effect<A, E, R> =>
    policy.retriesMax === 0
      ? effect
      : Effect.retry(effect, {
          schedule: Schedule.exponential(Duration.millis(Math.max(1, policy.baseDelayMs))).pipe(
            Schedule.modifyDelay(({ duration }) =>
              Effect.succeed(Duration.millis(Math.min(policy.maxDelayMs, Duration.toMillis(duration))))
            ),
            Schedule.jittered,
            Schedule.upTo({ times: policy.retriesMax })
          ),
          while: retryable
        })
