/**
 * Runs the README's browser example as a user would: esbuild bundles it from the scratch project's node_modules
 * (the installed packages, browser conditions, minified), a page with a file input loads the bundle from its own
 * origin (so every store request is cross-origin), and headless Chromium picks the file. The example logs
 * `uploaded …` when `done` resolves.
 */
import { createServer } from "node:http"
import { gzipSync } from "node:zlib"
import { build } from "esbuild"
import { chromium } from "playwright-core"

const chromiumPath = process.env.CHROMIUM_PATH ?? "/usr/bin/chromium"
const chromiumArgs = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking"].concat([
  "--disable-component-update",
  "--disable-sync",
  "--no-first-run",
  "--disable-quic"
])

export const runBrowserExample = async (app, exampleFile, videoPath) => {
  const bundle = await build({
    entryPoints: [exampleFile],
    absWorkingDir: app,
    bundle: true,
    minify: true,
    format: "esm",
    platform: "browser",
    target: "es2022",
    write: false,
    logLevel: "silent"
  })
  const js = bundle.outputFiles[0].contents
  const html = `<!doctype html><meta charset="utf-8"><input type="file"><script type="module" src="/app.js"></script>`
  const page = createServer((req, res) => {
    const isJs = req.url === "/app.js"
    res.writeHead(200, { "content-type": isJs ? "text/javascript" : "text/html" })
    res.end(isJs ? js : html)
  })
  await new Promise((r) => page.listen(0, "127.0.0.1", r))
  const browser = await chromium.launch({ executablePath: chromiumPath, args: chromiumArgs })
  try {
    const tab = await browser.newPage()
    const logs = []
    const uploaded = new Promise((resolve, reject) => {
      tab.on("console", (m) => {
        logs.push(m.text())
        if (m.text().startsWith("uploaded")) resolve(m.text())
      })
      tab.on("pageerror", (e) => reject(new Error(`page error: ${e.message}`)))
      setTimeout(
        () => reject(new Error(`no "uploaded" line after 60 s; console: ${logs.slice(-5).join(" | ")}`)),
        60_000
      )
    })
    await tab.goto(`http://127.0.0.1:${page.address().port}/`)
    await tab.setInputFiles("input[type=file]", videoPath)
    const line = await uploaded
    const kb = (n) => `${(n / 1024).toFixed(1)} KB`
    return { summary: `${line}; bundle ${kb(js.length)} minified, ${kb(gzipSync(js).length)} gzip` }
  } finally {
    await browser.close()
    page.close()
  }
}
