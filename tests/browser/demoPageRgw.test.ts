/**
 * The demo page's reload test against Ceph RGW: the local server serves the page and the signing endpoint, which
 * signs for RGW (presigned SigV4, RGW's keys known only to the server) through a counting proxy; the bucket gets a
 * CORS rule for the page's origin. A reload mid-upload resumes from the page's IndexedDB (checkpoint and OPFS
 * handle, no re-pick) and sends no committed part again; RGW holds the right bytes after.
 *
 * Needs RGW (skipped with a message when it is not answering, failed under `RGW_REQUIRED=1`) and Chromium.
 */
import { afterAll, assert, beforeAll, describe, it } from "@effect/vitest"
import type { ProxyEntry } from "../support/countingProxy.ts"
import { rgwCredentials, rgwEndpoint, rgwGate, uniqueBucket } from "../support/rgw.ts"
import { chromiumGate } from "./chromiumPage.ts"
import {
  addOpfsFiles,
  type DemoSession,
  expectedBytes,
  MiB,
  openDemoSession,
  waitReady,
  waitRows
} from "./demoSession.ts"
import { type S3Access, signedFetch } from "./signedFetch.ts"

const up = await rgwGate("the demo page test against Ceph RGW")
const found = chromiumGate("the demo page test against Ceph RGW")
const rgw: S3Access = { origin: rgwEndpoint, region: "us-east-1", ...rgwCredentials }
const bucket = uniqueBucket("demo-page")
const key = "reload.bin"
const isPart = (e: ProxyEntry) => e.method === "PUT" && "partNumber" in e.query && "uploadId" in e.query

const corsConfiguration = (origin: string) =>
  `<CORSConfiguration xmlns="http://s3.amazonaws.com/doc/2006-03-01/"><CORSRule>` +
  `<AllowedOrigin>${origin}</AllowedOrigin>` +
  ["GET", "PUT", "POST", "DELETE", "HEAD"].map((m) => `<AllowedMethod>${m}</AllowedMethod>`).join("") +
  `<AllowedHeader>*</AllowedHeader><ExposeHeader>ETag</ExposeHeader><ExposeHeader>x-amz-request-id</ExposeHeader>` +
  `<MaxAgeSeconds>600</MaxAgeSeconds></CORSRule></CORSConfiguration>`

describe.skipIf(!(up && found))("the demo page → Ceph RGW (presigned, CORS), in Chromium", () => {
  let session: DemoSession

  beforeAll(async () => {
    session = await openDemoSession(
      { buckets: [bucket], keyPrefix: "", maxPartSizeBytes: 8 * MiB },
      { endpoint: rgw.origin, ...rgwCredentials }
    )
    const created = await signedFetch(rgw, { method: "PUT", path: `/${bucket}` })
    assert.strictEqual(created.status, 200, await created.text())
    const cors = corsConfiguration(session.server.url)
    const put = await signedFetch(rgw, { method: "PUT", path: `/${bucket}`, query: { cors: "" }, body: cors })
    assert.strictEqual(put.status, 200, await put.text())
  }, 60_000)

  afterAll(async () => {
    await signedFetch(rgw, { method: "DELETE", path: `/${bucket}/${key}` }).catch(() => undefined)
    await signedFetch(rgw, { method: "DELETE", path: `/${bucket}` }).catch(() => undefined)
    await session?.close()
  })

  it("resumes after a reload mid-upload without a re-pick, and sends no committed part again", async () => {
    const { context, page } = await session.openPage()
    const sizeBytes = 20 * MiB
    await page.fill("#partLimit", "1")
    await page.dispatchEvent("#partLimit", "change")
    let seen = 0
    session.proxy.hold((e) => isPart(e) && e.path === `/${bucket}/${key}` && ++seen === 3)
    await addOpfsFiles(page, [{ name: key, sizeBytes, seed: 41 }])
    await waitRows(page, (r) => r[0]?.committedBytes === 10 * MiB)
    const committedBefore = new Set(
      session.proxy.log.filter((e) => isPart(e) && e.status === 200).map((e) => e.query.partNumber ?? "")
    )
    const reloadAt = session.proxy.log.length
    await page.reload()
    session.proxy.release()
    await waitReady(page)
    const done = await waitRows(page, (r) => r[0]?.state === "completed" || r[0]?.state === "failed")
    assert.strictEqual(done[0]?.state, "completed", done[0]?.error)
    assert.strictEqual(committedBefore.size, 2)
    const resent = session.proxy.log
      .slice(reloadAt)
      .filter((e) => isPart(e) && committedBefore.has(e.query.partNumber ?? ""))
    assert.deepStrictEqual(resent, [], "a part committed before the reload was sent again")
    const object = await signedFetch(rgw, { method: "GET", path: `/${bucket}/${key}` })
    const bytes = Buffer.from(await object.arrayBuffer())
    assert.isTrue(bytes.equals(Buffer.from(expectedBytes(41, sizeBytes))), "RGW holds other bytes")
    await context.close()
  }, 90_000)
})
