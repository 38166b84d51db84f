/**
 * The demo page (examples/browser-demo) served by the real local server at /_demo/, in headless Chromium, with
 * the server's signing endpoint and a counting proxy in front of the store (demoSession.ts): a reload mid-upload
 * resumes without a re-pick (its OPFS handle is in IndexedDB) and sends no committed part again; going offline and
 * back online resumes; cancel aborts the multipart upload (ListMultipartUploads and ListParts find nothing); three
 * files at once never have more parts in flight than the page's one shared limit. No key is in the page.
 */
import { afterAll, assert, beforeAll, describe, it } from "@effect/vitest"
import { type ProxyEntry, peakInFlight } from "../support/countingProxy.ts"
import { chromiumGate } from "./chromiumPage.ts"
import {
  addOpfsFiles,
  type DemoSession,
  expectedBytes,
  keys,
  MiB,
  openDemoSession,
  rows,
  waitReady,
  waitRows
} from "./demoSession.ts"
import { type S3Access, signedFetch } from "./signedFetch.ts"

const found = chromiumGate("the demo page tests")
const bucket = "demo"
const isPart = (e: ProxyEntry) => e.method === "PUT" && "partNumber" in e.query && "uploadId" in e.query
/** Holds back the `nth` part of `key` to arrive (parts arrive one by one under a limit of 1, in any order). */
const nthPart = (key: string, nth: number) => {
  let seen = 0
  return (e: ProxyEntry) => isPart(e) && e.path === `/${bucket}/${key}` && ++seen === nth
}
const committedParts = (log: ReadonlyArray<ProxyEntry>, key: string) =>
  log.filter((e) => isPart(e) && e.status === 200 && e.path === `/${bucket}/${key}`).map((e) => e.query.partNumber)

