/**
 * The listing scenario of cliListingScenario.ts (cp to `pre/`, ls with PRE lines and --recursive, ls s3://, cp to
 * stdout and to a directory, rm, rm -r --dry-run, rm -r over two DeleteObjects batches) against Ceph RGW.
 *
 * Skips with a message when RGW is not running (`bash .ci/ensure-rgw.sh`); fails under `RGW_REQUIRED=1` (CI).
 */
import { mkdtempSync, rmSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { S3Client } from "@aws-sdk/client-s3"
import { afterAll, afterEach, beforeAll, describe, it } from "@effect/vitest"
import { rgwCredentials, rgwEndpoint, rgwGate, uniqueBucket } from "../support/rgw.ts"
import { type CliCommand, prepareCli } from "./cliBundle.ts"
import { listingScenario, putManyWith } from "./cliListingScenario.ts"
import { type Launcher, makeLauncher } from "./cliProcess.ts"

const up = await rgwGate("the CLI's ls and rm against Ceph RGW")
let launcher: Launcher
let command: CliCommand
let root: string
let s3: S3Client

beforeAll(async () => {
  if (!up) return
  command = await prepareCli()
  launcher = makeLauncher(command)
  root = mkdtempSync(join(tmpdir(), "cli-habits-rgw-"))
  s3 = new S3Client({
    endpoint: rgwEndpoint,
    region: "us-east-1",
    forcePathStyle: true,
    credentials: { accessKeyId: rgwCredentials.accessKeyId, secretAccessKey: rgwCredentials.secretAccessKey }
  })
}, 120_000)

afterEach(async () => {
  await launcher?.killAll()
})

afterAll(() => {
  s3?.destroy()
  if (root !== undefined) rmSync(root, { recursive: true, force: true })
})

describe.skipIf(!up)("resumable-upload CLI habits against Ceph RGW", () => {
  it("cp, ls, rm: trailing-slash keys, PRE lines, stdout, directories, batch deletes", async () => {
    const bucket = uniqueBucket("cli-habits")
    await listingScenario({
      launcher,
      command,
      endpoint: rgwEndpoint,
      env: {
        AWS_ACCESS_KEY_ID: rgwCredentials.accessKeyId,
        AWS_SECRET_ACCESS_KEY: rgwCredentials.secretAccessKey,
        AWS_REGION: "us-east-1"
      },
      bucket,
      dir: join(root, "listing"),
      putMany: putManyWith(s3, bucket)
    })
  }, 300_000)
})
