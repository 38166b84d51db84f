/**
 * The browser bundle uploads resumably to the local server's S3 dialect across CORS, in headless Chromium: the page
 * (one origin) pauses an upload of a generated Blob after its first part, a fresh page load resumes it from the
 * `localStorage` checkpoint and completes it, against `LocalOssServer` (another origin) with SigV4 credentials.
 * A second upload is interrupted by reloading the tab mid-upload instead (a crash, as users cause it), and the
 * reloaded page must resume at once. See pauseResumeScenario.ts for what is checked.
 *
 * The parts are S3's real minimum, 5 MiB (11 MiB in 3 parts), under the server's unchanged S3 limits. The adapter
 * sends them as Blob bodies in a browser (adapters/http/RequestBodyForm.ts); `BROWSER_BODY_FORM=bytes` sends
 * `Uint8Array` bodies instead, which Chromium sends about ten times slower (docs/environment.md §4.2). The console
 * line reports the time per part on the wire.
 *
 * Skips with a message when no Chromium is found (`CHROMIUM_PATH`, default /usr/bin/chromium), unless
 * `CHROMIUM_REQUIRED=1`, which makes a missing browser a failure.
 */
import { afterAll, beforeAll, describe, it } from "@effect/vitest"
import { type LocalOssServer, start } from "../../adapters/server/LocalOssServer.ts"
import { type CountingProxy, startCountingProxy } from "../support/countingProxy.ts"
import { chromiumGate, openSession, type PageSession } from "./chromiumPage.ts"
import { runInterruptThenResume } from "./pauseResumeScenario.ts"

const MiB = 1024 * 1024
const partSizeBytes = 5 * MiB
const keys = { accessKeyId: "browser-test-key", secretAccessKey: "browser-test-secret" }
const found = chromiumGate("the browser upload test against the local server")

describe.skipIf(!found)("browser bundle → local server (S3 dialect) across CORS, in Chromium", () => {
  let server: LocalOssServer
  let proxy: CountingProxy
  let session: PageSession

  beforeAll(async () => {
    server = await start({
      storage: { kind: "memory" },
      credentials: [{ accessKeyId: keys.accessKeyId, accessKeySecret: keys.secretAccessKey }],
      dialect: "s3"
    })
    proxy = await startCountingProxy(server.url)
    session = await openSession()
  }, 60_000)

  afterAll(async () => {
    await session?.close()
    await proxy?.close()
    await server?.close()
  })

  it("pauses after the first part, resumes from localStorage in a fresh page load, sends only the missing parts", async () => {
    await runInterruptThenResume(session, proxy, {
      interruption: "pause",
      store: { origin: server.url, region: "us-east-1", ...keys },
      bucket: "browser-bucket",
      key: "dir/blob.bin",
      sizeBytes: 11 * MiB,
      partSizeBytes,
      seed: 20260504
    })
  }, 60_000)

  it("reloaded mid-upload, the page resumes at once (its lease went on pagehide) and sends only the missing parts", async () => {
    await runInterruptThenResume(session, proxy, {
      interruption: "reload",
      store: { origin: server.url, region: "us-east-1", ...keys },
      bucket: "browser-bucket",
      key: "dir/reloaded.bin",
      sizeBytes: 11 * MiB,
      partSizeBytes,
      seed: 20260506
    })
  }, 60_000)
})
