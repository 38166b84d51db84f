/**
 * Runs the simulation suite in headless Chromium: `tsx tests/sim/runners/browser.ts`.
 *
 * 1. Bundles `browser-entry.ts` with esbuild (platform browser, ESM) into `.cache/sim-browser/`.
 * 2. Serves that folder from a `node:http` server on 127.0.0.1 with a random port.
 * 3. Launches Debian Chromium (`CHROMIUM_PATH`, default `/usr/bin/chromium`) through playwright-core, loads the page,
 *    forwards its console, and polls `window.__simResult`.
 *
 * The scenario count comes from `SIM_SCENARIOS_RUNTIMES` (default 1000) and reaches the page as `?scenarios=`;
 * `SIM_SEED` / `SIM_PATH` (replay one case) go along as `?seed=` / `?path=`.
 * The last line is always `sim (chromium): N passed, M failed`; the exit code is 1 on any failure. Browser and server
 * are closed on every path, including SIGINT/SIGTERM.
 *
 * @since 0.1.0
 */
import { readFile } from "node:fs/promises"
import * as http from "node:http"
import type { AddressInfo } from "node:net"
import * as path from "node:path"
import { fileURLToPath } from "node:url"
import * as esbuild from "esbuild"
import { type Browser, chromium } from "playwright-core"
import { chromiumArgs, chromiumPath } from "../../support/chromium.ts"
import type { SimResult } from "./browser-entry.ts"

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../../..")
const outDir = path.join(repoRoot, ".cache", "sim-browser")
const scenarioCountDefault = 1000
const timeoutMsDefault = 10 * 60 * 1000

const positiveInt = (name: string, fallback: number): number => {
  const raw = process.env[name]
  if (raw === undefined || raw === "") return fallback
  const n = Number(raw)
  if (!Number.isSafeInteger(n) || n < 1) throw new Error(`${name} must be a positive integer, got "${raw}"`)
  return n
}

const summary = (passed: number, failed: number): string => `sim (chromium): ${passed} passed, ${failed} failed`

const bundle = async (): Promise<void> => {
  await esbuild.build({
    entryPoints: [path.join(repoRoot, "tests/sim/runners/browser-entry.ts")],
    outfile: path.join(outDir, "entry.js"),
    bundle: true,
    platform: "browser",
    format: "esm",
    target: "es2022",
    sourcemap: "inline",
    logLevel: "warning"
  })
}

const page = `<!doctype html>
<html><head><meta charset="utf-8"><title>simulation suite</title></head>
<body><script type="module" src="/entry.js"></script></body></html>
`

const serve = (): Promise<http.Server> =>
  new Promise((resolve, reject) => {
    const server = http.createServer((req, res) => {
      const pathname = new URL(req.url ?? "/", "http://127.0.0.1").pathname
      if (pathname === "/" || pathname === "/index.html") {
        res.writeHead(200, { "content-type": "text/html; charset=utf-8" }).end(page)
        return
      }
      if (pathname === "/entry.js") {
        readFile(path.join(outDir, "entry.js")).then(
          (body) => res.writeHead(200, { "content-type": "text/javascript; charset=utf-8" }).end(body),
          () => res.writeHead(500).end()
        )
        return
      }
      res.writeHead(pathname === "/favicon.ico" ? 204 : 404).end()
    })
    server.once("error", reject)
    server.listen(0, "127.0.0.1", () => resolve(server))
  })

const closeServer = (server: http.Server): Promise<void> =>
  new Promise((resolve) => {
    server.closeAllConnections()
    server.close(() => resolve())
  })

const pageQuery = (scenarios: number): string => {
  const query = new URLSearchParams({ scenarios: String(scenarios) })
  const seed = process.env.SIM_SEED
  const path = process.env.SIM_PATH
  if (seed !== undefined && seed !== "") {
    if (!Number.isSafeInteger(Number(seed))) throw new Error(`SIM_SEED must be an integer, got "${seed}"`)
    query.set("seed", seed)
  }
  if (path !== undefined && path !== "") query.set("path", path)
  return query.toString()
}

const run = async (
  scenarios: number,
  timeoutMs: number,
  browserRef: { current: Browser | undefined }
): Promise<number> => {
  await bundle()
  const server = await serve()
  try {
    const { port } = server.address() as AddressInfo
    const browser = await chromium.launch({ executablePath: chromiumPath, headless: true, args: chromiumArgs })
    browserRef.current = browser
    try {
      console.log(`sim (chromium ${browser.version()}): running ${scenarios} scenarios (${pageQuery(scenarios)})`)
      const tab = await browser.newPage()
      tab.on("console", (message) => console.log(`[page] ${message.text()}`))
      const pageErrors: Array<string> = []
      tab.on("pageerror", (error) => {
        pageErrors.push(error.message)
        console.error(`[page error] ${error.stack ?? error.message}`)
      })
      tab.on("crash", () => console.error("[page crashed]"))
      const startedMs = performance.now()
      await tab.goto(`http://127.0.0.1:${port}/?${pageQuery(scenarios)}`)
      const handle = await tab.waitForFunction(
        () => {
          const result = (globalThis as unknown as { __simResult?: SimResult }).__simResult
          return result?.done === true ? result : undefined
        },
        undefined,
        { timeout: timeoutMs, polling: 250 }
      )
      const result = (await handle.jsonValue()) as SimResult
      console.log(`sim (chromium): finished in ${((performance.now() - startedMs) / 1000).toFixed(1)} s`)
      if (!result.done) throw new Error("unreachable: result not done")
      if ("error" in result) {
        console.error(`sim (chromium): suite crashed in the page:\n${result.error}`)
        console.log(summary(0, 1))
        return 1
      }
      const { report } = result
      for (const failure of report.failures) {
        console.log(`FAIL seed=${failure.seed} path=${JSON.stringify(failure.path)}: ${failure.message}`)
      }
      const failed = report.failed + pageErrors.length
      console.log(summary(report.passed, failed))
      return failed === 0 && report.passed > 0 ? 0 : 1
    } finally {
      browserRef.current = undefined
      await browser.close()
    }
  } finally {
    await closeServer(server)
  }
}

const main = async (): Promise<void> => {
  const browserRef: { current: Browser | undefined } = { current: undefined }
  const onSignal = (signal: NodeJS.Signals) => {
    console.error(`sim (chromium): ${signal}, closing the browser`)
    const closing = browserRef.current?.close() ?? Promise.resolve()
    closing.finally(() => process.exit(signal === "SIGINT" ? 130 : 143))
  }
  process.once("SIGINT", onSignal)
  process.once("SIGTERM", onSignal)
  try {
    const scenarios = positiveInt("SIM_SCENARIOS_RUNTIMES", scenarioCountDefault)
    const timeoutMs = positiveInt("SIM_BROWSER_TIMEOUT_MS", timeoutMsDefault)
    process.exitCode = await run(scenarios, timeoutMs, browserRef)
  } catch (error) {
    console.error("sim (chromium): runner failed:", error)
    console.log(summary(0, 1))
    process.exitCode = 1
  }
}

await main()
