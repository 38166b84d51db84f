/**
 * `cp -r` killed and resumed against the local server in its own process (issue 13, items 4 and 6); see
 * recursiveCampaign.ts for what is checked. The CI sample is 200 files (4 of them multipart) and 2 SIGKILLs, then a rerun with -u;
 * RECURSIVE_FILES=1000 (or more) runs the full size with 10 kills. RECURSIVE_SEED replays a run (the seed is in every
 * assertion message).
 */
import { mkdtempSync, rmSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { afterAll, afterEach, assert, beforeAll, describe, it } from "@effect/vitest"
import { prepareCli } from "./cliBundle.ts"
import { freePort, type Launcher, makeLauncher } from "./cliProcess.ts"
import { runRecursiveCampaign } from "./recursiveCampaign.ts"

const files = Number(process.env.RECURSIVE_FILES ?? "200")
const full = files >= 1000
const seed = Number(process.env.RECURSIVE_SEED ?? "20261213")
const credentials = { OSS_ACCESS_KEY_ID: "batch-key", OSS_ACCESS_KEY_SECRET: "batch-secret" }

let launcher: Launcher
let root: string

beforeAll(async () => {
  launcher = makeLauncher(await prepareCli())
  root = mkdtempSync(join(tmpdir(), "recursive-kill-"))
}, 120_000)

afterEach(async () => {
  await launcher.killAll()
})

afterAll(() => {
  if (root !== undefined) rmSync(root, { recursive: true, force: true })
})

describe("cp -r killed and resumed: local server", () => {
  it(`${files} files, ${full ? 10 : 2} SIGKILLs: every object intact, nothing left over, done files not resent`, async () => {
    const dir = join(root, "local")
    const port = await freePort()
    const server = launcher.start(["serve", "--data-dir", "server-data", "--port", String(port)], {
      cwd: root,
      env: credentials
    })
    await server.waitForOutput(/^serving OSS and S3 at /m, 30_000)
    const report = await runRecursiveCampaign(
      launcher,
      dir,
      {
        name: "local server",
        upstream: `http://127.0.0.1:${port}`,
        scheme: "oss",
        bucket: "batch",
        env: credentials,
        partSizeBytes: 1024 * 1024,
        readKeys: { accessKeyId: credentials.OSS_ACCESS_KEY_ID, secretAccessKey: credentials.OSS_ACCESS_KEY_SECRET }
      },
      { files, multipartFiles: full ? 10 : 4, kills: full ? 10 : 2, seed, checkSkipUnchanged: true }
    )
    assert.isAtLeast(report.kills, full ? 10 : 2)
    console.log(`[cp -r campaign] local: ${JSON.stringify(report)}`)
  }, 1_800_000)
})
