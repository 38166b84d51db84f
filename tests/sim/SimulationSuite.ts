/**
 * The simulation suite: replays the regression list, then checks generated scenarios, and reports in a shape
 * every runner (vitest on Node, Deno, headless Chromium) can print.
 *
 * A failure carries the fast-check seed and path, so `SIM_SEED=<seed> SIM_PATH=<path>` replays exactly that case,
 * and the shrunk scenario as JSON, ready to paste into `regressions.ts`.
 *
 * @since 0.1.0
 */
import fc from "fast-check"
import * as Crc64 from "../../core/Crc64.ts"
import { regressions } from "./regressions.ts"
import { runScenario } from "./runScenario.ts"
import { type Scenario, scenarioArbitrary, streamScenarioArbitrary } from "./Scenario.ts"

/** @category models */
export interface SuiteFailure {
  readonly seed: number
  readonly path: string
  readonly message: string
}

/** @category models */
export interface SuiteReport {
  readonly passed: number
  readonly failed: number
  readonly failures: ReadonlyArray<SuiteFailure>
  /**
   * CRC-64 over every step of every scenario, in order. Equal digests on two runtimes mean they ran the same
   * scenarios step for step; CI compares them.
   */
  readonly digest: string
}

const utf8 = new TextEncoder()

/** The seed of the normal run; fixed, so every runtime checks the same scenarios. @category constants */
export const defaultSeed = 20261123

/** @category runners */
export const runSuite = async (options: {
  readonly scenarios: number
  readonly seed?: number
  readonly path?: string
  readonly log?: (line: string) => void
}): Promise<SuiteReport> => {
  const log = options.log ?? (() => {})
  const failures: Array<SuiteFailure> = []
  let passed = 0
  for (const [i, regression] of regressions.entries()) {
    const result = runScenario(regression.scenario)
    if (result.violations.length === 0) passed++
    else
      failures.push({
        seed: regression.scenario.seed,
        path: `regression ${i}`,
        message: `${regression.note}: ${result.violations.join("; ")}`
      })
  }
  const seed = options.seed ?? defaultSeed
  const sized = runFamily(scenarioArbitrary, options.scenarios, seed, options.path, log)
  // The stream family, after the sized one (whose digest it leaves alone), on its own seed and digest line.
  const streamScenarios = Math.ceil(options.scenarios * streamShare)
  const streams = runFamily(streamScenarioArbitrary, streamScenarios, seed + 1, options.path, log)
  for (const family of [sized, streams]) {
    failures.push(...family.failures)
    passed += family.passed
  }
  log(`sim digest: ${sized.digest} (${options.scenarios} scenarios, seed ${seed})`)
  log(`sim digest: ${streams.digest} (${streamScenarios} scenarios, seed ${seed + 1})`)
  return { passed, failed: failures.length, failures, digest: sized.digest }
}

/** Stream scenarios per sized scenario: a quarter as many (250 in the default run). @category constants */
export const streamShare = 0.25

/** Checks one family of generated scenarios; its coverage and outcome lines are logged, its digest returned. */
const runFamily = (
  arbitrary: fc.Arbitrary<Scenario>,
  scenarios: number,
  seed: number,
  path: string | undefined,
  log: (line: string) => void
) => {
  const failures: Array<SuiteFailure> = []
  let passed = 0
  const outcomes = new Map<string, number>()
  const coverage = new Map<string, number>()
  let digest = 0n
  const property = fc.property(arbitrary, (scenario) => {
    const result = runScenario(scenario)
    const kind = result.outcome.split(":").slice(0, 2).join(":")
    outcomes.set(kind, (outcomes.get(kind) ?? 0) + 1)
    for (const [k, n] of result.stats) coverage.set(k, (coverage.get(k) ?? 0) + n)
    digest = Crc64.compute(utf8.encode(`${result.trace.join("\n")}\n${result.outcome}\n`), digest)
    if (result.violations.length > 0) {
      throw new Error(
        `${result.violations.join("\n")}\ntrace (last 40 steps):\n  ${result.trace.slice(-(Number(globalThis.process?.env?.SIM_TRACE_LINES) || 40)).join("\n  ")}`
      )
    }
  })
  const details = fc.check(property, {
    numRuns: scenarios,
    seed,
    ...(path === undefined ? {} : { path }),
    endOnFailure: false
  })
  if (details.failed) {
    const scenario = JSON.stringify(details.counterexample?.[0])
    const message = `${details.errorInstance instanceof Error ? details.errorInstance.message : String(details.errorInstance)}\nscenario: ${scenario}`
    failures.push({ seed: details.seed, path: details.counterexamplePath ?? "", message })
    log(`FAILED seed=${details.seed} path=${details.counterexamplePath}\n${message}`)
  } else {
    passed += details.numRuns
  }
  log(
    `sim coverage: ${[...coverage]
      .sort()
      .map(([k, n]) => `${k}=${n}`)
      .join(" ")}`
  )
  log(
    `sim outcomes: ${[...outcomes]
      .sort()
      .map(([k, n]) => `${k}=${n}`)
      .join(" ")}`
  )
  return { failures, passed, digest: digest.toString(16).padStart(16, "0") }
}
