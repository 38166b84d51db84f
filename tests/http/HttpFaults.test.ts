/**
 * The engine's simulation properties re-run against the real HTTP server (memory storage), with faults injected
 * at the HTTP layer by {@link ./FaultProxy.ts}: connections dropped mid-body, responses lost after the server
 * applied the request, 500/503 answers, crashes after k requests, pauses and cancels. The same simulation against
 * Ceph RGW is HttpFaultsRgw.test.ts.
 *
 * The seed is fixed so CI checks the same scenarios each time; the network's timing is not, so a failure's report
 * carries the whole request log of the failing scenario. `HTTP_SIM_SCENARIOS` raises the count, `HTTP_SIM_SEED`
 * picks another seed, and `HTTP_SIM_SEED` with `HTTP_SIM_PATH` replays the scenario a failure printed.
 */
import { assert, describe, it } from "@effect/vitest"
import * as Effect from "effect/Effect"
import { checkScenarios } from "./checkScenarios.ts"
import { httpScenarioArbitrary } from "./HttpScenario.ts"
import { slowCloses } from "./httpStack.ts"
import { runHttpScenario } from "./runHttpScenario.ts"

const scenarios = Number(process.env.HTTP_SIM_SCENARIOS ?? 30)
const seed = Number(process.env.HTTP_SIM_SEED ?? 20260311)

describe("upload over HTTP with injected faults", () => {
  it.live(
    `invariants hold across ${scenarios} scenarios (seed ${seed})`,
    () =>
      Effect.gen(function* () {
        const summary = yield* checkScenarios({
          arbitrary: httpScenarioArbitrary,
          run: (scenario) => runHttpScenario(scenario),
          count: scenarios,
          seed,
          path: process.env.HTTP_SIM_PATH,
          traceLines: Number(process.env.HTTP_SIM_TRACE_LINES ?? 120),
          label: "http sim"
        })
        console.log(`http sim server closes that waited out the grace (aborted-body bug): ${slowCloses.count}`)
        assert.isUndefined(summary.failure, summary.failure)
        assert.strictEqual(summary.numRuns, scenarios)
      }),
    // About 0.25 s a scenario on 2 cores; the margin absorbs a loaded machine.
    Math.max(120_000, scenarios * 1_000)
  )
})
