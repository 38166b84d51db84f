/**
 * Kill campaign against the local server in its own process (issue 12): the CLI SIGKILLed at random moments and the
 * server SIGKILLed mid-upload and restarted on the same port and data directory, object after object; see
 * killCampaign.ts for what is checked. A CI sample by default (12 CLI kills, 3 server kills); KILL_CAMPAIGN=full runs
 * the 100 and 20. KILL_CAMPAIGN_SEED replays a run (the seed is in every assertion message).
 */
import { mkdirSync, mkdtempSync, rmSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { afterAll, afterEach, assert, beforeAll, describe, it } from "@effect/vitest"
import { prepareCli } from "./cliBundle.ts"
import { freePort, type Launcher, makeLauncher } from "./cliProcess.ts"
import { runKillCampaign } from "./killCampaign.ts"

const MiB = 1024 * 1024
const full = process.env.KILL_CAMPAIGN === "full"
const seed = Number(process.env.KILL_CAMPAIGN_SEED ?? "20261207")
const credentials = { OSS_ACCESS_KEY_ID: "campaign-key", OSS_ACCESS_KEY_SECRET: "campaign-secret" }

let launcher: Launcher
let root: string

beforeAll(async () => {
  launcher = makeLauncher(await prepareCli())
  root = mkdtempSync(join(tmpdir(), "kill-campaign-"))
}, 120_000)

afterEach(async () => {
  await launcher.killAll()
})

afterAll(() => {
  if (root !== undefined) rmSync(root, { recursive: true, force: true })
})

describe("kill campaign: local server", () => {
  it(`${full ? 100 : 12} CLI kills and ${full ? 20 : 3} server kills: every object intact, nothing left over, bounded re-sends`, async () => {
    const dir = join(root, "local")
    mkdirSync(dir, { recursive: true })
    const port = await freePort()
    const serve = async () => {
      const server = launcher.start(["serve", "--data-dir", "server-data", "--port", String(port)], {
        cwd: dir,
        env: credentials
      })
      await server.waitForOutput(/^serving OSS and S3 at /m, 30_000)
      return server
    }
    const report = await runKillCampaign(
      launcher,
      dir,
      {
        name: "local server",
        upstream: `http://127.0.0.1:${port}`,
        scheme: "oss",
        bucket: "campaign",
        env: credentials,
        partSizeBytes: MiB,
        fileBytes: 24 * MiB,
        server: await serve(),
        restartServer: () => serve()
      },
      { cliKills: full ? 100 : 12, serverKills: full ? 20 : 3, killsPerObject: 4, seed }
    )
    assert.isAtLeast(report.cliKillsLanded, full ? 100 : 12)
    console.log(`[kill campaign] local server: ${JSON.stringify(report)}`)
  }, 1_800_000)
})
