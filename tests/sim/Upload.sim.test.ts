/**
 * The deterministic simulation on Node: the regression list, then `SIM_SCENARIOS` generated scenarios (1,000 by
 * default). `SIM_SEED` / `SIM_PATH` replay one failure exactly as the suite printed it.
 */
import { assert, describe, it } from "@effect/vitest"
import { defaultSeed, runSuite } from "./SimulationSuite.ts"

const scenarios = Number(process.env.SIM_SCENARIOS ?? 1000)
const seed = process.env.SIM_SEED === undefined ? defaultSeed : Number(process.env.SIM_SEED)
const path = process.env.SIM_PATH

describe("simulation", () => {
  it(`upload invariants hold across ${scenarios} fault-injected scenarios`, async () => {
    const report = await runSuite({
      scenarios,
      seed,
      ...(path === undefined ? {} : { path }),
      log: (line) => console.log(line)
    })
    const detail = report.failures.map((f) => `seed=${f.seed} path=${f.path}\n${f.message}`).join("\n\n")
    assert.strictEqual(report.failed, 0, detail)
    assert.isAtLeast(report.passed, scenarios)
  })
})
