/**
 * Runs the simulation suite under Deno: `deno run -A tests/sim/runners/deno.ts`.
 *
 * Deno finds package.json and resolves bare `effect` / `fast-check` imports from the installed node_modules, so
 * the suite runs on the exact versions Node tests. The scenario count comes from `SIM_SCENARIOS_RUNTIMES`
 * (default 1000); `SIM_SEED` and `SIM_PATH` replay one failing case. The last line is always
 * `sim: N passed, M failed`; the exit code is 1 on any failure.
 *
 * @since 0.1.0
 */
import { runSuite } from "../SimulationSuite.ts"

/** The few Deno APIs used here, typed locally so the root `tsc` project (Node types) accepts this file. */
interface DenoApi {
  readonly env: { get(name: string): string | undefined }
  exit(code: number): never
  readonly version: { readonly deno: string }
}

const deno = (globalThis as unknown as { readonly Deno: DenoApi }).Deno

const scenarioCountDefault = 1000

const scenarioCount = (raw: string | undefined): number => {
  if (raw === undefined || raw === "") return scenarioCountDefault
  const n = Number(raw)
  if (!Number.isSafeInteger(n) || n < 1)
    throw new Error(`SIM_SCENARIOS_RUNTIMES must be a positive integer, got "${raw}"`)
  return n
}

/** `SIM_SEED` / `SIM_PATH`, when set, replay one case (as printed by a failing run). */
const replayOptions = (): { seed?: number; path?: string } => {
  const seed = deno.env.get("SIM_SEED")
  const path = deno.env.get("SIM_PATH")
  if (seed !== undefined && seed !== "" && !Number.isSafeInteger(Number(seed))) {
    throw new Error(`SIM_SEED must be an integer, got "${seed}"`)
  }
  return {
    ...(seed === undefined || seed === "" ? {} : { seed: Number(seed) }),
    ...(path === undefined || path === "" ? {} : { path })
  }
}

const main = async (): Promise<number> => {
  const scenarios = scenarioCount(deno.env.get("SIM_SCENARIOS_RUNTIMES"))
  const replay = replayOptions()
  console.log(`sim (deno ${deno.version.deno}): running ${scenarios} scenarios ${JSON.stringify(replay)}`)
  const startedMs = performance.now()
  const report = await runSuite({ scenarios, ...replay, log: (line) => console.log(line) })
  for (const failure of report.failures) {
    console.log(`FAIL seed=${failure.seed} path=${JSON.stringify(failure.path)}: ${failure.message}`)
  }
  console.log(`sim (deno): finished in ${((performance.now() - startedMs) / 1000).toFixed(1)} s`)
  console.log(`sim: ${report.passed} passed, ${report.failed} failed`)
  return report.failed === 0 && report.passed > 0 ? 0 : 1
}

main().then(
  (code) => deno.exit(code),
  (error: unknown) => {
    console.error("sim (deno): runner crashed:", error)
    console.log("sim: 0 passed, 1 failed")
    deno.exit(1)
  }
)
