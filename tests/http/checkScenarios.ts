/**
 * The property behind the HTTP fault simulation suites: run `count` scenarios drawn from an arbitrary with a
 * fixed seed, tally what the proxy did to them and how the runs ended, print the tallies, and return the failure
 * (the first scenario with a violation, its replay coordinates and its request log), if any.
 */
import * as Effect from "effect/Effect"
import fc from "fast-check"
import type { HttpScenario } from "./HttpScenario.ts"
import type { ScenarioResult } from "./runHttpScenario.ts"

export interface ScenarioCheck {
  readonly arbitrary: fc.Arbitrary<HttpScenario>
  readonly run: (scenario: HttpScenario) => Effect.Effect<ScenarioResult>
  readonly count: number
  readonly seed: number
  /** `HTTP_SIM_PATH`: replays the scenario a failure printed. */
  readonly path: string | undefined
  /** How many lines of the failing scenario's request log the failure carries. */
  readonly traceLines: number
  /** Prefix of the printed tallies, e.g. `http sim`. */
  readonly label: string
}

export interface CheckSummary {
  /** The failure's report, or `undefined` when every scenario held. */
  readonly failure: string | undefined
  readonly numRuns: number
}

const tally = (counts: Map<string, number>, key: string) => counts.set(key, (counts.get(key) ?? 0) + 1)
const show = (counts: Map<string, number>) =>
  [...counts]
    .sort()
    .map(([k, n]) => `${k}=${n}`)
    .join(" ")

export const checkScenarios = (c: ScenarioCheck): Effect.Effect<CheckSummary> =>
  Effect.gen(function* () {
    const fates = new Map<string, number>()
    const faulted = new Map<string, number>()
    const outcomes = new Map<string, number>()
    const resumes = { runs: 0, withHeldParts: 0, heldParts: 0 }
    const property = fc.asyncProperty(c.arbitrary, async (scenario) => {
      const result = await Effect.runPromise(c.run(scenario))
      for (const fate of result.fates) {
        tally(fates, fate.split(" ")[1] ?? "")
        if (!fate.endsWith("Forward")) tally(faulted, fate.replace(" ", ":"))
      }
      for (const held of result.heldAtStart) {
        resumes.runs++
        if (held > 0) resumes.withHeldParts++
        resumes.heldParts += held
      }
      for (const outcome of result.outcomes) tally(outcomes, outcome.split(":").slice(0, 3).join(":"))
      if (result.violations.length > 0) {
        throw new Error(
          `${result.violations.join("\n")}\nrequests (last ${c.traceLines} lines):\n${result.trace.slice(-c.traceLines).join("\n")}`
        )
      }
    })
    // No shrinking: a scenario's timing is not replayable, so a shrunk case might not fail again.
    const details = yield* Effect.promise(() =>
      fc.check(property, {
        numRuns: c.count,
        seed: c.seed,
        endOnFailure: true,
        ...(c.path === undefined ? {} : { path: c.path })
      })
    )
    console.log(`${c.label} fates: ${show(fates)}`)
    console.log(`${c.label} faulted operations: ${show(faulted)}`)
    console.log(`${c.label} run outcomes: ${show(outcomes)}`)
    console.log(
      `${c.label} runs that found a checkpoint: ${resumes.runs}, ${resumes.withHeldParts} of them with parts the store ` +
        `held (${resumes.heldParts} parts in all, none of which may be sent again)`
    )
    const failure = details.failed
      ? `seed=${details.seed} path=${details.counterexamplePath}\nscenario: ${JSON.stringify(details.counterexample?.[0])}\n${details.errorInstance instanceof Error ? details.errorInstance.message : String(details.errorInstance)}`
      : undefined
    return { failure, numRuns: details.numRuns }
  })
