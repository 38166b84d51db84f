/**
 * The command line's S3 dialect end to end (issue 4): `put <file> s3://bucket/key` into the embedded store in its S3
 * dialect is SIGKILLed mid-upload and rerun; the rerun resumes the same multipart upload, and `stat` / `get` / `uploads
 * ls` over `s3://` see the finished object and no leftovers. Both dialects share the embedded store's data
 * directory, so the object is also visible as `oss://`. SIGTERM cancels (or, with `--keep-on-cancel`, pauses), and
 * `uploads gc` aborts what was kept.
 *
 * The same run against Ceph RGW lives in `cliRgw.e2e.test.ts`.
 */
import { createHash, randomBytes } from "node:crypto"
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { afterAll, afterEach, assert, beforeAll, describe, it } from "@effect/vitest"
import { prepareCli } from "./cliBundle.ts"
import { type Launcher, makeLauncher, sleep } from "./cliProcess.ts"

const MiB = 1024 * 1024
const fileBytes = 24 * MiB
/** S3's minimum part size, so the embedded store's S3 limits hold. */
const putFlags = ["--part-size", "5MiB", "--parallel", "2"]
const progressLine = /^(uploading|completing): .* committed/m
const resumedLine = /^resuming upload (\S+): (\d+) parts already on the store/m

let launcher: Launcher
let root: string

beforeAll(async () => {
  launcher = makeLauncher(await prepareCli())
  root = mkdtempSync(join(tmpdir(), "cli-s3-"))
}, 120_000)

afterEach(async () => {
  await launcher.killAll()
})

afterAll(() => {
  if (root !== undefined) rmSync(root, { recursive: true, force: true })
})

const sha256 = (bytes: Uint8Array) => createHash("sha256").update(bytes).digest("hex")

