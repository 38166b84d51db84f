/**
 * Child processes for the end-to-end tests: start the CLI (bundle or tsx, see `cliBundle.ts`), wait for a line it
 * prints, signal it, and collect its exit code and output. Every process started here is remembered until it has
 * exited, so a failing test can still kill what it left running (`killAll` in `afterEach`).
 */
import { type ChildProcess, spawn } from "node:child_process"
import { createServer } from "node:net"
import type { Readable } from "node:stream"
import type { CliCommand } from "./cliBundle.ts"

/** How a CLI process ended. */
export interface CliResult {
  readonly args: ReadonlyArray<string>
  /** `null` when the process was ended by a signal. */
  readonly code: number | null
  readonly signal: NodeJS.Signals | null
  readonly stdout: string
  readonly stderr: string
  readonly elapsedMs: number
}

/** A running CLI process. */
export interface CliRun {
  readonly pid: number
  readonly stdout: () => string
  readonly stderr: () => string
  /** Resolves with the first match of `pattern` in everything printed on stdout so far or later. */
  readonly waitForOutput: (pattern: RegExp, timeoutMs: number) => Promise<RegExpMatchArray>
  readonly signal: (signal: NodeJS.Signals) => void
  /** Resolves when the process has exited; fails if that takes longer than `timeoutMs` (and kills it then). */
  readonly result: (timeoutMs: number) => Promise<CliResult>
}

export interface StartOptions {
  readonly cwd: string
  readonly env?: Readonly<Record<string, string>>
  /** The child's standard input: none (default), or another process's output piped in. */
  readonly stdin?: "ignore" | Readable
}

/**
 * The environment for a child: the test runner's, minus everything that would point the CLI at a real store. With
 * `OSS_ENDPOINT`, `AWS_ENDPOINT_URL` or a config file inherited from a developer's shell, "the embedded default" would
 * silently upload somewhere else. `HOME` is the working directory, so a developer's `~/.aws` or `~/.ossutilconfig`
 * is not read either (a test that means to give one writes it there).
 */
const childEnv = (cwd: string, extra: Readonly<Record<string, string>> | undefined): NodeJS.ProcessEnv => {
  const env: NodeJS.ProcessEnv = {}
  for (const [name, value] of Object.entries(process.env)) {
    if (name.startsWith("OSS_") || name.startsWith("AWS_") || name === "RESUMABLE_UPLOAD_CONFIG") continue
    env[name] = value
  }
  return { ...env, HOME: cwd, NO_COLOR: "1", ...extra }
}

const describeRun = (args: ReadonlyArray<string>, stdout: string, stderr: string) =>
  `cli ${args.join(" ")}\n--- stdout ---\n${stdout}\n--- stderr ---\n${stderr}`

/** Starts CLI processes from one command and tracks them until they exit. */
export const makeLauncher = (command: CliCommand) => {
  const live = new Set<ChildProcess>()

  const start = (args: ReadonlyArray<string>, options: StartOptions): CliRun => {
    const started = performance.now()
    // Spawned as `node …` directly: signals reach the CLI itself, not a wrapper (see cliBundle.ts).
    const child = spawn(process.execPath, [...command.prefix, ...args], {
      cwd: options.cwd,
      env: childEnv(options.cwd, options.env),
      stdio: [options.stdin ?? "ignore", "pipe", "pipe"]
    })
    if (child.pid === undefined) throw new Error(`could not start ${process.execPath}`)
    live.add(child)
    let stdout = ""
    let stderr = ""
    const watchers = new Set<() => void>()
    child.stdout?.setEncoding("utf8")
    child.stderr?.setEncoding("utf8")
    child.stdout?.on("data", (chunk: string) => {
      stdout += chunk
      for (const watch of watchers) watch()
    })
    child.stderr?.on("data", (chunk: string) => {
      stderr += chunk
    })
    // "close", not "exit": it comes after the pipes are drained, so the output is complete.
    const closed = new Promise<CliResult>((resolve) => {
      child.on("close", (code, signal) => {
        live.delete(child)
        for (const watch of watchers) watch()
        resolve({ args, code, signal, stdout, stderr, elapsedMs: performance.now() - started })
      })
    })
    let exited = false
    void closed.then(() => {
      exited = true
    })

    const waitForOutput = (pattern: RegExp, timeoutMs: number) =>
      new Promise<RegExpMatchArray>((resolve, reject) => {
        const timer = setTimeout(() => {
          watchers.delete(check)
          reject(
            new Error(`timed out after ${timeoutMs} ms waiting for ${pattern}\n${describeRun(args, stdout, stderr)}`)
          )
        }, timeoutMs)
        const check = () => {
          const match = pattern.exec(stdout)
          if (match !== null) {
            clearTimeout(timer)
            watchers.delete(check)
            resolve(match)
          } else if (exited || child.exitCode !== null || child.signalCode !== null) {
            clearTimeout(timer)
            watchers.delete(check)
            reject(new Error(`exited before printing ${pattern}\n${describeRun(args, stdout, stderr)}`))
          }
        }
        watchers.add(check)
        check()
      })

    const result = (timeoutMs: number) =>
      new Promise<CliResult>((resolve, reject) => {
        const timer = setTimeout(() => {
          child.kill("SIGKILL")
          reject(new Error(`still running after ${timeoutMs} ms, killed\n${describeRun(args, stdout, stderr)}`))
        }, timeoutMs)
        void closed.then((r) => {
          clearTimeout(timer)
          resolve(r)
        })
      })

    return {
      pid: child.pid,
      stdout: () => stdout,
      stderr: () => stderr,
      waitForOutput,
      signal: (signal) => {
        child.kill(signal)
      },
      result
    }
  }

  /** Starts the CLI and waits for it to exit. */
  const run = (args: ReadonlyArray<string>, options: StartOptions, timeoutMs = 60_000) =>
    start(args, options).result(timeoutMs)

  /** SIGKILLs every process still running (each by its own handle) and waits until they are gone. */
  const killAll = async () => {
    const waits = [...live].map(
      (child) =>
        new Promise<void>((resolve) => {
          child.once("close", () => resolve())
          child.kill("SIGKILL")
        })
    )
    await Promise.all(waits)
  }

  return { start, run, killAll, describe: (r: CliResult) => describeRun(r.args, r.stdout, r.stderr) }
}

export type Launcher = ReturnType<typeof makeLauncher>

/** A port that was free a moment ago: bind port 0, read what the kernel chose, release it. */
export const freePort = () =>
  new Promise<number>((resolve, reject) => {
    const server = createServer()
    server.once("error", reject)
    server.listen(0, "127.0.0.1", () => {
      const address = server.address()
      server.close(() => {
        if (address !== null && typeof address === "object") resolve(address.port)
        else reject(new Error("no port"))
      })
    })
  })

/** A small seeded generator (mulberry32): the kill moments of a failing run can be replayed from its seed. */
export const seededRandom = (seed: number) => {
  let state = seed >>> 0
  return () => {
    state = (state + 0x6d2b79f5) >>> 0
    let t = state
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
}

export const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms))
