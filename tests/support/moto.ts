/**
 * moto (the Python AWS emulator, `python3 -m moto.server`) for the live S3 suites: each suite starts its own server
 * on a free 127.0.0.1 port, waits until it answers, and stops it when done, so suites never share state or ports.
 *
 * moto is a Python package, not an npm one: when `python3 -c "import moto"` fails, the suites skip with the reason,
 * and under `MOTO_REQUIRED=1` (the node stages of .ci/test.sh) they fail instead, so CI cannot pass by skipping.
 */
import { type ChildProcess, execFile, spawn } from "node:child_process"
import { createServer } from "node:net"

/** Any key pair works with moto; region us-east-1. */
export const motoCredentials = { accessKeyId: "moto-ak", secretAccessKey: "moto-secret" } as const

/** `MOTO_REQUIRED=1`: a missing moto fails the suites instead of skipping them. */
export const motoRequired = process.env.MOTO_REQUIRED === "1"

/** How a developer gets moto. */
export const motoHint = "moto is not importable by python3; install it with: python3 -m pip install 'moto[server]'"

/** Startup took 0.7–2.5 s on this machine; 30 s leaves room for a loaded CI box. */
const startTimeoutMs = 30_000

let probe: Promise<string | undefined> | undefined

/** The installed moto version, or `undefined` when python3 cannot import it; probed once. */
export const motoVersion = (): Promise<string | undefined> => {
  probe ??= new Promise((resolve) => {
    execFile("python3", ["-c", "import moto.server, moto; print(moto.__version__)"], { timeout: 20_000 }, (e, out) =>
      resolve(e === null ? out.trim() : undefined)
    )
  })
  return probe
}

/**
 * True when moto can be started; when not, prints why `suite` is skipped, or (with {@link motoRequired}) rejects,
 * so a suite gating on it with a top-level `await` fails as a whole.
 */
export const motoGate = async (suite: string): Promise<boolean> => {
  const version = await motoVersion()
  if (version !== undefined) return true
  if (motoRequired) throw new Error(`MOTO_REQUIRED=1 but ${motoHint}`)
  console.warn(`Skipping ${suite}. ${motoHint} (set MOTO_REQUIRED=1 to fail instead)`)
  return false
}

const freePort = (): Promise<number> =>
  new Promise((resolve, reject) => {
    const server = createServer()
    server.once("error", reject)
    server.listen(0, "127.0.0.1", () => {
      const address = server.address()
      const port = typeof address === "object" && address !== null ? address.port : 0
      server.close(() => resolve(port))
    })
  })

/** A running moto server. */
export interface MotoServer {
  readonly url: string
  readonly close: () => Promise<void>
}

/** Starts `python3 -m moto.server -H 127.0.0.1 -p <free port>` and resolves once it answers HTTP. */
export const startMoto = async (): Promise<MotoServer> => {
  const port = await freePort()
  const url = `http://127.0.0.1:${port}`
  const child: ChildProcess = spawn("python3", ["-m", "moto.server", "-H", "127.0.0.1", "-p", String(port)], {
    stdio: ["ignore", "ignore", "pipe"]
  })
  let stderr = ""
  child.stderr?.on("data", (chunk: Buffer) => {
    stderr = `${stderr}${chunk.toString()}`.slice(-4000)
  })
  const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()))
  const close = async () => {
    if (child.exitCode === null && child.signalCode === null) child.kill("SIGTERM")
    await exited
  }
  const deadline = Date.now() + startTimeoutMs
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`moto exited with code ${child.exitCode}: ${stderr}`)
    const up = await fetch(url, { signal: AbortSignal.timeout(1000) }).then(
      async (r) => {
        await r.arrayBuffer()
        return true
      },
      () => false
    )
    if (up) return { url, close }
    await new Promise((resolve) => setTimeout(resolve, 100))
  }
  await close()
  throw new Error(`moto did not answer at ${url} within ${startTimeoutMs} ms: ${stderr}`)
}
