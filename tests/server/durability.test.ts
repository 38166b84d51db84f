/**
 * The directory storage across restarts: a closed server, and one killed with SIGKILL in the middle of an upload,
 * come back with every acknowledged part and object, nothing half-written, and uploads that still complete.
 */
import { spawn } from "node:child_process"
import { createHash } from "node:crypto"
import { mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from "node:fs"
import { request } from "node:http"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { fileURLToPath } from "node:url"
import { afterAll, assert, describe, it } from "@effect/vitest"
import type { LocalOssServer } from "../../adapters/server/LocalOssServer.ts"
import { bucket, bytesOf, initiate, putPart, startServer, urlOf, xmlField, xmlFields } from "./serverSupport.ts"

const root = mkdtempSync(join(tmpdir(), "local-oss-durability-"))
afterAll(() => rmSync(root, { recursive: true, force: true }))

const onDirectory = (path: string) => startServer({ storage: { kind: "directory", path } })
const partNumbersOf = async (server: LocalOssServer, key: string, uploadId: string) =>
  xmlFields(await (await fetch(urlOf(server, key, { uploadId }))).text(), "PartNumber")
const completeAll = (server: LocalOssServer, key: string, uploadId: string) =>
  fetch(urlOf(server, key, { uploadId }), { method: "POST", headers: { "x-oss-complete-all": "yes" } })

describe("LocalOssServer durability", () => {
  it("serves the same uploads and objects after a restart", async () => {
    const dir = join(root, "restart")
    const first = await onDirectory(dir)
    const uploadId = await initiate(first, "movie")
    for (let n = 1; n <= 3; n++) await putPart(first, "movie", uploadId, n, bytesOf(8, n))
    await putPart(first, "movie", uploadId, 2, bytesOf(8, 20)) // overwritten: the later bytes must win
    const aborted = await initiate(first, "gone")
    await fetch(urlOf(first, "gone", { uploadId: aborted }), { method: "DELETE" })
    await fetch(urlOf(first, "plain"), { method: "PUT", body: "plain", headers: { "Content-Type": "text/plain" } })
    const done = await initiate(first, "done")
    await putPart(first, "done", done, 1, bytesOf(5, 9))
    const doneEtag = (await completeAll(first, "done", done)).headers.get("etag")
    await first.close()

    const second = await onDirectory(dir)
    try {
      assert.deepStrictEqual(await partNumbersOf(second, "movie", uploadId), ["1", "2", "3"])
      const uploads = await (await fetch(urlOf(second, undefined, { uploads: "" }))).text()
      assert.deepStrictEqual(xmlFields(uploads, "UploadId"), [uploadId])
      const plain = await fetch(urlOf(second, "plain"))
      assert.strictEqual(await plain.text(), "plain")
      assert.strictEqual(plain.headers.get("content-type"), "text/plain")
      const head = await fetch(urlOf(second, "done"), { method: "HEAD" })
      assert.strictEqual(head.headers.get("etag"), doneEtag, "a multipart ETag survives the restart")
      // New ids never repeat old ones and sort after them.
      const next = await initiate(second, "movie")
      assert.isAbove(next.localeCompare(uploadId), 0)
      assert.strictEqual((await completeAll(second, "movie", uploadId)).status, 200)
      const object = new Uint8Array(await (await fetch(urlOf(second, "movie"))).arrayBuffer())
      assert.deepStrictEqual(object, new Uint8Array([...bytesOf(8, 1), ...bytesOf(8, 20), ...bytesOf(8, 3)]))
    } finally {
      await second.close()
    }
    assert.deepStrictEqual(readdirSync(join(dir, "uploads")).length, 1, "only the upload started after the restart")
  })

  it("ignores and cleans what a crash leaves behind", async () => {
    const dir = join(root, "leftovers")
    const first = await onDirectory(dir)
    const uploadId = await initiate(first, "k")
    await putPart(first, "k", uploadId, 1, "good")
    await first.close()
    writeFileSync(join(dir, "uploads", uploadId, ".tmp-half-written"), "junk")
    writeFileSync(join(dir, "uploads", uploadId, "part-00002"), '{"partNumber":2,"sizeBytes":100}\nshort')
    mkdirSync(join(dir, "uploads", "0000000000000000DEAD000000000001"))
    writeFileSync(join(dir, "objects", ".tmp-object"), "junk")
    mkdirSync(join(dir, "trash", "old-upload"), { recursive: true })
    const second = await onDirectory(dir)
    try {
      assert.deepStrictEqual(await partNumbersOf(second, "k", uploadId), ["1"])
      assert.deepStrictEqual(readdirSync(join(dir, "uploads")), [uploadId])
      assert.deepStrictEqual(readdirSync(join(dir, "objects")), [])
      assert.deepStrictEqual(readdirSync(join(dir, "trash")), [])
    } finally {
      await second.close()
    }
  })

  it("loses nothing acknowledged when the server process is killed mid-upload", async () => {
    const dir = join(root, "killed")
    const child = spawn(
      process.execPath,
      ["--conditions=@resumable-upload/source", "--import", "tsx", "tests/server/serverProcess.ts"],
      {
        cwd: fileURLToPath(new URL("../..", import.meta.url)),
        env: { ...process.env, LOCAL_OSS_DIR: dir },
        stdio: ["ignore", "pipe", "inherit"]
      }
    )
    const exited = new Promise((resolve) => child.once("exit", resolve))
    const port = await new Promise<number>((resolve, reject) => {
      child.stdout.on("data", (chunk: Buffer) => {
        const match = /ready (\d+)/.exec(chunk.toString())
        if (match !== null) resolve(Number(match[1]))
      })
      child.once("exit", (code) => reject(new Error(`server exited early with ${code}`)))
    })
    const remote = { url: `http://127.0.0.1:${port}` } as LocalOssServer
    const uploadId = await initiate(remote, "big")
    const acked = new Map<number, string>()
    for (let n = 1; n <= 3; n++) {
      const response = await putPart(remote, "big", uploadId, n, bytesOf(64 * 1024, n))
      acked.set(n, response.headers.get("etag") ?? "")
    }
    // Parts 4–19 race the kill; part 20 is half sent when the process dies. Whatever was acknowledged must survive;
    // anything else may be absent, never torn.
    const expected = new Map<number, string>()
    for (let n = 4; n <= 19; n++) {
      expected.set(
        n,
        `"${createHash("md5")
          .update(bytesOf(64 * 1024, n))
          .digest("hex")
          .toUpperCase()}"`
      )
      putPart(remote, "big", uploadId, n, bytesOf(64 * 1024, n)).then(
        (response) => response.status === 200 && acked.set(n, response.headers.get("etag") ?? ""),
        () => undefined
      )
    }
    const inFlight = request({
      host: "127.0.0.1",
      port,
      method: "PUT",
      path: `/${bucket}/big?partNumber=20&uploadId=${uploadId}`,
      headers: { "Content-Length": String(64 * 1024) }
    })
    inFlight.on("error", () => undefined)
    inFlight.write(bytesOf(32 * 1024, 20))
    for (let waitedMs = 0; acked.size < 5 && waitedMs < 5000; waitedMs += 5) {
      await new Promise((resolve) => setTimeout(resolve, 5))
    }
    child.kill("SIGKILL")
    await exited
    const acknowledged = new Map(acked)

    const restarted = await onDirectory(dir)
    try {
      const listed = await (await fetch(urlOf(restarted, "big", { uploadId }))).text()
      const numbers = xmlFields(listed, "PartNumber").map(Number)
      const etags = xmlFields(listed, "ETag")
      for (const [n, etag] of acknowledged) assert.strictEqual(etags[numbers.indexOf(n)], etag, `acked part ${n}`)
      for (const [i, n] of numbers.entries()) {
        assert.strictEqual(etags[i], acknowledged.get(n) ?? expected.get(n), `part ${n} is whole`)
      }
      assert.notInclude(numbers, 20)
      assert.isTrue(xmlFields(listed, "Size").every((size) => size === "65536"))
      const done = await completeAll(restarted, "big", uploadId)
      assert.strictEqual(done.status, 200, await done.clone().text())
      assert.match(xmlField(await done.text(), "ETag") ?? "", new RegExp(`-${numbers.length}"$`))
      const size = (await fetch(urlOf(restarted, "big"), { method: "HEAD" })).headers.get("content-length")
      assert.strictEqual(size, String(numbers.length * 64 * 1024))
    } finally {
      await restarted.close()
    }
  })
})
