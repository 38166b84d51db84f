/**
 * The pieces under the directory storage: keyed readers–writer locks (order and exclusion), crash-safe record files
 * (a record that is not whole is never read back), and the one-server-per-directory lock.
 */
import { mkdtempSync, readdirSync, rmSync, writeFileSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { afterAll, assert, describe, it } from "@effect/vitest"
import { KeyedLock } from "../../adapters/server/keyedLock.ts"
import { readRecord, removeTempFiles, writeRecord } from "../../adapters/server/recordFile.ts"
import { startServer } from "./serverSupport.ts"

const root = mkdtempSync(join(tmpdir(), "local-oss-internals-"))
afterAll(() => rmSync(root, { recursive: true, force: true }))

const tick = () => new Promise((resolve) => setTimeout(resolve, 1))

describe("KeyedLock", () => {
  it("runs shared holders together, exclusive ones alone, in arrival order", async () => {
    const lock = new KeyedLock()
    const log: Array<string> = []
    let active = 0
    let maxActive = 0
    const task = (name: string) => async () => {
      active++
      maxActive = Math.max(maxActive, active)
      log.push(`start ${name}`)
      await tick()
      log.push(`end ${name}`)
      active--
    }
    await Promise.all([
      lock.shared("u", task("r1")),
      lock.shared("u", task("r2")),
      lock.exclusive("u", task("w")),
      lock.shared("u", task("r3")),
      lock.exclusive("other", task("x"))
    ])
    const onU = log.filter((entry) => !entry.endsWith(" x"))
    const w = onU.indexOf("start w")
    assert.isAbove(w, onU.indexOf("end r1"))
    assert.isAbove(w, onU.indexOf("end r2"))
    assert.strictEqual(onU[w + 1], "end w")
    assert.isAbove(onU.indexOf("start r3"), onU.indexOf("end w"), "a later reader waits for the queued writer")
    assert.strictEqual(maxActive, 3, "r1, r2 and the unrelated x overlap")
  })

  it("releases the lock when the task fails", async () => {
    const lock = new KeyedLock()
    const failed = await lock.exclusive("k", () => Promise.reject(new Error("boom"))).catch((e: Error) => e.message)
    assert.strictEqual(failed, "boom")
    assert.strictEqual(await lock.exclusive("k", async () => "free"), "free")
  })
})

describe("record files", () => {
  it("round-trip a header and bytes, and refuse torn or foreign files", async () => {
    const dir = mkdtempSync(join(root, "records-"))
    await writeRecord(dir, "r", { a: "1" }, new Uint8Array([1, 2, 3]))
    const record = await readRecord(join(dir, "r"))
    assert.deepStrictEqual(record?.header, { a: "1", sizeBytes: 3 })
    assert.deepStrictEqual(record?.bytes, new Uint8Array([1, 2, 3]))
    writeFileSync(join(dir, "torn"), '{"sizeBytes":10}\nabc')
    writeFileSync(join(dir, "nojson"), "no header line")
    writeFileSync(join(dir, "array"), "[1]\n")
    for (const name of ["torn", "nojson", "array", "missing"]) assert.isUndefined(await readRecord(join(dir, name)))
    writeFileSync(join(dir, ".tmp-left-behind"), "x")
    await removeTempFiles(dir)
    assert.deepStrictEqual(readdirSync(dir).sort(), ["array", "nojson", "r", "torn"])
  })
})

describe("data directory lock", () => {
  it("refuses a second server on the same directory until the first closes", async () => {
    const dir = join(root, "locked")
    const first = await startServer({ storage: { kind: "directory", path: dir } })
    const second = await startServer({ storage: { kind: "directory", path: dir } }).then(
      (server) => server.close().then(() => "started"),
      (error: Error) => error.message
    )
    assert.include(second, "in use by another server")
    await first.close()
    const third = await startServer({ storage: { kind: "directory", path: dir } })
    await third.close()
  })
})
