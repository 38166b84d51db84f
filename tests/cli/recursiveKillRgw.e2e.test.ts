/**
 * `cp -r` killed and resumed against Ceph RGW (issue 13, items 4 and 6); see recursiveCampaign.ts for what is checked.
 * Multipart files go in 5 MiB parts (RGW's minimum). The CI sample is small (40 files, 2 multipart, 2 SIGKILLs; -u only at full size);
 * RECURSIVE_FILES=1000 (or more) runs the full size with 10 kills. Skips with a message when RGW is not running;
 * fails under RGW_REQUIRED=1 (CI).
 */
import { mkdtempSync, rmSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { afterAll, afterEach, assert, beforeAll, describe, it } from "@effect/vitest"
import { rgwCredentials, rgwEndpoint, rgwGate, uniqueBucket } from "../support/rgw.ts"
import { prepareCli } from "./cliBundle.ts"
import { type Launcher, makeLauncher } from "./cliProcess.ts"
import { runRecursiveCampaign } from "./recursiveCampaign.ts"

const files = Number(process.env.RECURSIVE_FILES ?? "40")
const full = files >= 1000
const seed = Number(process.env.RECURSIVE_SEED ?? "20261214")
const env = {
  AWS_ACCESS_KEY_ID: rgwCredentials.accessKeyId,
  AWS_SECRET_ACCESS_KEY: rgwCredentials.secretAccessKey,
  AWS_REGION: "us-east-1"
}
const up = await rgwGate("cp -r killed and resumed against Ceph RGW")

let launcher: Launcher
let root: string

beforeAll(async () => {
  if (!up) return
  launcher = makeLauncher(await prepareCli())
  root = mkdtempSync(join(tmpdir(), "recursive-kill-rgw-"))
}, 120_000)

afterEach(async () => {
  await launcher?.killAll()
})

afterAll(() => {
  if (root !== undefined) rmSync(root, { recursive: true, force: true })
})

describe.skipIf(!up)("cp -r killed and resumed: Ceph RGW", () => {
  it(`${files} files, ${full ? 10 : 2} SIGKILLs: every object intact, nothing left over, done files not resent`, async () => {
    const report = await runRecursiveCampaign(
      launcher,
      join(root, "rgw"),
      {
        name: "Ceph RGW",
        upstream: rgwEndpoint,
        scheme: "s3",
        bucket: uniqueBucket("batch"),
        env,
        partSizeBytes: 5 * 1024 * 1024,
        createBucket: true,
        readKeys: rgwCredentials
      },
      { files, multipartFiles: full ? 10 : 2, kills: full ? 10 : 2, seed, checkSkipUnchanged: full }
    )
    assert.isAtLeast(report.kills, full ? 10 : 2)
    console.log(`[cp -r campaign] RGW: ${JSON.stringify(report)}`)
  }, 1_800_000)
})
