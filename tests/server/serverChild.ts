/**
 * A local server in a child process, for the kill and memory tests: tests/server/serverProcess.ts bundled once by
 * esbuild (under tsx the child would spend its first seconds, and ~70 MB, compiling TypeScript, which would swamp
 * a memory bound), started as `node <bundle>` with no wrapper, so SIGKILL hits the server itself.
 */
import { type ChildProcess, spawn } from "node:child_process"
import { mkdirSync, readFileSync, renameSync, rmSync } from "node:fs"
import { dirname, join, resolve } from "node:path"
import { fileURLToPath } from "node:url"
import { build } from "esbuild"

const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), "../..")
let bundle: Promise<string> | undefined

/** Bundles serverProcess.ts into `.cache/server/` (unique name, renamed into place: other runs may be reading it). */
const buildOnce = (): Promise<string> => {
  bundle ??= (async () => {
    const outDir = join(repoRoot, ".cache/server")
    mkdirSync(outDir, { recursive: true })
    const outFile = join(outDir, "server.mjs")
    const temp = join(outDir, `server.${process.pid}.${Date.now()}.mjs`)
    try {
      await build({
        entryPoints: [join(repoRoot, "tests/server/serverProcess.ts")],
        bundle: true,
        platform: "node",
        format: "esm",
        target: "node22",
        conditions: ["@resumable-upload/source"],
        outfile: temp,
        logLevel: "silent"
      })
      renameSync(temp, outFile)
    } finally {
      rmSync(temp, { force: true })
    }
    return outFile
  })()
  return bundle
}

export interface ChildServer {
  readonly url: string
  readonly port: number
  readonly pid: number
  /** Peak resident set size so far (`VmHWM` of /proc/<pid>/status), in bytes. */
  readonly peakRssBytes: () => number
  readonly kill: () => Promise<void>
}

/** Starts a server on `directory` and waits for its `ready <port>` line. */
export const startChildServer = async (directory: string): Promise<ChildServer> => {
  const file = await buildOnce()
  const child: ChildProcess = spawn(process.execPath, [file], {
    env: { ...process.env, LOCAL_OSS_DIR: directory },
    stdio: ["ignore", "pipe", "inherit"]
  })
  const exited = new Promise<void>((resolveExit) => child.once("exit", () => resolveExit()))
  const port = await new Promise<number>((resolvePort, reject) => {
    let seen = ""
    child.stdout?.on("data", (chunk: Buffer) => {
      seen += chunk.toString()
      const match = /ready (\d+)/.exec(seen)
      if (match !== null) resolvePort(Number(match[1]))
    })
    child.once("exit", (code) => reject(new Error(`server exited early with ${code}`)))
  })
  const pid = child.pid ?? 0
  return {
    url: `http://127.0.0.1:${port}`,
    port,
    pid,
    peakRssBytes: () => {
      const match = /VmHWM:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, "utf8"))
      return Number(match?.[1] ?? 0) * 1024
    },
    kill: async () => {
      child.kill("SIGKILL")
      await exited
    }
  }
}
