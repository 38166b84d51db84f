/**
 * The kill campaign of issue 12: the CLI SIGKILLed at random moments (and, where the test owns the server, the server
 * SIGKILLed mid-upload and restarted), uploads rerun until done, object after object. Every request goes through a
 * counting proxy, so the campaign knows exactly how many part bytes were sent in all.
 *
 * What it checks, per campaign: every object reads back as its file (SHA-256 through `get`, CRC-64 through `stat`),
 * nothing is left over (no incomplete upload in the bucket, no checkpoint), no rerun starts over, and the part bytes
 * sent beyond the objects' sizes stay within one `parallel × partSize` per kill (what can be in flight when one
 * lands). The caller picks the size: a CI sample in the test command, the full campaign behind KILL_CAMPAIGN=full.
 */
import { createHash, randomBytes } from "node:crypto"
import { mkdirSync, readFileSync, writeFileSync } from "node:fs"
import { join } from "node:path"
import { assert } from "@effect/vitest"
import * as Crc64 from "../../core/Crc64.ts"
import { startCountingProxy } from "../support/countingProxy.ts"
import { type CliResult, type CliRun, type Launcher, seededRandom, sleep } from "./cliProcess.ts"

export interface CampaignTarget {
  readonly name: string
  /** The store's base URL; the CLI talks to it through the proxy. */
  readonly upstream: string
  readonly scheme: "oss" | "s3"
  readonly bucket: string
  readonly env: Readonly<Record<string, string>>
  readonly partSizeBytes: number
  readonly fileBytes: number
  /** Restarts the server (same port, same data); present when the campaign may SIGKILL the server. */
  readonly restartServer?: (killed: CliRun) => Promise<CliRun>
  readonly server?: CliRun
  /** Runs `bucket create` first (a real store has no bucket until then). */
  readonly createBucket?: boolean
}

export interface CampaignSize {
  readonly cliKills: number
  readonly serverKills: number
  readonly killsPerObject: number
  readonly seed: number
}

export interface CampaignReport {
  readonly objects: number
  readonly cliKillsLanded: number
  readonly serverKillsLanded: number
  readonly partBytesSent: number
  readonly resentBytes: number
  readonly resentBytesBound: number
  readonly elapsedMs: number
}

const parallel = 3
const progressLine = /^(uploading|completing): .* committed/m

export const runKillCampaign = async (
  launcher: Launcher,
  dir: string,
  target: CampaignTarget,
  size: CampaignSize
): Promise<CampaignReport> => {
  const started = performance.now()
  const rand = seededRandom(size.seed)
  const proxy = await startCountingProxy(target.upstream)
  mkdirSync(dir, { recursive: true })
  const options = { cwd: dir, env: target.env }
  const storeFlags = ["--endpoint", proxy.url]
  let server = target.server
  let cliKills = 0
  let serverKills = 0
  let objects = 0
  const transcript: Array<string> = []
  const context = () => `${target.name}, seed ${size.seed}\n${transcript.slice(-6).join("\n")}`
  try {
    if (target.createBucket === true) {
      const created = await launcher.run(
        ["bucket", "create", `${target.scheme}://${target.bucket}`, ...storeFlags],
        options
      )
      assert.strictEqual(created.code, 0, launcher.describe(created))
    }
    while (cliKills < size.cliKills || serverKills < size.serverKills) {
      const file = `object-${objects}.bin`
      writeFileSync(join(dir, file), randomBytes(target.fileBytes))
      const remote = `${target.scheme}://${target.bucket}/campaign/${file}`
      const partSize = `${target.partSizeBytes / 1024 ** 2}MiB`
      const args = ["put", file, remote, "--part-size", partSize, "--parallel", String(parallel)]
      let done: CliResult | undefined
      for (let attempt = 0; done === undefined; attempt++) {
        assert.isBelow(attempt, size.killsPerObject + 12, `object ${objects} never finished; ${context()}`)
        const run = launcher.start([...args, ...storeFlags], options)
        const killing = attempt < size.killsPerObject
        const killServer = killing && server !== undefined && serverKills < size.serverKills && rand() < 0.25
        const killCli = killing && !killServer && cliKills < size.cliKills
        if (killCli || killServer) {
          const printed = await run.waitForOutput(progressLine, 60_000).then(
            () => true,
            () => false
          )
          if (printed) await sleep(20 + Math.floor(rand() * 400))
          if (killServer && server !== undefined && target.restartServer !== undefined) {
            server.signal("SIGKILL")
            await server.result(10_000)
            server = await target.restartServer(server)
            serverKills++
          } else if (killCli) {
            run.signal("SIGKILL")
          }
        }
        const result = await run.result(120_000)
        transcript.push(`${result.args.join(" ")} → ${result.code ?? result.signal}: ${result.stdout.slice(-300)}`)
        if (result.signal === "SIGKILL") cliKills++
        assert.notMatch(result.stdout, /starting over/, `a rerun started over; ${context()}`)
        if (result.code === 0) done = result
        else if (result.signal === null) assert.strictEqual(result.code, 1, `a failed run exits 1; ${context()}`)
      }
      await assertStored(launcher, options, remote, join(dir, file), storeFlags, context)
      objects++
    }
    const leftovers = await launcher.run(
      ["uploads", "ls", `${target.scheme}://${target.bucket}`, ...storeFlags],
      options
    )
    assert.match(leftovers.stdout, /^0 incomplete uploads in /m, `uploads left over; ${context()}`)
    const checkpoints = await launcher.run(["checkpoints", "ls"], options)
    assert.match(checkpoints.stdout, /^0 checkpoints in /m, `checkpoints left over; ${context()}`)

    const partBytesSent = proxy.log
      .filter((e) => e.method === "PUT" && e.query.partNumber !== undefined)
      .reduce((sum, e) => sum + e.requestBytes, 0)
    const resentBytes = partBytesSent - objects * target.fileBytes
    const resentBytesBound = (cliKills + serverKills) * parallel * target.partSizeBytes
    assert.isAtMost(resentBytes, resentBytesBound, `bytes re-sent beyond one in-flight window per kill; ${context()}`)
    return {
      objects,
      cliKillsLanded: cliKills,
      serverKillsLanded: serverKills,
      partBytesSent,
      resentBytes,
      resentBytesBound,
      elapsedMs: performance.now() - started
    }
  } finally {
    await proxy.close()
  }
}

/** `stat` reports the file's size and CRC-64; `get` brings back its bytes. */
const assertStored = async (
  launcher: Launcher,
  options: { readonly cwd: string; readonly env: Readonly<Record<string, string>> },
  remote: string,
  path: string,
  storeFlags: ReadonlyArray<string>,
  context: () => string
) => {
  const local = readFileSync(path)
  const stat = await launcher.run(["stat", remote, "--json", ...storeFlags], options)
  assert.strictEqual(stat.code, 0, `${launcher.describe(stat)}\n${context()}`)
  const info = JSON.parse(stat.stdout) as { sizeBytes: number; crc64?: string }
  assert.strictEqual(info.sizeBytes, local.length, context())
  if (info.crc64 !== undefined) assert.strictEqual(info.crc64, Crc64.toDecimal(Crc64.compute(local)), context())
  const fetched = await launcher.run(["get", remote, `${path}.fetched`, ...storeFlags], options)
  assert.strictEqual(fetched.code, 0, `${launcher.describe(fetched)}\n${context()}`)
  const digest = (bytes: Uint8Array) => createHash("sha256").update(bytes).digest("hex")
  assert.strictEqual(digest(readFileSync(`${path}.fetched`)), digest(local), `object bytes differ; ${context()}`)
}
