/**
 * The scenarios both browser upload tests run against their store: a page uploads a generated Blob one part at a
 * time and is interrupted once the first part is committed, then a fresh page load (same origin, so same
 * `localStorage`) resumes from the checkpoint and completes. The interruption is either a pause (the upload stops
 * cleanly and releases its lock) or a reload of the tab mid-upload, the crash users actually cause: the dead page's
 * scope never closes, so the reloaded page can only resume at once if the page gave its lease up on `pagehide`.
 * For the reload, the proxy holds part 2 back, so the reload always lands with exactly part 1 recorded. Every store request passes through a {@link CountingProxy}, so the checks count
 * UploadPart requests per part number and look at the CORS preflights on the wire; the object is read back from
 * Node, byte for byte. The console line gives the mean time of a full-size UploadPart as the page timed it.
 */
import { assert } from "@effect/vitest"
import type { CountingProxy, ProxyEntry } from "../support/countingProxy.ts"
import type { PageSession } from "./chromiumPage.ts"
import { getObjectBytes, type S3Access } from "./signedFetch.ts"
import { sourceBytes } from "./sourceBytes.ts"
import type { PageUploadResult } from "./uploadPage.ts"

export interface Scenario {
  /** The store itself, for reading the object back from Node. */
  readonly store: S3Access
  readonly bucket: string
  readonly key: string
  readonly sizeBytes: number
  readonly partSizeBytes: number
  readonly seed: number
  readonly interruption: "pause" | "reload"
  /** The page's request body form; default the runtime's (`"blob"`); `BROWSER_BODY_FORM=bytes` to compare. */
  readonly bodyForm?: "bytes" | "blob"
}

const isUploadPart = (e: ProxyEntry) => e.method === "PUT" && "partNumber" in e.query && "uploadId" in e.query
const isInitiate = (e: ProxyEntry) => e.method === "POST" && "uploads" in e.query
const isComplete = (e: ProxyEntry) => e.method === "POST" && "uploadId" in e.query
const isListParts = (e: ProxyEntry) => e.method === "GET" && "uploadId" in e.query
const describeLog = (log: ReadonlyArray<ProxyEntry>) =>
  log.map((e) => `${e.method} ${e.path}?${new URLSearchParams({ ...e.query })} → ${e.status}`).join("\n")