describe("resumable-upload CLI, S3 dialect", () => {
  it("embedded store: put s3://… is killed mid-upload, the rerun resumes it; stat, get and uploads ls agree", async () => {
    const dir = join(root, "embedded-s3")
    mkdirSync(dir)
    const local = randomBytes(fileBytes)
    writeFileSync(join(dir, "big.bin"), local)
    const target = "s3://bucket-s3-e2e/dir/big.bin"
    const args = ["put", "big.bin", target, ...putFlags]

    const bucket = await launcher.run(["bucket", "create", "s3://bucket-s3-e2e"], { cwd: dir })
    assert.strictEqual(bucket.code, 0, launcher.describe(bucket))
    assert.match(bucket.stdout, /^bucket s3:\/\/bucket-s3-e2e is ready \(embedded local store/m)

    const first = launcher.start(args, { cwd: dir })
    await first.waitForOutput(progressLine, 60_000)
    await sleep(150)
    first.signal("SIGKILL")
    const killed = await first.result(30_000)
    assert.strictEqual(killed.signal, "SIGKILL", launcher.describe(killed))
    assert.match(killed.stdout, /via embedded local store at \S+ \(S3 dialect/, launcher.describe(killed))

    const rerun = await launcher.run(args, { cwd: dir }, 90_000)
    const context = `${launcher.describe(killed)}\n${launcher.describe(rerun)}`
    assert.strictEqual(rerun.code, 0, context)
    assert.match(rerun.stdout, resumedLine, `the rerun resumed; ${context}`)
    assert.notMatch(rerun.stdout, /starting over/, context)
    assert.match(rerun.stdout, /^stored s3:\/\/bucket-s3-e2e\/dir\/big\.bin: 24\.0 MiB \(25165824 bytes\) in 5 parts$/m)
    assert.match(rerun.stdout, /^ {2}etag {3}"?[0-9a-f]{32}-5"?$/m, `an S3 multipart ETag, lowercase; ${context}`)

    const stat = await launcher.run(["stat", target, "--json"], { cwd: dir })
    assert.strictEqual(stat.code, 0, launcher.describe(stat))
    const info = JSON.parse(stat.stdout) as { sizeBytes: number; etag: string; crc64?: string }
    assert.strictEqual(info.sizeBytes, fileBytes)
    assert.isUndefined(info.crc64, "S3 answers carry no OSS CRC-64 header")

    const fetched = await launcher.run(["get", target, "fetched.bin"], { cwd: dir })
    assert.strictEqual(fetched.code, 0, launcher.describe(fetched))
    assert.strictEqual(sha256(readFileSync(join(dir, "fetched.bin"))), sha256(local))

    // One data directory behind both dialects: the OSS view sees the same object, with its CRC-64.
    const asOss = await launcher.run(["stat", "oss://bucket-s3-e2e/dir/big.bin", "--json"], { cwd: dir })
    assert.strictEqual(asOss.code, 0, launcher.describe(asOss))
    assert.strictEqual((JSON.parse(asOss.stdout) as { sizeBytes: number }).sizeBytes, fileBytes)

    const uploads = await launcher.run(["uploads", "ls", "s3://bucket-s3-e2e"], { cwd: dir })
    assert.match(uploads.stdout, /^0 incomplete uploads in s3:\/\/bucket-s3-e2e\/$/m, launcher.describe(uploads))
    const checkpoints = await launcher.run(["checkpoints", "ls"], { cwd: dir })
    assert.match(checkpoints.stdout, /^0 checkpoints in /m, launcher.describe(checkpoints))
  }, 180_000)

  it("SIGTERM cancels (upload aborted, checkpoint gone); with --keep-on-cancel it pauses, and uploads gc cleans up", async () => {
    const dir = join(root, "cancel-s3")
    mkdirSync(dir)
    writeFileSync(join(dir, "big.bin"), randomBytes(fileBytes))
    const uploadsIn = async (bucket: string) => {
      const r = await launcher.run(["uploads", "ls", `s3://${bucket}`, "--json"], { cwd: dir })
      assert.strictEqual(r.code, 0, launcher.describe(r))
      return r.stdout.split("\n").filter((l) => l.startsWith("{")).length
    }
    const putUntilProgress = async (target: string, extra: ReadonlyArray<string> = []) => {
      const run = launcher.start(["put", "big.bin", target, ...putFlags, ...extra], { cwd: dir })
      await run.waitForOutput(progressLine, 60_000)
      run.signal("SIGTERM")
      return run.result(60_000)
    }

    const cancelled = await putUntilProgress("s3://bucket-cancel/a.bin")
    assert.strictEqual(cancelled.code, 0, launcher.describe(cancelled))
    assert.match(cancelled.stdout, /^cancelled: the upload was aborted and its checkpoint removed$/m)
    assert.strictEqual(await uploadsIn("bucket-cancel"), 0, "the cancelled upload was aborted on the store")
    const none = await launcher.run(["checkpoints", "ls"], { cwd: dir })
    assert.match(none.stdout, /^0 checkpoints in /m, launcher.describe(none))

    const kept = await putUntilProgress("s3://bucket-cancel/b.bin", ["--keep-on-cancel"])
    assert.strictEqual(kept.code, 4, launcher.describe(kept))
    assert.match(kept.stdout, /^paused with /m, launcher.describe(kept))
    assert.strictEqual(await uploadsIn("bucket-cancel"), 1, "--keep-on-cancel keeps the upload")
    const dry = await launcher.run(["uploads", "gc", "s3://bucket-cancel", "--older-than", "0s", "--dry-run"], {
      cwd: dir
    })
    assert.match(dry.stdout, /^1 upload older than 0s found$/m, launcher.describe(dry))
    assert.strictEqual(await uploadsIn("bucket-cancel"), 1, "a dry run aborts nothing")
    const gc = await launcher.run(["uploads", "gc", "s3://bucket-cancel", "--older-than", "0s"], { cwd: dir })
    assert.match(gc.stdout, /^1 upload older than 0s aborted$/m, launcher.describe(gc))
    assert.strictEqual(await uploadsIn("bucket-cancel"), 0)
  }, 180_000)
})
