/**
 * Scenarios that once broke an invariant, replayed first on every run of the suite (every runtime).
 *
 * Add a failing scenario here verbatim (the suite prints it as JSON) with a note on what it caught.
 *
 * @since 0.1.0
 */
import type { Scenario } from "./Scenario.ts"

/** @category models */
export interface Regression {
  readonly note: string
  readonly scenario: Scenario
}

/** @category constants */
export const regressions: ReadonlyArray<Regression> = []
