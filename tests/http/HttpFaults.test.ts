/**
 * The engine's simulation properties re-run against the real HTTP server (memory storage), with faults injected
 * at the HTTP layer by {@link ./FaultProxy.ts}: connections dropped mid-body, responses lost after the server
 * applied the request, 500/503 answers, crashes after k requests, pauses and cancels.
 *
 * The seed is fixed so CI checks the same scenarios each time; the network's timing is not, so a failure's report
 * carries the whole request log of the failing scenario. `HTTP_SIM_SCENARIOS` raises the count, `HTTP_SIM_SEED`
 * picks another seed, and `HTTP_SIM_SEED` with `HTTP_SIM_PATH` replays the scenario a failure printed.
 */
import { assert, describe, it } from "@effect/vitest"
import * as Effect from "effect/Effect"
import fc from "fast-check"
import { httpScenarioArbitrary } from "./HttpScenario.ts"
import { slowCloses } from "./httpStack.ts"
import { runHttpScenario } from "./runHttpScenario.ts"

const scenarios = Number(process.env.HTTP_SIM_SCENARIOS ?? 30)
const seed = Number(process.env.HTTP_SIM_SEED ?? 20260311)
const path = process.env.HTTP_SIM_PATH
const traceLines = Number(process.env.HTTP_SIM_TRACE_LINES ?? 120)

const tally = (counts: Map<string, number>, key: string) => counts.set(key, (counts.get(key) ?? 0) + 1)
const show = (counts: Map<string, number>) =>
  [...counts]
    .sort()
    .map(([k, n]) => `${k}=${n}`)
    .join(" ")

describe("upload over HTTP with injected faults", () => {
  it.live(
    `invariants hold across ${scenarios} scenarios (seed ${seed})`,
    () =>
      Effect.gen(function* () {
        const fates = new Map<string, number>()
        const faulted = new Map<string, number>()
        const outcomes = new Map<string, number>()
        const property = fc.asyncProperty(httpScenarioArbitrary, async (scenario) => {
          const result = await Effect.runPromise(runHttpScenario(scenario))
          for (const fate of result.fates) {
            tally(fates, fate.split(" ")[1] ?? "")
            if (!fate.endsWith("Forward")) tally(faulted, fate.replace(" ", ":"))
          }
          for (const outcome of result.outcomes) tally(outcomes, outcome.split(":").slice(0, 3).join(":"))
          if (result.violations.length > 0) {
            throw new Error(
              `${result.violations.join("\n")}\nrequests (last ${traceLines} lines):\n${result.trace.slice(-traceLines).join("\n")}`
            )
          }
        })
        // No shrinking: a scenario's timing is not replayable, so a shrunk case might not fail again.
        const details = yield* Effect.promise(() =>
          fc.check(property, { numRuns: scenarios, seed, endOnFailure: true, ...(path === undefined ? {} : { path }) })
        )
        console.log(`http sim fates: ${show(fates)}`)
        console.log(`http sim faulted operations: ${show(faulted)}`)
        console.log(`http sim run outcomes: ${show(outcomes)}`)
        console.log(`http sim server closes that waited out the grace (aborted-body bug): ${slowCloses.count}`)
        const failure = details.failed
          ? `seed=${details.seed} path=${details.counterexamplePath}\nscenario: ${JSON.stringify(details.counterexample?.[0])}\n${details.errorInstance instanceof Error ? details.errorInstance.message : String(details.errorInstance)}`
          : ""
        assert.isFalse(details.failed, failure)
        assert.strictEqual(details.numRuns, scenarios)
      }),
    // About 0.25 s a scenario on 2 cores; the margin absorbs a loaded machine.
    Math.max(120_000, scenarios * 1_000)
  )
})
