/**
 * The command line against moto (`python3 -m moto.server`, started for this file by tests/support/moto.ts), which
 * answers `<CompleteMultipartUploadResponse>` and `<ListPartsResponse>` where S3 documents `…Result`: a plain
 * `put` of 60 MiB exits 0 with the object verified, and a `put` SIGKILLed halfway is resumed by its rerun, which
 * completes and leaves no upload open. When the file changes between the kill and the rerun, `--on-unresumable fail`
 * says so with both modification times in ISO 8601 UTC, what was kept, and the command that starts over, which works.
 *
 * Skips with the reason when python3 cannot import moto; fails under `MOTO_REQUIRED=1` (the CI's node stages).
 */
import { createHash, randomBytes } from "node:crypto"
import { mkdirSync, mkdtempSync, readFileSync, rmSync, utimesSync, writeFileSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { afterAll, afterEach, assert, beforeAll, describe, it } from "@effect/vitest"
import { type MotoServer, motoCredentials, motoGate, startMoto } from "../support/moto.ts"
import { prepareCli } from "./cliBundle.ts"
import { type Launcher, makeLauncher, sleep } from "./cliProcess.ts"

const MiB = 1024 * 1024
const progressLine = /^(uploading|completing): .* committed/m
const resumedLine = /^resuming upload (\S+): (\d+) parts already on the store/m
const env = {
  AWS_ACCESS_KEY_ID: motoCredentials.accessKeyId,
  AWS_SECRET_ACCESS_KEY: motoCredentials.secretAccessKey,
  AWS_REGION: "us-east-1"
}
const up = await motoGate("the CLI against moto")

let launcher: Launcher
let root: string
let moto: MotoServer | undefined

beforeAll(async () => {
  if (!up) return
  moto = await startMoto()
  launcher = makeLauncher(await prepareCli())
  root = mkdtempSync(join(tmpdir(), "cli-moto-"))
}, 120_000)

afterEach(async () => {
  await launcher?.killAll()
})

afterAll(async () => {
  await moto?.close()
  if (root !== undefined) rmSync(root, { recursive: true, force: true })
})

const sha256 = (bytes: Uint8Array) => createHash("sha256").update(bytes).digest("hex")

describe.skipIf(!up)("resumable-upload CLI against moto", () => {
  const endpoint = () => ["--endpoint", moto?.url ?? ""]
  const putArgs = (file: string, target: string) => [
    "put",
    file,
    target,
    "--part-size",
    "5MiB",
    "--parallel",
    "2",
    ...endpoint()
  ]

  it("put of 60 MiB exits 0 (moto's <CompleteMultipartUploadResponse> is read), then killed-and-rerun resumes", async () => {
    const bucket = "cli-moto"
    const dir = join(root, "put")
    mkdirSync(dir)
    const created = await launcher.run(["bucket", "create", `s3://${bucket}`, ...endpoint()], { cwd: dir, env })
    assert.strictEqual(created.code, 0, launcher.describe(created))

    const whole = randomBytes(60 * MiB)
    writeFileSync(join(dir, "whole.bin"), whole)
    const plain = await launcher.run(putArgs("whole.bin", `s3://${bucket}/whole.bin`), { cwd: dir, env }, 120_000)
    assert.strictEqual(plain.code, 0, launcher.describe(plain))
    assert.match(plain.stdout, /^stored s3:\/\/cli-moto\/whole\.bin: 60\.0 MiB .* in 12 parts$/m)
    assert.match(plain.stdout, /^ {2}etag {3}"?[0-9a-f]{32}-12"?$/m, launcher.describe(plain))

    const local = randomBytes(24 * MiB)
    writeFileSync(join(dir, "big.bin"), local)
    const target = `s3://${bucket}/dir/big.bin`
    const first = launcher.start(putArgs("big.bin", target), { cwd: dir, env })
    await first.waitForOutput(progressLine, 60_000)
    await sleep(100)
    first.signal("SIGKILL")
    const killed = await first.result(30_000)
    assert.strictEqual(killed.signal, "SIGKILL", launcher.describe(killed))

    const rerun = await launcher.run(putArgs("big.bin", target), { cwd: dir, env }, 90_000)
    const context = `${launcher.describe(killed)}\n${launcher.describe(rerun)}`
    assert.strictEqual(rerun.code, 0, context)
    // moto's <ListPartsResponse> is read: the rerun resumes instead of failing or starting over.
    assert.match(rerun.stdout, resumedLine, `the rerun resumed; ${context}`)
    assert.notMatch(rerun.stdout, /starting over/, context)
    assert.match(rerun.stdout, /^stored s3:\/\/cli-moto\/dir\/big\.bin: 24\.0 MiB .* in 5 parts$/m, context)

    const fetched = await launcher.run(["get", target, "fetched.bin", ...endpoint()], { cwd: dir, env })
    assert.strictEqual(fetched.code, 0, launcher.describe(fetched))
    assert.strictEqual(sha256(readFileSync(join(dir, "fetched.bin"))), sha256(local))
    const uploads = await launcher.run(["uploads", "ls", `s3://${bucket}`, ...endpoint()], { cwd: dir, env })
    assert.match(uploads.stdout, /^0 incomplete uploads in /m, launcher.describe(uploads))
  }, 240_000)

  it("the file changed after a kill: exit 3 naming both dates, what was kept and the restart command, which works", async () => {
    const bucket = "cli-moto-changed"
    const dir = join(root, "changed")
    mkdirSync(dir)
    const created = await launcher.run(["bucket", "create", `s3://${bucket}`, ...endpoint()], { cwd: dir, env })
    assert.strictEqual(created.code, 0, launcher.describe(created))
    writeFileSync(join(dir, "big.bin"), randomBytes(24 * MiB))
    const before = new Date("2026-12-07T01:04:00.513Z")
    utimesSync(join(dir, "big.bin"), before, before)
    const args = [...putArgs("big.bin", `s3://${bucket}/big.bin`), "--on-unresumable", "fail"]
    const first = launcher.start(args, { cwd: dir, env })
    await first.waitForOutput(progressLine, 60_000)
    await sleep(300)
    first.signal("SIGKILL")
    await first.result(30_000)

    const after = new Date("2026-12-07T01:04:03.437Z")
    utimesSync(join(dir, "big.bin"), after, after)
    const refused = await launcher.run(args, { cwd: dir, env }, 60_000)
    assert.strictEqual(refused.code, 3, launcher.describe(refused))
    const lines = refused.stderr.trimEnd().split("\n")
    assert.strictEqual(
      lines[0],
      "cannot resume: the file changed since the upload started (source modification time changed from " +
        "2026-12-07T01:04:00.513Z to 2026-12-07T01:04:03.437Z)",
      launcher.describe(refused)
    )
    assert.match(
      lines[1] ?? "",
      /^kept: nothing was deleted: the checkpoint in \S+ and the unfinished upload \S+ on the store/
    )
    assert.match(
      lines[2] ?? "",
      /^to upload the file as it is now \(upload \S+ is aborted first, its parts are sent again\):$/
    )
    const restart = (lines[3] ?? "").trim()
    assert.match(
      restart,
      /^resumable-upload put big\.bin s3:\/\/cli-moto-changed\/big\.bin .*--on-unresumable restart$/
    )
    assert.notMatch(refused.stderr, /\d{13}/, "no epoch milliseconds")

    const restarted = await launcher.run(restart.split(" ").slice(1), { cwd: dir, env }, 90_000)
    assert.strictEqual(restarted.code, 0, launcher.describe(restarted))
    assert.match(restarted.stdout, /^stored s3:\/\/cli-moto-changed\/big\.bin: 24\.0 MiB .* in 5 parts$/m)
    const uploads = await launcher.run(["uploads", "ls", `s3://${bucket}`, ...endpoint()], { cwd: dir, env })
    assert.match(uploads.stdout, /^0 incomplete uploads in /m, launcher.describe(uploads))
  }, 240_000)
})
