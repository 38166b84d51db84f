import { existsSync, mkdirSync, mkdtempSync, rmSync, statSync, writeFileSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { CreateBucketCommand, GetObjectCommand, S3Client } from "@aws-sdk/client-s3"
import { afterAll, afterEach, assert, beforeAll, describe, it } from "@effect/vitest"
import { prepareCli } from "./cliBundle.ts"
import { type CliRun, freePort, type Launcher, makeLauncher, sleep } from "./cliProcess.ts"
import { expected, makeWriters } from "./streamWriter.ts"

const KiB = 1024
const MiB = 1024 * KiB

const keys = { accessKeyId: "streams-key", secretAccessKey: "streams-secret" }
let launcher: Launcher
let root: string
let server: CliRun
let s3: S3Client
/** The environment and flag that point a CLI at the server. */
let env: Record<string, string>
let endpointFlags: ReadonlyArray<string>
let writers: ReturnType<typeof makeWriters>
const waitUntil = async (condition: () => boolean, timeoutMs: number, what: string) => {
  const deadline = Date.now() + timeoutMs
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`)
    await sleep(10)
  }
}

beforeAll(async () => {
  launcher = makeLauncher(await prepareCli())
  root = mkdtempSync(join(tmpdir(), "cli-streams-"))
  writers = makeWriters(root)
  const port = await freePort()
  server = launcher.start(["serve", "--data-dir", join(root, "data"), "--port", String(port)], {
    cwd: root,
    env: { OSS_ACCESS_KEY_ID: keys.accessKeyId, OSS_ACCESS_KEY_SECRET: keys.secretAccessKey }
  })
  await server.waitForOutput(/^serving OSS and S3 at /m, 30_000)
  const endpoint = `http://127.0.0.1:${port}`
  endpointFlags = ["--endpoint", endpoint]
  env = {
    AWS_ACCESS_KEY_ID: keys.accessKeyId,
    AWS_SECRET_ACCESS_KEY: keys.secretAccessKey,
    AWS_REGION: "us-east-1",
    OSS_ACCESS_KEY_ID: keys.accessKeyId,
    OSS_ACCESS_KEY_SECRET: keys.secretAccessKey
  }
  s3 = new S3Client({ endpoint, region: "us-east-1", forcePathStyle: true, credentials: keys })
  await s3.send(new CreateBucketCommand({ Bucket: "streams" }))
}, 120_000)

afterEach(() => {
  writers?.killAll()
})

afterAll(async () => {
  s3?.destroy()
  await launcher?.killAll()
  if (root !== undefined) rmSync(root, { recursive: true, force: true })
})

