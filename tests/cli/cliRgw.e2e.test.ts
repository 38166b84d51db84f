/**
 * The command line against Ceph RGW (issue 4): `bucket create`, then `put <file> s3://bucket/key --endpoint <rgw>`
 * with credentials from `AWS_ACCESS_KEY_ID` / `AWS_SECRET_ACCESS_KEY`, SIGKILLed mid-upload and rerun: the rerun
 * resumes the same upload on RGW, and `stat`, `get` and `uploads ls` agree with the file. RGW answers Complete with an empty ETag, so this also
 * shows the engine's HEAD check end to end.
 *
 * Skips with a message when RGW is not running (`bash .ci/ensure-rgw.sh`); fails under `RGW_REQUIRED=1` (CI).
 */
import { createHash, randomBytes } from "node:crypto"
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { afterAll, afterEach, assert, beforeAll, describe, it } from "@effect/vitest"
import { rgwCredentials, rgwEndpoint, rgwGate, uniqueBucket } from "../support/rgw.ts"
import { prepareCli } from "./cliBundle.ts"
import { type Launcher, makeLauncher, sleep } from "./cliProcess.ts"

const MiB = 1024 * 1024
const fileBytes = 24 * MiB
const progressLine = /^(uploading|completing): .* committed/m
const resumedLine = /^resuming upload (\S+): (\d+) parts already on the store/m
const env = {
  AWS_ACCESS_KEY_ID: rgwCredentials.accessKeyId,
  AWS_SECRET_ACCESS_KEY: rgwCredentials.secretAccessKey,
  AWS_REGION: "us-east-1"
}
const up = await rgwGate("the CLI against Ceph RGW")

let launcher: Launcher
let root: string

beforeAll(async () => {
  if (!up) return
  launcher = makeLauncher(await prepareCli())
  root = mkdtempSync(join(tmpdir(), "cli-rgw-"))
}, 120_000)

afterEach(async () => {
  await launcher?.killAll()
})

afterAll(() => {
  if (root !== undefined) rmSync(root, { recursive: true, force: true })
})

const sha256 = (bytes: Uint8Array) => createHash("sha256").update(bytes).digest("hex")

describe.skipIf(!up)("resumable-upload CLI against Ceph RGW", () => {
  it("put s3://… --endpoint RGW, killed and rerun: resumes on RGW; stat, get and uploads ls agree", async () => {
    const bucket = uniqueBucket("cli-rgw")
    const dir = join(root, "put")
    mkdirSync(dir)
    const local = randomBytes(fileBytes)
    writeFileSync(join(dir, "big.bin"), local)
    const target = `s3://${bucket}/dir/big.bin`
    const endpoint = ["--endpoint", rgwEndpoint]
    // Twice: a bucket already owned counts as created, so scripts can run it before every upload.
    for (let i = 0; i < 2; i++) {
      const created = await launcher.run(["bucket", "create", `s3://${bucket}`, ...endpoint], { cwd: dir, env })
      assert.strictEqual(created.code, 0, launcher.describe(created))
      assert.match(created.stdout, new RegExp(`^bucket s3://${bucket} is ready \\(S3 http://`, "m"))
    }
    const args = ["put", "big.bin", target, "--part-size", "5MiB", "--parallel", "2", ...endpoint]

    const first = launcher.start(args, { cwd: dir, env })
    await first.waitForOutput(progressLine, 60_000)
    await sleep(100)
    first.signal("SIGKILL")
    const killed = await first.result(30_000)
    assert.match(killed.stdout, /via S3 http:\/\/\S+ \(path, region us-east-1, SigV4\)/, launcher.describe(killed))

    const rerun = await launcher.run(args, { cwd: dir, env }, 90_000)
    const context = `${launcher.describe(killed)}\n${launcher.describe(rerun)}`
    assert.strictEqual(rerun.code, 0, context)
    // The first progress line comes after Initiate and the first checkpoint write, so the rerun always resumes.
    assert.match(rerun.stdout, resumedLine, `the rerun resumed; ${context}`)
    assert.notMatch(rerun.stdout, /starting over/, context)
    assert.match(rerun.stdout, new RegExp(`^stored s3://${bucket}/dir/big\\.bin: 24\\.0 MiB .* in 5 parts$`, "m"))
    assert.match(rerun.stdout, /^ {2}etag {3}"?[0-9a-f]{32}-5"?$/m, `the HEAD-checked multipart ETag; ${context}`)
    assert.notMatch(rerun.stdout, /unverifiable/i, context)

    const stat = await launcher.run(["stat", target, "--json", ...endpoint], { cwd: dir, env })
    assert.strictEqual(stat.code, 0, launcher.describe(stat))
    assert.strictEqual((JSON.parse(stat.stdout) as { sizeBytes: number }).sizeBytes, fileBytes)
    const fetched = await launcher.run(["get", target, "fetched.bin", ...endpoint], { cwd: dir, env })
    assert.strictEqual(fetched.code, 0, launcher.describe(fetched))
    assert.strictEqual(sha256(readFileSync(join(dir, "fetched.bin"))), sha256(local))
    const uploads = await launcher.run(["uploads", "ls", `s3://${bucket}`, ...endpoint], { cwd: dir, env })
    assert.match(uploads.stdout, /^0 incomplete uploads in /m, launcher.describe(uploads))
  }, 180_000)
})
