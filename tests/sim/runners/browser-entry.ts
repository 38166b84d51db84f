/**
 * Browser entry of the simulation suite, bundled by `browser.ts` with esbuild and loaded by headless Chromium.
 *
 * Reads the scenario count from the page's `?scenarios=` query parameter (and `seed` / `path` to replay one case),
 * runs the suite and publishes the outcome
 * on `window.__simResult`, which the runner polls. Progress goes to `console.log`; the runner forwards it.
 *
 * @since 0.1.0
 */
import { runSuite, type SuiteReport } from "../SimulationSuite.ts"

/** What the runner reads back from the page. @category models */
export type SimResult =
  | { readonly done: false }
  | { readonly done: true; readonly report: SuiteReport }
  | { readonly done: true; readonly error: string }

const publish = (result: SimResult): void => {
  ;(globalThis as unknown as { __simResult: SimResult }).__simResult = result
}

const scenarioCountDefault = 300

publish({ done: false })
const query = new URLSearchParams(location.search)
const scenariosRaw = query.get("scenarios")
const seed = query.get("seed")
const path = query.get("path")
const scenarios = scenariosRaw === null ? scenarioCountDefault : Number(scenariosRaw)

runSuite({
  scenarios,
  ...(seed === null ? {} : { seed: Number(seed) }),
  ...(path === null ? {} : { path }),
  log: (line) => console.log(line)
}).then(
  (report) => publish({ done: true, report }),
  (error: unknown) =>
    publish({
      done: true,
      error: error instanceof Error ? `${error.name}: ${error.message}\n${error.stack}` : String(error)
    })
)
