/**
 * A store call's outcome as one comparable string, `ok` or `<HTTP status> <error code>`, so a check can compare it
 * with the documented answer (or a registered deviation) and a failure message shows both sides at once.
 */
import { assert } from "@effect/vitest"
import * as Effect from "effect/Effect"
import type { ObjectStoreError } from "../../core/ports/ObjectStore.ts"
import { type CheckId, expectedOutcome } from "./disagreements.ts"
import type { ConformanceTarget } from "./target.ts"

export const outcomeOf = <A, R>(effect: Effect.Effect<A, ObjectStoreError, R>): Effect.Effect<string, never, R> =>
  Effect.match(effect, { onFailure: (e) => `${e.status} ${e.code}`, onSuccess: () => "ok" })

/** Asserts `observed` is what the docs say, or the deviation the registry records for this target. */
export const assertOutcome = (target: ConformanceTarget, check: CheckId, documented: string, observed: string) =>
  assert.strictEqual(observed, expectedOutcome(check, target.name, documented), `${target.name}: ${check}`)

/** Runs the call and asserts its outcome against the docs and the registry. */
export const expectOutcome = <A, R>(
  target: ConformanceTarget,
  check: CheckId,
  documented: string,
  effect: Effect.Effect<A, ObjectStoreError, R>
): Effect.Effect<void, never, R> =>
  Effect.map(outcomeOf(effect), (observed) => assertOutcome(target, check, documented, observed))