/** The object's bytes as the server holds them (either scheme: the server keeps one store for both). */
const fetched = async (target: string) => {
  const key = target.replace(/^(oss|s3):\/\/streams\//, "")
  const answer = await s3.send(new GetObjectCommand({ Bucket: "streams", Key: key }))
  return new Uint8Array((await answer.Body?.transformToByteArray()) ?? [])
}

/** A CLI command against the server. */
const cli = (args: ReadonlyArray<string>) => [...args, ...endpointFlags]

/** Two parts committed: the first one's checkpoint record is written by then (records follow the progress event). */
const committedLine = /"event":"progress"[^\n]*"partsCommitted":[2-9]/

describe("resumable-upload CLI streams", () => {
  it("cp - from a producer: one-shot notice, killed and rerun resumes by digest, byte for byte", async () => {
    const dir = join(root, "stdin")
    mkdirSync(dir)
    const total = 3 * MiB
    const target = "oss://streams/stdin.bin"
    const args = cli(["cp", "-", target, "--part-size", "256KiB", "--parallel", "2", "--json"])
    // A slow producer, so the CLI is killed with some parts committed and more to come.
    const slow = writers.start("stdout", "-", total, 16 * KiB, 15)
    const first = launcher.start(args, { cwd: dir, env, stdin: slow.child.stdout ?? "ignore" })
    await first.waitForOutput(/"_tag":"StreamNotReplayable"/, 30_000)
    await first.waitForOutput(committedLine, 30_000)
    first.signal("SIGKILL")
    const killed = await first.result(10_000)
    assert.strictEqual(killed.signal, "SIGKILL", launcher.describe(killed))
    slow.child.kill("SIGKILL")
    const kept = await launcher.run(["checkpoints", "ls", "--json"], { cwd: dir, env })
    assert.match(kept.stdout, /"source":"-","committedBytes":[1-9][0-9]*,"stream":true/, launcher.describe(kept))

    const again = writers.start("stdout", "-", total, 256 * KiB, 0)
    const rerun = await launcher.start(args, { cwd: dir, env, stdin: again.child.stdout ?? "ignore" }).result(60_000)
    const context = `${launcher.describe(killed)}\n${launcher.describe(rerun)}`
    assert.strictEqual(rerun.code, 0, context)
    const resumed = /"_tag":"Resumed"[^\n]*"trustedParts":([0-9]+)/.exec(rerun.stdout)
    assert.isNotNull(resumed, context)
    assert.isAbove(Number(resumed?.[1]), 0, `committed parts were kept and verified; ${context}`)
    assert.match(rerun.stdout, /"event":"completed"[^\n]*"sizeBytes":3145728/, context)
    assert.deepStrictEqual(await fetched(target), expected(total))

    // An empty stdin is a 0-byte object.
    const empty = writers.start("stdout", "-", 0, 1, 0)
    const none = await launcher
      .start(cli(["cp", "-", "oss://streams/empty.bin"]), { cwd: dir, env, stdin: empty.child.stdout ?? "ignore" })
      .result(30_000)
    assert.strictEqual(none.code, 0, launcher.describe(none))
    assert.match(none.stdout, /cannot be replayed/, launcher.describe(none))
    assert.match(none.stdout, /^stored oss:\/\/streams\/empty\.bin: 0 B \(0 bytes\) in 1 part$/m)
    assert.strictEqual((await fetched("oss://streams/empty.bin")).length, 0)
  }, 120_000)

  it("cp --follow: writer killed and restarted, CLI killed and rerun, completes at the marker", async () => {
    const dir = join(root, "follow")
    mkdirSync(dir)
    const total = 4 * MiB
    const file = join(dir, "rec.bin")
    writeFileSync(file, "")
    // The OSS dialect's smaller parts (S3's minimum is 5 MiB), so a few MiB make many parts; s3:// is followed below.
    const ossArgs = ["cp", "--follow", "rec.bin", "oss://streams/rec.bin", "--until-exists", "rec.bin.done"]
    const ossFlags = cli(["--part-size", "256KiB", "--parallel", "2", "--json"])
    const writer = writers.start("file", file, total, 16 * KiB, 10)
    const first = launcher.start([...ossArgs, ...ossFlags], { cwd: dir, env })
    await waitUntil(() => statSync(file).size >= 512 * KiB, 30_000, "the writer to pass two parts")
    writer.child.kill("SIGKILL")
    await writer.exited
    await first.waitForOutput(committedLine, 30_000)
    first.signal("SIGKILL")
    const killed = await first.result(10_000)
    assert.strictEqual(killed.signal, "SIGKILL", launcher.describe(killed))
    const sizeAtKill = statSync(file).size
    assert.isBelow(sizeAtKill, total)

    const restarted = writers.start("file", file, total, 64 * KiB, 5)
    const rerun = await launcher.run([...ossArgs, ...ossFlags], { cwd: dir, env }, 60_000)
    await restarted.exited
    const context = `${launcher.describe(killed)}\n${launcher.describe(rerun)}`
    assert.strictEqual(rerun.code, 0, context)
    assert.notMatch(rerun.stdout, /StreamNotReplayable/, `a file can be replayed; ${context}`)
    const resumed = /"_tag":"Resumed"[^\n]*"trustedParts":([0-9]+)/.exec(rerun.stdout)
    assert.isAbove(Number(resumed?.[1]), 0, `committed parts were verified against the file; ${context}`)
    assert.match(rerun.stdout, /"event":"completed"[^\n]*"sizeBytes":4194304/, context)
    assert.isTrue(existsSync(`${file}.done`))
    assert.deepStrictEqual(await fetched("oss://streams/rec.bin"), expected(total))
  }, 120_000)

  it("cp --follow over s3:// finishes once the file has not grown for --idle-timeout", async () => {
    const dir = join(root, "idle")
    mkdirSync(dir)
    writeFileSync(join(dir, "log.txt"), expected(300 * KiB))
    const run = await launcher.run(
      cli(["cp", "--follow", "log.txt", "s3://streams/log.txt", "--idle-timeout", "300ms"]),
      { cwd: dir, env },
      30_000
    )
    assert.strictEqual(run.code, 0, launcher.describe(run))
    assert.match(run.stdout, /following it as it grows until it has not grown for 300 ms/)
    assert.match(run.stdout, /^stored s3:\/\/streams\/log\.txt: 300\.0 KiB \(307200 bytes\) in 1 part$/m)
    assert.deepStrictEqual(await fetched("s3://streams/log.txt"), expected(300 * KiB))
    const bad = await launcher.run(cli(["cp", "--idle-timeout", "3s", "log.txt", "oss://streams/x"]), { cwd: dir, env })
    assert.strictEqual(bad.code, 2, launcher.describe(bad))
    assert.match(bad.stderr, /--idle-timeout applies with --follow/)
  }, 60_000)
})
