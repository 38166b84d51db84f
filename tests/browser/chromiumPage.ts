/**
 * Node side of the browser upload tests: finds Chromium, bundles `uploadPage.ts` with esbuild (in memory), serves it
 * from a `node:http` server on 127.0.0.1 (the page's origin, which is never the store's, so every store request is
 * cross-origin) and drives headless Chromium through playwright-core, as tests/sim/runners/browser.ts does.
 *
 * One session is one browser context, so `localStorage` (the checkpoints) outlives a page: a new page on the same
 * session, or a reload of the same tab, is a fresh page load that finds the previous page's checkpoint.
 */
import { accessSync, constants, statSync } from "node:fs"
import * as http from "node:http"
import type { AddressInfo } from "node:net"
import * as path from "node:path"
import { fileURLToPath } from "node:url"
import * as esbuild from "esbuild"
import { chromium, type Page } from "playwright-core"
import { chromiumArgs, chromiumPath } from "../support/chromium.ts"
import type { PageApi, PageUploadArgs, PageUploadResult } from "./uploadPage.ts"

const entry = path.join(path.dirname(fileURLToPath(import.meta.url)), "uploadPage.ts")

/**
 * True when Chromium is there; otherwise prints why `suite` is skipped. A `CHROMIUM_PATH` that names no executable
 * is a mistake to report, not a reason to skip, and so is a missing Chromium under `CHROMIUM_REQUIRED=1` (for a CI
 * stage that installed one with .ci/ensure-chromium.sh).
 */
export const chromiumGate = (suite: string): boolean => {
  try {
    accessSync(chromiumPath, constants.X_OK)
    if (statSync(chromiumPath).isFile()) return true
  } catch {}
  if (process.env.CHROMIUM_PATH !== undefined) throw new Error(`CHROMIUM_PATH=${chromiumPath} is not an executable`)
  const hint = `no Chromium at ${chromiumPath} (install it with bash .ci/ensure-chromium.sh as root, or set CHROMIUM_PATH)`
  if (process.env.CHROMIUM_REQUIRED === "1") throw new Error(`CHROMIUM_REQUIRED=1 but ${hint}`)
  console.warn(`Skipping ${suite}: ${hint}`)
  return false
}

/** A browser context with the test page's origin. */
export interface PageSession {
  /** `http://127.0.0.1:<port>`: where the page comes from (the CORS `Origin` of its requests). */
  readonly origin: string
  /** Loads the page in a new tab and runs one upload in it; the tab is closed afterwards. */
  readonly upload: (args: PageUploadArgs) => Promise<PageUploadResult>
  /**
   * Starts an upload in a new tab, reloads the tab mid-upload (once the checkpoint records `partsBeforeReload`
   * parts), calls `beforeResume`, runs the upload again in the reloaded page and returns that second run; the tab is
   * closed afterwards.
   */
  readonly reloadMidUpload: (
    args: PageUploadArgs,
    partsBeforeReload: number,
    beforeResume: () => void
  ) => Promise<PageUploadResult>
  /** Console errors and uncaught page errors so far (a CORS refusal shows up here). */
  readonly pageErrors: ReadonlyArray<string>
  readonly close: () => Promise<void>
}

const html = `<!doctype html><html><head><meta charset="utf-8"><title>browser upload</title></head>
<body><script type="module" src="/entry.js"></script></body></html>`

const serve = (script: Uint8Array): Promise<http.Server> =>
  new Promise((resolve, reject) => {
    const server = http.createServer((req, res) => {
      const pathname = new URL(req.url ?? "/", "http://127.0.0.1").pathname
      if (pathname === "/") res.writeHead(200, { "content-type": "text/html; charset=utf-8" }).end(html)
      else if (pathname === "/entry.js") res.writeHead(200, { "content-type": "text/javascript" }).end(script)
      else res.writeHead(pathname === "/favicon.ico" ? 204 : 404).end()
    })
    server.once("error", reject)
    server.listen(0, "127.0.0.1", () => resolve(server))
  })

/** Bundles the page, serves it and launches Chromium; `close` undoes all three. */
export const openSession = async (): Promise<PageSession> => {
  const built = await esbuild.build({
    entryPoints: [entry],
    bundle: true,
    write: false,
    platform: "browser",
    format: "esm",
    target: "es2022",
    logLevel: "warning"
  })
  const script = built.outputFiles[0]?.contents
  if (script === undefined) throw new Error("esbuild produced no output for uploadPage.ts")
  const server = await serve(script)
  const origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`
  const pageErrors: Array<string> = []
  try {
    const browser = await chromium.launch({ executablePath: chromiumPath, headless: true, args: chromiumArgs })
    const context = await browser.newContext()
    const watch = (tab: Page) => {
      tab.on("console", (m) => (m.type() === "error" ? pageErrors.push(`[console] ${m.text()}`) : undefined))
      tab.on("pageerror", (e) => pageErrors.push(`[pageerror] ${e.message}`))
    }
    const ready = (tab: Page) =>
      tab.waitForFunction(() => "__browserUpload" in globalThis, undefined, { timeout: 10_000 })
    const run = (tab: Page, args: PageUploadArgs) =>
      tab.evaluate((a) => (globalThis as unknown as { __browserUpload: PageApi }).__browserUpload.run(a), args)
    const inNewTab = async <A>(body: (tab: Page) => Promise<A>): Promise<A> => {
      const tab = await context.newPage()
      try {
        watch(tab)
        await tab.goto(`${origin}/`)
        await ready(tab)
        return await body(tab)
      } finally {
        await tab.close()
      }
    }
    const upload = (args: PageUploadArgs) => inNewTab((tab) => run(tab, args))
    const reloadMidUpload = (args: PageUploadArgs, partsBeforeReload: number, beforeResume: () => void) =>
      inNewTab(async (tab) => {
        // The reload destroys the page, so this run never answers; its rejection is expected.
        const doomed = run(tab, args).catch(() => undefined)
        await tab.waitForFunction(
          ([prefix, parts]) =>
            (globalThis as unknown as { __browserUpload: PageApi }).__browserUpload.checkpointParts(prefix).length >=
            parts,
          [args.prefix, partsBeforeReload] as const,
          { timeout: 30_000, polling: 20 }
        )
        await tab.reload()
        await doomed
        await ready(tab)
        beforeResume()
        return run(tab, args)
      })
    const close = async () => {
      await browser.close()
      await closeServer(server)
    }
    return { origin, upload, reloadMidUpload, pageErrors, close }
  } catch (error) {
    await closeServer(server)
    throw error
  }
}

const closeServer = (server: http.Server): Promise<void> =>
  new Promise((resolve) => {
    server.closeAllConnections()
    server.close(() => resolve())
  })
