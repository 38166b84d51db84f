/**
 * The listing scenario of cliListingScenario.ts (cp to `pre/`, ls with PRE lines and --recursive, ls s3://, cp to
 * stdout and to a directory, rm, rm -r --dry-run, rm -r over two DeleteObjects batches) against the local server,
 * now that it lists (ListObjectsV2, ListBuckets, DeleteObjects): the same commands that pass on moto and RGW.
 *
 * The server runs as `resumable-upload serve` in its own process: the scenario reads binary stdout with spawnSync,
 * which blocks this process, and a server in here would then never answer the CLI it waits for.
 */
import { mkdtempSync, rmSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { S3Client } from "@aws-sdk/client-s3"
import { afterAll, beforeAll, describe, it } from "@effect/vitest"
import { type CliCommand, prepareCli } from "./cliBundle.ts"
import { listingScenario, putManyWith } from "./cliListingScenario.ts"
import { type CliRun, freePort, type Launcher, makeLauncher } from "./cliProcess.ts"

const keys = { accessKeyId: "habits-key", secretAccessKey: "habits-secret" }
let launcher: Launcher
let command: CliCommand
let root: string
let server: CliRun
let endpoint: string
let s3: S3Client

beforeAll(async () => {
  command = await prepareCli()
  launcher = makeLauncher(command)
  root = mkdtempSync(join(tmpdir(), "cli-habits-local-"))
  const port = await freePort()
  server = launcher.start(["serve", "--data-dir", join(root, "data"), "--port", String(port)], {
    cwd: root,
    env: { OSS_ACCESS_KEY_ID: keys.accessKeyId, OSS_ACCESS_KEY_SECRET: keys.secretAccessKey }
  })
  await server.waitForOutput(/^serving OSS and S3 at /m, 30_000)
  endpoint = `http://127.0.0.1:${port}`
  s3 = new S3Client({ endpoint, region: "us-east-1", forcePathStyle: true, credentials: keys })
}, 120_000)

afterAll(async () => {
  s3?.destroy()
  await launcher?.killAll()
  if (root !== undefined) rmSync(root, { recursive: true, force: true })
})

describe("resumable-upload CLI habits against the local server", () => {
  it("cp, ls, rm: trailing-slash keys, PRE lines, stdout, directories, batch deletes", async () => {
    const bucket = "cli-habits"
    await listingScenario({
      launcher,
      command,
      endpoint,
      env: {
        AWS_ACCESS_KEY_ID: keys.accessKeyId,
        AWS_SECRET_ACCESS_KEY: keys.secretAccessKey,
        AWS_REGION: "us-east-1"
      },
      bucket,
      dir: join(root, "listing"),
      putMany: putManyWith(s3, bucket)
    })
  }, 300_000)
})
