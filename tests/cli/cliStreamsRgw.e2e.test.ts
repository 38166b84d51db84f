/**
 * Streams from the command line against Ceph RGW: `cp - s3://…` with stdin piped from a producer, and
 * `cp --follow FILE s3://…` while a writer appends to FILE until its marker, each read back with
 * `@aws-sdk/client-s3` and compared byte for byte. The kills and resumes run against the local server
 * (cliStreams.e2e.test.ts); here the point is RGW's S3 (5 MiB parts, a 3-part stream of 11 MiB).
 *
 * Skips with a message when RGW is not running (`bash .ci/ensure-rgw.sh`); fails under `RGW_REQUIRED=1` (CI).
 */
import { mkdtempSync, rmSync, writeFileSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { CreateBucketCommand, GetObjectCommand, S3Client } from "@aws-sdk/client-s3"
import { afterAll, afterEach, assert, beforeAll, describe, it } from "@effect/vitest"
import { rgwCredentials, rgwEndpoint, rgwGate, uniqueBucket } from "../support/rgw.ts"
import { prepareCli } from "./cliBundle.ts"
import { type Launcher, makeLauncher } from "./cliProcess.ts"
import { expected, makeWriters } from "./streamWriter.ts"

const up = await rgwGate("the CLI's stream uploads against Ceph RGW")
const total = 11 * 1024 * 1024
let launcher: Launcher
let root: string
let s3: S3Client
let writers: ReturnType<typeof makeWriters>
const bucket = uniqueBucket("cli-streams")
const env = {
  AWS_ACCESS_KEY_ID: rgwCredentials.accessKeyId,
  AWS_SECRET_ACCESS_KEY: rgwCredentials.secretAccessKey,
  AWS_REGION: "us-east-1"
}

beforeAll(async () => {
  if (!up) return
  launcher = makeLauncher(await prepareCli())
  root = mkdtempSync(join(tmpdir(), "cli-streams-rgw-"))
  writers = makeWriters(root)
  s3 = new S3Client({ endpoint: rgwEndpoint, region: "us-east-1", forcePathStyle: true, credentials: rgwCredentials })
  await s3.send(new CreateBucketCommand({ Bucket: bucket }))
}, 120_000)

afterEach(async () => {
  writers?.killAll()
  await launcher?.killAll()
})

afterAll(() => {
  s3?.destroy()
  if (root !== undefined) rmSync(root, { recursive: true, force: true })
})

const fetched = async (key: string) => {
  const answer = await s3.send(new GetObjectCommand({ Bucket: bucket, Key: key }))
  return new Uint8Array((await answer.Body?.transformToByteArray()) ?? [])
}

describe.skipIf(!up)("resumable-upload CLI streams against Ceph RGW", () => {
  it("cp - from a producer, and cp --follow of a file being written, both byte for byte", async () => {
    const flags = ["--endpoint", rgwEndpoint, "--part-size", "5MiB"]
    const producer = writers.start("stdout", "-", total, 256 * 1024, 0)
    const piped = await launcher
      .start(["cp", "-", `s3://${bucket}/stdin.bin`, ...flags], {
        cwd: root,
        env,
        stdin: producer.child.stdout ?? "ignore"
      })
      .result(60_000)
    assert.strictEqual(piped.code, 0, launcher.describe(piped))
    assert.match(piped.stdout, /cannot be replayed/)
    assert.match(piped.stdout, /\(11534336 bytes\) in 3 parts$/m)
    assert.deepStrictEqual(await fetched("stdin.bin"), expected(total))

    const file = join(root, "rec.bin")
    writeFileSync(file, "")
    const writer = writers.start("file", file, total, 256 * 1024, 5)
    const followed = await launcher.run(
      ["cp", "--follow", "rec.bin", `s3://${bucket}/rec.bin`, "--until-exists", "rec.bin.done", ...flags],
      { cwd: root, env },
      60_000
    )
    await writer.exited
    assert.strictEqual(followed.code, 0, launcher.describe(followed))
    assert.deepStrictEqual(await fetched("rec.bin"), expected(total))
  }, 120_000)
})
