/**
 * The command line as one runnable file for the end-to-end tests.
 *
 * Under tsx the CLI spends ~4-6 s loading modules before it does anything, so a test that starts it a dozen times
 * (every SIGKILL needs a fresh process) would spend most of its time compiling TypeScript. esbuild bundles
 * `adapters/cli/bin.ts` once per test run into `.cache/cli/cli.mjs`, which starts in a few hundred
 * milliseconds. If the bundle cannot be built or does not run, the tests fall back to tsx, slower but the same code.
 *
 * Either way the command is `node <args…>` with no wrapper process in between: `tsx <file>` runs the program in a
 * child of its own, and a signal sent to the wrapper would reach (or, for SIGKILL, orphan) that child instead of
 * being the real thing. The fallback therefore uses `node --import tsx`, which loads TypeScript in-process.
 */
import { spawnSync } from "node:child_process"
import { mkdirSync, renameSync, rmSync } from "node:fs"
import { createRequire } from "node:module"
import { dirname, join, resolve } from "node:path"
import { fileURLToPath, pathToFileURL } from "node:url"
import { build } from "esbuild"

/** The repository root (this file is `tests/cli/cliBundle.ts`). */
export const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), "../..")

const entry = join(repoRoot, "adapters/cli/bin.ts")
/** Workspace packages resolve to their TypeScript sources under this export condition (see vitest.config.ts). */
const sourceCondition = "@resumable-upload/source"
const outDir = join(repoRoot, ".cache/cli")
const outFile = join(outDir, "cli.mjs")
// The embedded store's server thread (adapters/cli/EmbeddedServerThread.ts) loads this file from next to the bundle.
const workerEntry = join(repoRoot, "adapters/cli/EmbeddedServerWorker.ts")
const workerOutFile = join(outDir, "EmbeddedServerWorker.js")
// So do the part hashers' worker threads (adapters/node/NodeWorkerHasher.ts).
const hashWorkerEntry = join(repoRoot, "adapters/node/NodeHashWorker.ts")
const hashWorkerOutFile = join(outDir, "NodeHashWorker.js")

/** How to start the CLI: `process.execPath` followed by `prefix`, then the CLI's own arguments. */
export interface CliCommand {
  readonly kind: "bundle" | "tsx"
  readonly prefix: ReadonlyArray<string>
  /** Why the bundle is not used, when `kind` is `"tsx"`. */
  readonly fallbackReason?: string
  /** Wall time of the esbuild build, when one was attempted. */
  readonly buildMs?: number
}

/**
 * Bundles the CLI into `.cache/cli/cli.mjs`. Written under a unique name and renamed into place, because another
 * test run (other people work in this checkout concurrently) may be starting the previous bundle at this moment,
 * and a rename never shows a half-written file.
 */
export const buildBundle = async (): Promise<string> => {
  mkdirSync(outDir, { recursive: true })
  const stamp = `${process.pid}.${Date.now()}`
  // The workers go into place first: a run that sees the new cli.mjs must find the workers that belong to it.
  for (const [entryFile, finalFile] of [
    [workerEntry, workerOutFile],
    [hashWorkerEntry, hashWorkerOutFile],
    [entry, outFile]
  ] as const) {
    const temp = `${finalFile}.${stamp}.tmp.mjs`
    try {
      await build({
        entryPoints: [entryFile],
        bundle: true,
        platform: "node",
        format: "esm",
        target: "node22",
        conditions: [sourceCondition],
        outfile: temp,
        logLevel: "silent",
        // Some dependencies (cli-progress) are CommonJS and call `require` for Node builtins, which an ES module
        // does not have. The import is aliased: bundled modules may import `createRequire` themselves at the top.
        banner: {
          js: 'import { createRequire as __bannerCreateRequire } from "node:module"; const require = __bannerCreateRequire(import.meta.url);'
        }
      })
      renameSync(temp, finalFile)
    } finally {
      rmSync(temp, { force: true })
    }
  }
  return outFile
}

/** The tsx loader as a file URL, so `--import` resolves it from any working directory (the tests run in temp dirs). */
const tsxLoader = (): string => pathToFileURL(createRequire(join(repoRoot, "package.json")).resolve("tsx")).href

/** The CLI through tsx, in-process (see the module comment for why not the `tsx` binary). */
export const tsxCommand = (fallbackReason?: string): CliCommand => ({
  kind: "tsx",
  prefix: [`--conditions=${sourceCondition}`, "--import", tsxLoader(), entry],
  ...(fallbackReason === undefined ? {} : { fallbackReason })
})

/**
 * Runs `put --help` and returns the wall time, or throws with the output when it does not print the usage. Not
 * `--version`: the binary answers that before it loads the CLI, so it would not show that the bundle loads.
 */
export const measureStartupMs = (command: CliCommand): number => {
  const started = performance.now()
  const result = spawnSync(process.execPath, [...command.prefix, "put", "--help"], {
    encoding: "utf8",
    timeout: 60_000
  })
  const elapsed = performance.now() - started
  if (result.status !== 0 || !result.stdout.includes("USAGE")) {
    // The error without its stack: enough to see why the bundle is unusable in the test log.
    const stderr = result.stderr
      .split("\n")
      .filter((l) => l.trim() !== "" && !/^\s+at /.test(l))
      .slice(-4)
      .join(" | ")
    throw new Error(`${command.kind} CLI failed to start (status ${result.status}): ${result.error?.message ?? stderr}`)
  }
  return elapsed
}

/** The bundle when it builds and starts, tsx otherwise (or when `CLI_E2E_RUNNER=tsx` asks for it). */
export const prepareCli = async (): Promise<CliCommand> => {
  // To check that the bundle behaves like the sources, run the same tests against tsx.
  if (process.env.CLI_E2E_RUNNER === "tsx") return tsxCommand("CLI_E2E_RUNNER=tsx")
  const started = performance.now()
  try {
    const file = await buildBundle()
    const command: CliCommand = { kind: "bundle", prefix: [file], buildMs: performance.now() - started }
    measureStartupMs(command)
    return command
  } catch (e) {
    return tsxCommand(e instanceof Error ? e.message : String(e))
  }
}