describe.skipIf(!found)("the demo page served by the local server, in Chromium", () => {
  let session: DemoSession
  let store: S3Access

  beforeAll(async () => {
    session = await openDemoSession({ buckets: [bucket], keyPrefix: "", maxPartSizeBytes: 8 * MiB })
    store = { origin: session.server.url, region: "us-east-1", ...keys }
  }, 60_000)

  afterAll(async () => {
    await session?.close()
  })

  const objectBytes = async (key: string) => {
    const answer = await signedFetch(store, { method: "GET", path: `/${bucket}/${key}` })
    assert.strictEqual(answer.status, 200, `GET ${key}`)
    return new Uint8Array(await answer.arrayBuffer())
  }
  const assertObject = async (key: string, seed: number, sizeBytes: number) => {
    const bytes = await objectBytes(key)
    assert.strictEqual(bytes.length, sizeBytes)
    assert.isTrue(Buffer.from(bytes).equals(Buffer.from(expectedBytes(seed, sizeBytes))), `${key}: bytes differ`)
  }

  it("resumes after a reload mid-upload without a re-pick, and sends no committed part again", async () => {
    const { context, page } = await session.openPage()
    const key = "reload.bin"
    const sizeBytes = 20 * MiB
    await page.fill("#partLimit", "1")
    await page.dispatchEvent("#partLimit", "change")
    // The third part sent is held at the proxy, so the reload surely comes while it is in flight, after two parts.
    session.proxy.hold(nthPart(key, 3))
    await addOpfsFiles(page, [{ name: key, sizeBytes, seed: 11 }])
    await waitRows(page, (r) => r[0]?.committedBytes === 10 * MiB)
    const before = new Set(committedParts(session.proxy.log, key))
    const reloadAt = session.proxy.log.length
    await page.reload()
    session.proxy.release()
    await waitReady(page)
    const after = await waitRows(page, (r) => r[0]?.state === "completed" || r[0]?.state === "failed")
    assert.strictEqual(after[0]?.state, "completed", after[0]?.error)
    assert.strictEqual(before.size, 2, [...before].join())
    const resent = session.proxy.log.slice(reloadAt).filter((e) => isPart(e) && before.has(e.query.partNumber ?? ""))
    assert.deepStrictEqual(resent, [], "a part committed before the reload was sent again")
    assert.deepStrictEqual(committedParts(session.proxy.log, key).sort(), ["1", "2", "3", "4"])
    await assertObject(key, 11, sizeBytes)
    await context.close()
  }, 90_000)

  it("offline, then online again: the upload resumes and completes, committed parts not re-sent", async () => {
    const { context, page } = await session.openPage()
    const key = "offline.bin"
    const sizeBytes = 20 * MiB
    let failedWhileOffline = 0
    let offline = false
    page.on("requestfailed", () => {
      if (offline) failedWhileOffline += 1
    })
    await page.fill("#partLimit", "1")
    await page.dispatchEvent("#partLimit", "change")
    session.proxy.hold(nthPart(key, 2))
    await addOpfsFiles(page, [{ name: key, sizeBytes, seed: 12 }])
    await waitRows(page, (r) => r[0]?.committedBytes === 5 * MiB)
    offline = true
    await context.setOffline(true)
    session.proxy.release()
    // Offline until the run has spent its retries and the page shows it failed; going online resumes it.
    const whileOffline = await waitRows(page, (r) => r[0]?.state === "failed", 60_000)
    offline = false
    await context.setOffline(false)
    const done = await waitRows(page, (r) => r[0]?.state === "completed" || r[0]?.state === "failed")
    assert.strictEqual(done[0]?.state, "completed", done[0]?.error)
    console.log(
      `offline: ${failedWhileOffline} requests failed; the upload failed at ` +
        `${(whileOffline[0]?.committedBytes ?? 0) / MiB} MiB (${whileOffline[0]?.error.split("\n")[0]}), resumed online`
    )
    assert.isAbove(failedWhileOffline, 0)
    const committed = committedParts(session.proxy.log, key)
    assert.deepStrictEqual([...committed].sort(), ["1", "2", "3", "4"], "each part committed exactly once")
    await assertObject(key, 12, sizeBytes)
    await context.close()
  }, 90_000)

  it("cancel aborts the upload: the store lists no upload and no part of it", async () => {
    const { context, page } = await session.openPage()
    const key = "cancel.bin"
    await page.fill("#partLimit", "1")
    await page.dispatchEvent("#partLimit", "change")
    session.proxy.hold(nthPart(key, 3))
    await addOpfsFiles(page, [{ name: key, sizeBytes: 20 * MiB, seed: 13 }])
    await waitRows(page, (r) => r[0]?.committedBytes === 10 * MiB)
    await page.click(`li[data-id="s3:${bucket}:${key}"] button[data-action="cancel"]`)
    const done = await waitRows(page, (r) => r[0]?.state === "cancelled" || r[0]?.state === "failed")
    session.proxy.release()
    assert.strictEqual(done[0]?.state, "cancelled", done[0]?.error)
    const uploadId = session.proxy.log.find((e) => isPart(e) && e.path === `/${bucket}/${key}`)?.query.uploadId ?? ""
    assert.notStrictEqual(uploadId, "")
    const listed = await signedFetch(store, { method: "GET", path: `/${bucket}`, query: { uploads: "" } })
    const uploadsXml = await listed.text()
    assert.strictEqual(listed.status, 200, uploadsXml)
    assert.notInclude(uploadsXml, "<Upload>", uploadsXml)
    const parts = await signedFetch(store, { method: "GET", path: `/${bucket}/${key}`, query: { uploadId } })
    const partsXml = await parts.text()
    assert.strictEqual(parts.status, 404, partsXml)
    assert.include(partsXml, "NoSuchUpload")
    assert.isTrue(session.proxy.log.some((e) => e.method === "DELETE" && e.query.uploadId === uploadId))
    // Nothing is left to resume: a reloaded page lists no upload.
    await page.reload()
    await waitReady(page)
    assert.deepStrictEqual(await rows(page), [])
    await context.close()
  }, 90_000)

  it("three files at once share one limit on parts in flight", async () => {
    const { context, page } = await session.openPage()
    const limit = 2
    await page.fill("#partLimit", String(limit))
    await page.dispatchEvent("#partLimit", "change")
    const files = [1, 2, 3].map((n) => ({ name: `many-${n}.bin`, sizeBytes: 20 * MiB, seed: 20 + n }))
    const from = session.proxy.log.length
    await addOpfsFiles(page, files)
    const done = await waitRows(page, (r) => r.length === 3 && r.every((x) => x.state !== "uploading"))
    assert.deepStrictEqual(
      done.map((r) => r.state),
      ["completed", "completed", "completed"],
      JSON.stringify(done)
    )
    const log = session.proxy.log.slice(from)
    const peak = peakInFlight(log, isPart)
    const pagePeak = await page.evaluate(() =>
      (globalThis as unknown as { __demo: { peakPartsInFlight: () => number } }).__demo.peakPartsInFlight()
    )
    console.log(`3 files × 4 parts, limit ${limit}: at most ${peak} parts in flight at the proxy (page: ${pagePeak})`)
    assert.isAtMost(peak, limit)
    assert.strictEqual(log.filter(isPart).length, 12)
    for (const f of files) await assertObject(f.name, f.seed, f.sizeBytes)
    await context.close()
  }, 120_000)

  it("uploads in the OSS dialect (OSS V4 presigned URLs) when it is selected", async () => {
    const { context, page } = await session.openPage()
    await page.selectOption("#dialect", "oss")
    const key = "oss.bin"
    await addOpfsFiles(page, [{ name: key, sizeBytes: 12 * MiB, seed: 31 }])
    const done = await waitRows(page, (r) => r[0]?.state === "completed" || r[0]?.state === "failed")
    assert.strictEqual(done[0]?.state, "completed", done[0]?.error)
    assert.strictEqual(done[0]?.id, `oss:${bucket}:${key}`)
    // OSS V4 query auth on the wire, not SigV4.
    const part = session.proxy.log.find((e) => isPart(e) && e.path === `/${bucket}/${key}`)
    assert.strictEqual(part?.query["x-oss-signature-version"], "OSS4-HMAC-SHA256", JSON.stringify(part?.query))
    await assertObject(key, 31, 12 * MiB)
    await context.close()
  }, 60_000)
})
