/**
 * The batch checkpoint of `cp -r` (BatchJournal.ts) on a real directory: done files survive a reopen, a torn last
 * line (a kill mid-append) costs only that file, files changed or gone since are dropped so the journal stays one
 * line per planned file at most, another batch never reads this one's lines, and `remove` leaves nothing behind.
 * Also the global request limit (RequestLimit.ts): many concurrent callers, never more than the permits in flight;
 * and the sweep of uploads a kill orphaned (OrphanSweep.ts) on the local server.
 */
import { appendFileSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { afterAll, assert, describe, it } from "@effect/vitest"
import * as Effect from "effect/Effect"
import * as FetchHttpClient from "effect/http/FetchHttpClient"
import * as Layer from "effect/Layer"
import * as Semaphore from "effect/Semaphore"
import * as BatchJournal from "../../adapters/cli/BatchJournal.ts"
import { clockSkewMarginMs, sweepOrphans } from "../../adapters/cli/OrphanSweep.ts"
import * as RequestLimit from "../../adapters/cli/RequestLimit.ts"
import { s3Store } from "../../adapters/s3/s3Store.ts"
import * as LocalOssServer from "../../adapters/server/LocalOssServer.ts"
import { ObjectStore, type ObjectStoreShape } from "../../core/ports/ObjectStore.ts"

const root = mkdtempSync(join(tmpdir(), "batch-journal-"))
afterAll(() => rmSync(root, { recursive: true, force: true }))

const identity = { source: "/data/photos", target: "oss http://127.0.0.1:9900 bucket pre/", filters: "[]" }
const files = Array.from({ length: 5 }, (_, i) => ({ relativePath: `f${i}.bin`, sizeBytes: i, mtimeMs: 1000 + i }))
const fingerprints = files.map(BatchJournal.fingerprintOf)

describe("batch journal", () => {
  it("records done files; a reopen finds them; a torn last line is ignored and repaired", () => {
    const dir = join(root, "resume")
    const first = BatchJournal.open(dir, identity, new Set(fingerprints))
    assert.strictEqual(first.done.size, 0)
    first.record(fingerprints[0] as string)
    first.record(fingerprints[1] as string)
    appendFileSync(first.path, (fingerprints[2] as string).slice(0, 7)) // killed mid-append
    const second = BatchJournal.open(dir, identity, new Set(fingerprints))
    assert.deepStrictEqual([...second.done].sort(), [fingerprints[0], fingerprints[1]].sort())
    assert.isTrue(readFileSync(second.path, "utf8").endsWith("\n"), "rewritten without the torn line")
    second.record(fingerprints[2] as string)
    assert.strictEqual(BatchJournal.open(dir, identity, new Set(fingerprints)).done.size, 3)
  })

  it("a changed file is another fingerprint, and what is no longer planned is dropped (bounded)", () => {
    const dir = join(root, "bounded")
    const journal = BatchJournal.open(dir, identity, new Set(fingerprints))
    for (const f of fingerprints) journal.record(f)
    const touched = BatchJournal.fingerprintOf({ ...files[0], mtimeMs: 9999 } as (typeof files)[0])
    assert.notStrictEqual(touched, fingerprints[0])
    const planned = new Set([touched, fingerprints[1] as string])
    const reopened = BatchJournal.open(dir, identity, planned)
    assert.deepStrictEqual([...reopened.done], [fingerprints[1]])
    const lines = readFileSync(reopened.path, "utf8")
      .split("\n")
      .filter((l) => l !== "")
    assert.strictEqual(lines.length, 2, "the header and the one file still planned")
  })

  it("another batch (source, target or filters) has its own journal; remove leaves no file or directory", () => {
    const dir = join(root, "separate")
    const a = BatchJournal.open(dir, identity, new Set(fingerprints))
    a.record(fingerprints[0] as string)
    const b = BatchJournal.open(dir, { ...identity, filters: '[["*.jpg"],[],false]' }, new Set(fingerprints))
    assert.notStrictEqual(a.path, b.path)
    assert.strictEqual(b.done.size, 0)
    b.remove()
    assert.deepStrictEqual(readdirSync(join(dir, "batches")), [a.path.split("/").at(-1)])
    a.remove()
    assert.isFalse(existsSync(join(dir, "batches")))
  })
})

describe("request limit", () => {
  it("at most `permits` calls in flight across all callers", async () => {
    const gauge: RequestLimit.RequestGauge = { inFlight: 0, maxInFlight: 0 }
    let concurrent = 0
    let concurrentMax = 0
    const slowHead: ObjectStoreShape["head"] = () =>
      Effect.gen(function* () {
        concurrent++
        concurrentMax = Math.max(concurrentMax, concurrent)
        yield* Effect.sleep("5 millis")
        concurrent--
        return undefined
      })
    // Only the call the test makes: what is checked is the semaphore around it (the e2e suites check it on stores).
    const store = { head: slowHead } as unknown as ObjectStoreShape
    const semaphore = await Effect.runPromise(Semaphore.make(3))
    const limited = RequestLimit.limited(store, semaphore, gauge)
    await Effect.runPromise(
      Effect.forEach(Array.from({ length: 40 }), () => limited.head({ bucket: "b", key: "k" }), {
        concurrency: "unbounded",
        discard: true
      })
    )
    assert.strictEqual(concurrentMax, 3)
    assert.strictEqual(gauge.maxInFlight, 3)
    assert.strictEqual(gauge.inFlight, 0)
  })
})

describe("orphan sweep", () => {
  it("aborts the uploads of exactly the key started since the intent, and none started long before", async () => {
    const keys = { accessKeyId: "sweep", accessKeySecret: "sweep-secret" }
    const server = await LocalOssServer.start({ storage: { kind: "memory" }, credentials: [keys], dialect: "s3" })
    try {
      const store = s3Store({
        endpoint: server.url,
        accessKeyId: keys.accessKeyId,
        secretAccessKey: keys.accessKeySecret
      }).pipe(Layer.provide(FetchHttpClient.layer))
      const run = <A>(effect: Effect.Effect<A, unknown, ObjectStore>) =>
        Effect.runPromise(Effect.provide(effect, store))
      const bucket = "sweep"
      await run(
        Effect.flatMap(ObjectStore, (s) =>
          Effect.all([
            s.initiate({ bucket, key: "a/big.bin" }),
            s.initiate({ bucket, key: "a/big.bin" }),
            s.initiate({ bucket, key: "a/big.bin.other" })
          ])
        )
      )
      // An intent far in the future: the uploads are older than it by more than the margin, so not ours.
      assert.strictEqual(await run(sweepOrphans(bucket, "a/big.bin", Date.now() + 2 * clockSkewMarginMs)), 0)
      assert.strictEqual(await run(sweepOrphans(bucket, "a/big.bin", Date.now() - 1000)), 2)
      const left = await run(Effect.flatMap(ObjectStore, (s) => s.listUploads({ bucket })))
      assert.deepStrictEqual(
        left.uploads.map((u) => u.key),
        ["a/big.bin.other"]
      )
    } finally {
      await server.close()
    }
  })
})

describe("batch journal intents", () => {
  it("a multipart file's first start is kept across reopens and compaction, only while it is planned", () => {
    const dir = join(root, "intents")
    const first = BatchJournal.open(dir, identity, new Set(fingerprints))
    first.recordIntent(fingerprints[3] as string, 1234)
    first.recordIntent(fingerprints[4] as string, 5678)
    first.record(fingerprints[0] as string)
    const second = BatchJournal.open(dir, identity, new Set(fingerprints.slice(0, 4)))
    assert.deepStrictEqual([...second.intents], [[fingerprints[3], 1234]])
    second.recordIntent(fingerprints[3] as string, 9999) // a later start does not move the first
    const third = BatchJournal.open(dir, identity, new Set(fingerprints))
    assert.strictEqual(third.intents.get(fingerprints[3] as string), 1234)
    assert.isFalse(third.intents.has(fingerprints[4] as string), "dropped while it was not planned")
    assert.deepStrictEqual([...third.done], [fingerprints[0]])
  })
})
