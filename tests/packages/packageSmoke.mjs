/**
 * The package test: what a user does, outside the repo, with nothing but the published artefacts. Plain Node runs
 * it (no TypeScript loader), after `tsc -b` has built every package's dist/.
 *
 * 1. `npm pack` every workspace package; check each tarball holds built JavaScript, declarations and source maps
 *    and no tests or TypeScript sources; print its packed size.
 * 2. Install the tarballs (and `effect`) into a scratch project in the system temp directory; exactly one copy of
 *    `effect` may be installed.
 * 3. Start the local server from the installed binary (`resumable-upload serve`, the README's command), then run
 *    every README example against it: the Node ones on Node 22, the PATH's Node (24 here) and Bun, the Deno one, the browser one
 *    bundled by esbuild from the installed packages and run in Chromium, the shell one with bash.
 * 4. Read every uploaded object back and compare it with the file byte for byte; time `resumable-upload --version`.
 *
 * Prints one line per check and ends with `packages: N passed, M failed` (exit 1 when any failed).
 */
import { spawnSync } from "node:child_process"
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs"
import { tmpdir } from "node:os"
import { dirname, join, resolve } from "node:path"
import { fileURLToPath } from "node:url"
import { runBrowserExample } from "./browserExample.mjs"
import { readmeExamples } from "./readmeExamples.mjs"
import { installScratch, packAll } from "./scratchProject.mjs"
import { serverKeys, startServer } from "./serverProcess.mjs"

const repo = resolve(dirname(fileURLToPath(import.meta.url)), "../..")
const results = []
const check = async (name, body) => {
  const started = Date.now()
  try {
    const detail = await body()
    results.push(true)
    console.log(`ok    ${name}${detail ? `: ${detail}` : ""} (${Date.now() - started} ms)`)
  } catch (e) {
    results.push(false)
    console.log(`FAIL  ${name}: ${e instanceof Error ? e.message : String(e)}`)
  }
}
/** Runs a command in the scratch project; throws with its output when it fails. */
const run = (cwd, command, args, env = {}) => {
  const r = spawnSync(command, args, { cwd, encoding: "utf8", env: { ...process.env, ...env }, timeout: 300_000 })
  if (r.status !== 0)
    throw new Error(`${command} ${args.join(" ")} exited ${r.status}: ${(r.stderr || r.stdout).slice(-1500)}`)
  return r.stdout
}

const work = mkdtempSync(join(tmpdir(), "resumable-upload-packages-"))
const app = join(work, "app")
const node22 = process.env.NODE22_BIN
const bunBin = process.env.BUN_BIN
const denoBin = join(repo, "node_modules/.bin/deno")
const bin = join(app, "node_modules/resumable-upload/dist/bundle/resumable-upload.js")
let server
try {
  let tarballs = []
  await check("npm pack every package", () => {
    tarballs = packAll(repo, join(work, "tarballs"))
    return tarballs.map((t) => `${t.name} ${(t.packedBytes / 1024).toFixed(1)} kB`).join(", ")
  })
  await check("install the tarballs into a scratch project, one copy of effect", () => installScratch(app, tarballs))

  const examples = readmeExamples(join(repo, "README.md"))
  const video = join(app, "video.mp4")
  const videoBytes = Buffer.from(new Uint8Array(20 * 1024 * 1024 + 12345).map((_, i) => (i * 2654435761) >>> 24))
  writeFileSync(video, videoBytes)
  const serve = examples.find((e) => e.name === "serve")
  await check("start the local server with the README's serve command", async () => {
    server = await startServer(app, serve.code)
    return server.url
  })
  const env = { ...serverKeys(serve.code) }
  /** Reads `demo/<key>` back with the installed CLI's `get` (signed, like any client) and compares it. */
  const readBack = async (key) => {
    const out = join(work, `read-${key}`)
    run(app, process.execPath, [bin, "get", `s3://demo/${key}`, out, "--endpoint", server.url], env)
    const got = readFileSync(out)
    if (!got.equals(videoBytes)) throw new Error(`demo/${key} differs from video.mp4 (${got.length} bytes stored)`)
    rmSync(out)
  }

  for (const example of examples) {
    if (example.name === "serve") continue
    const file = join(app, `${example.name}.${example.lang === "ts" ? "ts" : example.lang === "sh" ? "sh" : "mjs"}`)
    writeFileSync(file, example.code)
    const keys = [...example.code.matchAll(/(?:key: |s3:\/\/demo\/|oss:\/\/demo\/)"?([\w.-]+\.mp4)/g)].map((m) => m[1])
    if (example.name.startsWith("node")) {
      const runtimes = [
        ["Node 22", node22],
        [`Node ${process.versions.node}`, process.execPath],
        ["Bun", bunBin]
      ]
      for (const [label, nodeBin] of runtimes) {
        await check(`README ${example.name} on ${label}`, async () => {
          const out = run(app, nodeBin, [file], env)
          for (const key of keys) await readBack(key)
          return out.trim().split("\n").pop()
        })
      }
    } else if (example.name.startsWith("deno")) {
      await check(`README ${example.name} under Deno`, async () => {
        const out = run(app, denoBin, ["run", "-A", file], env)
        for (const key of keys) await readBack(key)
        return out.trim().split("\n").pop()
      })
    } else if (example.name.startsWith("browser")) {
      await check(`README ${example.name}: bundled by esbuild from node_modules, run in Chromium`, async () => {
        const { summary } = await runBrowserExample(app, file, video)
        await readBack("video.mp4")
        return summary
      })
    } else if (example.lang === "sh") {
      await check(`README ${example.name} with bash`, async () => {
        const out = run(app, "bash", ["-euo", "pipefail", file], {
          ...env,
          PATH: `${join(app, "node_modules/.bin")}:${process.env.PATH}`
        })
        for (const key of keys) await readBack(key)
        return out.trim().split("\n").pop()
      })
    } else throw new Error(`README example ${example.name}: no runner for it`)
  }

  await check("resumable-upload --version from Node and Deno", () => {
    const expected = JSON.parse(readFileSync(join(repo, "adapters/cli/package.json"), "utf8")).version
    const fromNode = run(app, process.execPath, [bin, "--version"]).trim()
    const fromDeno = run(app, denoBin, ["run", "-A", bin, "--version"]).trim()
    if (fromNode !== expected || fromDeno !== expected)
      throw new Error(`printed ${fromNode} / ${fromDeno}, expected ${expected}`)
    const times = Array.from({ length: 11 }, () => {
      const t = process.hrtime.bigint()
      run(app, process.execPath, [bin, "--version"])
      return Number(process.hrtime.bigint() - t) / 1e6
    }).sort((a, b) => a - b)
    return `median ${times[5].toFixed(0)} ms over 11 runs (min ${times[0].toFixed(0)}, max ${times[10].toFixed(0)})`
  })
  await check("resumable-upload put --help from Deno", () => {
    const out = run(app, denoBin, ["run", "-A", bin, "put", "--help"])
    if (!out.includes("USAGE")) throw new Error(`no usage printed: ${out.slice(0, 300)}`)
  })
} finally {
  await server?.stop()
  if (!process.env.KEEP_PACKAGE_TEST) rmSync(work, { recursive: true, force: true })
}
const passed = results.filter(Boolean).length
console.log(`packages: ${passed} passed, ${results.length - passed} failed`)
process.exit(results.length === passed ? 0 : 1)