/** Interrupts a page's upload after its first part, resumes it in a fresh page load, and checks everything. */
export const runInterruptThenResume = async (session: PageSession, proxy: CountingProxy, s: Scenario) => {
  const partCount = Math.ceil(s.sizeBytes / s.partSizeBytes)
  const prefix = `browser-test/${s.bucket}/${s.key}/`
  const logStart = proxy.log.length
  const bodyForm = s.bodyForm ?? (process.env.BROWSER_BODY_FORM === "bytes" ? "bytes" : undefined)
  const args = {
    endpoint: proxy.url,
    region: s.store.region,
    accessKeyId: s.store.accessKeyId,
    secretAccessKey: s.store.secretAccessKey,
    bucket: s.bucket,
    key: s.key,
    sizeBytes: s.sizeBytes,
    seed: s.seed,
    partSizeBytes: s.partSizeBytes,
    prefix,
    ...(bodyForm === undefined ? {} : { bodyForm })
  }
  // One part at a time, so the committed parts at the interruption are exactly the first few.
  let firstEnd = logStart
  let paused: PageUploadResult | undefined
  let resumed: PageUploadResult
  if (s.interruption === "pause") {
    paused = await session.upload({ ...args, parallelism: 1, pauseAfterParts: 1 })
    firstEnd = proxy.log.length
    resumed = await session.upload({ ...args, parallelism: 3 })
  } else {
    proxy.hold((e) => isUploadPart(e) && Number(e.query.partNumber) >= 2)
    resumed = await session.reloadMidUpload({ ...args, parallelism: 1 }, 1, () => {
      firstEnd = proxy.log.length
      proxy.release()
    })
  }
  const pausedLog = proxy.log.slice(logStart, firstEnd)
  const resumedLog = proxy.log.slice(firstEnd)
  const context = `page errors:\n${session.pageErrors.join("\n")}\nfirst page:\n${describeLog(pausedLog)}\nresumed run:\n${describeLog(resumedLog)}`
  // Key kinds, journal chunks left out: they belong to the checkpoint ("data") they extend.
  const kinds = (keys: ReadonlyArray<string>) =>
    keys.map((k) => k.slice(prefix.length).split("/")[0]).filter((kind) => kind !== "journal")

  let committedParts: number
  if (paused !== undefined) {
    // The paused page: part 1 (maybe 2) committed, the checkpoint left in localStorage, its lease released.
    assert.strictEqual(paused.outcome._tag, "Paused", `${JSON.stringify(paused.outcome)}\n${context}`)
    const committedBytes = paused.outcome._tag === "Paused" ? paused.outcome.committedBytes : 0
    committedParts = committedBytes / s.partSizeBytes
    assert.isTrue(Number.isInteger(committedParts) && committedParts >= 1 && committedParts < partCount, context)
    assert.deepStrictEqual(kinds(paused.checkpointKeysAfter), ["data"], "after a pause only the checkpoint stays")
    assert.deepStrictEqual(resumed.checkpointKeysBefore, paused.checkpointKeysAfter)
  } else {
    // The reloaded page: exactly part 1 recorded (part 2 was held back), and no lease left by the dead page.
    committedParts = 1
    assert.deepStrictEqual(kinds(resumed.checkpointKeysBefore), ["data"], `pagehide released the lease\n${context}`)
  }
  assert.deepStrictEqual(
    resumed.checkpointPartsBefore,
    Array.from({ length: committedParts }, (_, i) => i + 1),
    context
  )
  assert.strictEqual(resumed.bodyForm, bodyForm ?? "blob", "a browser page sends Blob bodies by default")

  // The fresh page load finds that checkpoint and completes the same multipart upload.
  const completed = resumed.outcome._tag === "Completed" ? resumed.outcome : undefined
  assert.isDefined(completed, `${JSON.stringify(resumed.outcome)}\n${context}`)
  assert.deepStrictEqual([completed?.partCount, completed?.sizeBytes], [partCount, s.sizeBytes])
  // The multipart ETag, `<md5 of the part MD5s>-<part count>`, which the page could only read if CORS exposes it.
  assert.match(completed?.etag ?? "", new RegExp(`^"?[0-9a-f]{32}-${partCount}"?$`))
  assert.deepStrictEqual(resumed.checkpointKeysAfter, [], "a completed upload leaves no checkpoint")

  // On the wire: one Initiate; part 1 … committedParts in the first page, only the others in the second, each once.
  const partsOf = (log: ReadonlyArray<ProxyEntry>, status?: number) =>
    log
      .filter((e) => isUploadPart(e) && (status === undefined || e.status === status))
      .map((e) => Number(e.query.partNumber))
  const expectedResumed = Array.from({ length: partCount - committedParts }, (_, i) => committedParts + 1 + i)
  assert.strictEqual(pausedLog.filter(isInitiate).length, 1, context)
  const committed = Array.from({ length: committedParts }, (_, i) => i + 1)
  assert.includeMembers(partsOf(pausedLog, 200), committed, context)
  for (const e of pausedLog.filter(isUploadPart)) assert.include([0, 200], e.status, context)
  assert.strictEqual(resumedLog.filter(isInitiate).length, 0, `the resumed page must not start over\n${context}`)
  assert.strictEqual(resumedLog.filter(isListParts).length, 1, `the resumed page checks its parts once\n${context}`)
  assert.deepStrictEqual(
    partsOf(resumedLog).sort((a, b) => a - b),
    expectedResumed,
    context
  )
  assert.deepStrictEqual(
    partsOf(resumedLog, 200).sort((a, b) => a - b),
    expectedResumed,
    context
  )
  const uploadIds = new Set([...pausedLog, ...resumedLog].filter(isUploadPart).map((e) => e.query.uploadId))
  assert.strictEqual(uploadIds.size, 1, context)
  assert.deepStrictEqual(
    resumedLog.filter(isComplete).map((e) => e.status),
    [200],
    context
  )

  // CORS for real: preflights in both page loads, answered for the page's origin; every answer exposes ETag.
  for (const log of [pausedLog, resumedLog]) {
    const preflights = log.filter((e) => e.method === "OPTIONS")
    assert.isAbove(preflights.length, 0, `no CORS preflight seen\n${context}`)
    for (const e of log) {
      assert.strictEqual(e.origin, session.origin, `${e.method} ${e.path} without the page's Origin`)
      if (e.status === 0) continue // a part interrupted by the pause: the browser left before the answer
      if (e.method === "OPTIONS") assert.strictEqual(e.status, 200, context)
      assert.strictEqual(e.allowOrigin, session.origin, `${e.method} ${e.path}: Access-Control-Allow-Origin`)
      if (e.method !== "OPTIONS")
        assert.match(e.exposeHeaders ?? "", /(^|[\s,])etag([\s,]|$)/i, `${e.method}: expose ETag`)
    }
  }

  // From Node: the object is the Blob, byte for byte.
  const stored = await getObjectBytes(s.store, s.bucket, s.key)
  const expected = sourceBytes(s.sizeBytes, s.seed)
  assert.strictEqual(stored.length, expected.length)
  assert.isTrue(Buffer.from(stored).equals(Buffer.from(expected)), "the stored object differs from the Blob")
  assert.deepStrictEqual(session.pageErrors, [])
  const seconds = (ms: number) => `${(ms / 1000).toFixed(2)} s`
  // The page's own timing: the proxy cannot see the time Chromium spends before the body reaches the wire.
  const partTimesMs = [...(paused?.partTimesMs ?? []), ...resumed.partTimesMs]
  const meanPartMs = partTimesMs.reduce((sum, ms) => sum + ms, 0) / Math.max(1, partTimesMs.length)
  const first = paused === undefined ? "reloaded" : `paused in ${seconds(paused.elapsedMs)}`
  console.log(
    `browser upload via ${s.store.origin} (${resumed.bodyForm} bodies): ${first} after ${committedParts}/${partCount} parts, ` +
      `resumed parts ${expectedResumed.join(",")} in ${seconds(resumed.elapsedMs)} ` +
      `(${(s.partSizeBytes / 1024 / 1024).toFixed(0)} MiB UploadPart: ${meanPartMs.toFixed(0)} ms in the page, mean of ${partTimesMs.length}), ` +
      `${pausedLog.length + resumedLog.length} requests incl. ${[...pausedLog, ...resumedLog].filter((e) => e.method === "OPTIONS").length} preflights`
  )
}
