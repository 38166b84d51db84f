/**
 * The browser upload scenario of browserUpload.test.ts against Ceph RGW, a real S3 server nobody on this project
 * wrote: a fresh bucket gets a CORS configuration for the test page's origin (PutBucketCors, signed from Node with
 * the project's SigV4 signer), then the page pauses an 11 MiB Blob upload after its first 5 MiB part, a fresh page
 * load resumes it from `localStorage` and completes it; then another upload is interrupted by reloading the tab
 * instead, and the reloaded page resumes it at once. RGW enforces S3's 5 MiB minimum part itself.
 *
 * Needs RGW (`RGW_ENDPOINT`; skipped with a message when it is not answering, failed under `RGW_REQUIRED=1`) and
 * Chromium (`CHROMIUM_PATH`, default /usr/bin/chromium; skipped with a message when missing, even under
 * `RGW_REQUIRED=1`, since the CI's rgw stage does not install a browser; failed under `CHROMIUM_REQUIRED=1`).
 */
import { afterAll, assert, beforeAll, describe, it } from "@effect/vitest"
import { type CountingProxy, startCountingProxy } from "../support/countingProxy.ts"
import { rgwCredentials, rgwEndpoint, rgwGate, uniqueBucket } from "../support/rgw.ts"
import { chromiumGate, openSession, type PageSession } from "./chromiumPage.ts"
import { runInterruptThenResume } from "./pauseResumeScenario.ts"
import { type S3Access, signedFetch } from "./signedFetch.ts"

const MiB = 1024 * 1024
const up = await rgwGate("the browser upload test against Ceph RGW")
const found = chromiumGate("the browser upload test against Ceph RGW")
const rgw: S3Access = { origin: rgwEndpoint, region: "us-east-1", ...rgwCredentials }
const bucket = uniqueBucket("browser-upload")
const key = "dir/blob.bin"
const reloadedKey = "dir/reloaded.bin"

/** Lets the page's origin send what the S3 adapter sends, and read the headers it needs (ETag above all). */
const corsConfiguration = (origin: string) =>
  `<CORSConfiguration xmlns="http://s3.amazonaws.com/doc/2006-03-01/"><CORSRule>` +
  `<AllowedOrigin>${origin}</AllowedOrigin>` +
  ["GET", "PUT", "POST", "DELETE", "HEAD"].map((m) => `<AllowedMethod>${m}</AllowedMethod>`).join("") +
  `<AllowedHeader>*</AllowedHeader><ExposeHeader>ETag</ExposeHeader><ExposeHeader>x-amz-request-id</ExposeHeader>` +
  `<MaxAgeSeconds>600</MaxAgeSeconds></CORSRule></CORSConfiguration>`

const expectStatus = async (what: string, response: Promise<Response>, statuses: ReadonlyArray<number>) => {
  const answer = await response
  const body = await answer.text()
  assert.include(statuses, answer.status, `${what}: ${answer.status} ${body.slice(0, 500)}`)
}

describe.skipIf(!(up && found))("browser bundle → Ceph RGW across CORS, in Chromium", () => {
  let proxy: CountingProxy
  let session: PageSession

  beforeAll(async () => {
    session = await openSession()
    proxy = await startCountingProxy(rgw.origin)
    await expectStatus("CreateBucket", signedFetch(rgw, { method: "PUT", path: `/${bucket}` }), [200])
    const cors = corsConfiguration(session.origin)
    const put = signedFetch(rgw, { method: "PUT", path: `/${bucket}`, query: { cors: "" }, body: cors })
    await expectStatus("PutBucketCors", put, [200])
  }, 60_000)

  afterAll(async () => {
    // Best effort: a failed run may leave the object or an unfinished upload behind in its unique bucket.
    for (const k of [key, reloadedKey])
      await signedFetch(rgw, { method: "DELETE", path: `/${bucket}/${k}` }).catch(() => undefined)
    await signedFetch(rgw, { method: "DELETE", path: `/${bucket}` }).catch(() => undefined)
    await proxy?.close()
    await session?.close()
  })

  it("pauses after the first part, resumes from localStorage in a fresh page load, sends only the missing parts", async () => {
    await runInterruptThenResume(session, proxy, {
      interruption: "pause",
      store: rgw,
      bucket,
      key,
      sizeBytes: 11 * MiB,
      partSizeBytes: 5 * MiB,
      seed: 20260505
    })
  }, 60_000)

  it("reloaded mid-upload, the page resumes at once (its lease went on pagehide) and sends only the missing parts", async () => {
    await runInterruptThenResume(session, proxy, {
      interruption: "reload",
      store: rgw,
      bucket,
      key: reloadedKey,
      sizeBytes: 11 * MiB,
      partSizeBytes: 5 * MiB,
      seed: 20260507
    })
  }, 60_000)
})
