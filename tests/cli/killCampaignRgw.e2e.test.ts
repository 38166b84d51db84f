/**
 * Kill campaign against Ceph RGW (issue 12): the CLI SIGKILLed at random moments, object after object, in 5 MiB parts
 * (RGW's minimum); see killCampaign.ts for what is checked. RGW is the machine's shared service, so the server is not
 * killed here (the local-server campaign does that). A CI sample of 10 kills; KILL_CAMPAIGN=full runs 100.
 * Skips with a message when RGW is not running; fails under RGW_REQUIRED=1 (CI).
 */
import { mkdtempSync, rmSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { afterAll, afterEach, assert, beforeAll, describe, it } from "@effect/vitest"
import { rgwCredentials, rgwEndpoint, rgwGate, uniqueBucket } from "../support/rgw.ts"
import { prepareCli } from "./cliBundle.ts"
import { type Launcher, makeLauncher } from "./cliProcess.ts"
import { runKillCampaign } from "./killCampaign.ts"

const MiB = 1024 * 1024
const full = process.env.KILL_CAMPAIGN === "full"
const seed = Number(process.env.KILL_CAMPAIGN_SEED ?? "20261208")
const env = {
  AWS_ACCESS_KEY_ID: rgwCredentials.accessKeyId,
  AWS_SECRET_ACCESS_KEY: rgwCredentials.secretAccessKey,
  AWS_REGION: "us-east-1"
}
const up = await rgwGate("the kill campaign against Ceph RGW")

let launcher: Launcher
let root: string

beforeAll(async () => {
  if (!up) return
  launcher = makeLauncher(await prepareCli())
  root = mkdtempSync(join(tmpdir(), "kill-campaign-rgw-"))
}, 120_000)

afterEach(async () => {
  await launcher?.killAll()
})

afterAll(() => {
  if (root !== undefined) rmSync(root, { recursive: true, force: true })
})

describe.skipIf(!up)("kill campaign: Ceph RGW", () => {
  it(`${full ? 100 : 10} CLI kills: every object intact, nothing left over, bounded re-sends`, async () => {
    const bucket = uniqueBucket("campaign")
    const dir = join(root, "rgw")
    const report = await runKillCampaign(
      launcher,
      dir,
      {
        name: "Ceph RGW",
        upstream: rgwEndpoint,
        scheme: "s3",
        bucket,
        env,
        partSizeBytes: 5 * MiB,
        fileBytes: 40 * MiB,
        createBucket: true
      },
      { cliKills: full ? 100 : 10, serverKills: 0, killsPerObject: 4, seed }
    )
    assert.isAtLeast(report.cliKillsLanded, full ? 100 : 10)
    console.log(`[kill campaign] RGW: ${JSON.stringify(report)}`)
  }, 1_800_000)
})
