/**
 * PutObject, HeadObject, GetObject (ranges) and DeleteObject on the local OSS server, and keys that look like paths:
 * `..`, `//`, backslashes, URL-encoded slashes and non-ASCII all round-trip as keys and never leave the storage
 * directory.
 */
import { mkdtempSync, readdirSync, rmSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { afterAll, assert, describe, it } from "@effect/vitest"
import * as Crc64 from "../../core/Crc64.ts"
import { bucket, bytesOf, rawRequest, urlOf, withServer, xmlField } from "./serverSupport.ts"

const root = mkdtempSync(join(tmpdir(), "local-oss-objects-"))
afterAll(() => rmSync(root, { recursive: true, force: true }))

/** Every path under `dir`, relative. */
const listTree = (dir: string, prefix = ""): Array<string> =>
  readdirSync(dir, { withFileTypes: true }).flatMap((entry) =>
    entry.isDirectory()
      ? [`${prefix}${entry.name}/`, ...listTree(join(dir, entry.name), `${prefix}${entry.name}/`)]
      : [`${prefix}${entry.name}`]
  )

describe("LocalOssServer objects", () => {
  it("puts, heads, gets and deletes with metadata and checksums", () =>
    withServer({}, async (server) => {
      const body = bytesOf(20, 3)
      const put = await fetch(urlOf(server, "o.txt"), {
        method: "PUT",
        body,
        headers: { "Content-Type": "text/plain", "x-oss-meta-owner": "alice" }
      })
      assert.strictEqual(put.status, 200)
      const crc = Crc64.toDecimal(Crc64.compute(body))
      assert.strictEqual(put.headers.get("x-oss-hash-crc64ecma"), crc)
      const head = await fetch(urlOf(server, "o.txt"), { method: "HEAD" })
      assert.strictEqual(head.status, 200)
      assert.strictEqual(head.headers.get("content-length"), "20")
      assert.strictEqual(head.headers.get("content-type"), "text/plain")
      assert.strictEqual(head.headers.get("x-oss-meta-owner"), "alice")
      assert.strictEqual(head.headers.get("etag"), put.headers.get("etag"))
      assert.isNotNull(head.headers.get("last-modified"))
      const got = await fetch(urlOf(server, "o.txt"))
      assert.deepStrictEqual(new Uint8Array(await got.arrayBuffer()), body)
      assert.strictEqual(got.headers.get("x-oss-hash-crc64ecma"), crc)
      assert.strictEqual((await fetch(urlOf(server, "o.txt"), { method: "DELETE" })).status, 204)
      assert.strictEqual((await fetch(urlOf(server, "o.txt"), { method: "DELETE" })).status, 204)
      const gone = await fetch(urlOf(server, "o.txt"))
      assert.strictEqual(gone.status, 404)
      assert.strictEqual(xmlField(await gone.text(), "Code"), "NoSuchKey")
      const headGone = await fetch(urlOf(server, "o.txt"), { method: "HEAD" })
      assert.strictEqual(headGone.status, 404)
      const err = Buffer.from(headGone.headers.get("x-oss-err") ?? "", "base64").toString("utf8")
      assert.strictEqual(xmlField(err, "Code"), "NoSuchKey")
    }))

  it("serves ranges the OSS way", () =>
    withServer({}, async (server) => {
      const body = bytesOf(10, 1)
      await fetch(urlOf(server, "r"), { method: "PUT", body })
      const get = (range: string, standard = false) =>
        fetch(urlOf(server, "r"), {
          headers: { Range: range, ...(standard ? { "x-oss-range-behavior": "standard" } : {}) }
        })
      const mid = await get("bytes=2-4")
      assert.strictEqual(mid.status, 206)
      assert.strictEqual(mid.headers.get("content-range"), "bytes 2-4/10")
      assert.deepStrictEqual(new Uint8Array(await mid.arrayBuffer()), body.slice(2, 5))
      const tail = await get("bytes=-3")
      assert.deepStrictEqual(new Uint8Array(await tail.arrayBuffer()), body.slice(7))
      const open = await get("bytes=8-")
      assert.deepStrictEqual(new Uint8Array(await open.arrayBuffer()), body.slice(8))
      const clamped = await get("bytes=8-99")
      assert.strictEqual(clamped.headers.get("content-range"), "bytes 8-9/10")
      await clamped.arrayBuffer()
      for (const ignored of ["bytes=20-30", "bytes=5-2", "items=1-2", "bytes=1-2,4-5"]) {
        const whole = await get(ignored)
        assert.strictEqual(whole.status, 200, ignored)
        assert.strictEqual((await whole.arrayBuffer()).byteLength, 10)
      }
      const strict = await get("bytes=20-30", true)
      assert.strictEqual(strict.status, 416)
      assert.strictEqual(xmlField(await strict.text(), "Code"), "InvalidRange")
    }))

  it("honours x-oss-forbid-overwrite", () =>
    withServer({}, async (server) => {
      await fetch(urlOf(server, "once"), { method: "PUT", body: "1" })
      const again = await fetch(urlOf(server, "once"), {
        method: "PUT",
        body: "2",
        headers: { "x-oss-forbid-overwrite": "true" }
      })
      assert.strictEqual(again.status, 409)
      assert.strictEqual(xmlField(await again.text(), "Code"), "FileAlreadyExists")
      assert.strictEqual(await (await fetch(urlOf(server, "once"))).text(), "1")
    }))

  it("keeps path-like keys as keys, inside the storage directory", async () => {
    const dir = join(root, "traversal")
    const keys = ["../../x", "a/../../b", "a//b", "a\\..\\b", "%2e%2e/x", "\u{1F600}/é ü?#&", "con", "a/b/", "../"]
    await withServer({ storage: { kind: "directory", path: dir } }, async (server) => {
      // Slashes encoded too, so fetch's URL parser cannot resolve `..` segments before sending.
      const urlOfKey = (key: string) => `${server.url}/${bucket}/${encodeURIComponent(key)}`
      for (const [i, key] of keys.entries()) {
        const put = await fetch(urlOfKey(key), { method: "PUT", body: `v${i}` })
        assert.strictEqual(put.status, 200, key)
      }
      for (const [i, key] of keys.entries()) {
        assert.strictEqual(await (await fetch(urlOfKey(key))).text(), `v${i}`, key)
      }
      // Unnormalised paths straight from the wire: `..` segments are part of the key, not directions.
      const raw = await rawRequest(server, { method: "PUT", path: `/${bucket}/a/../../b`, body: "raw" })
      assert.strictEqual(raw.status, 200)
      assert.strictEqual(await (await fetch(urlOfKey("a/../../b"))).text(), "raw")
      const dots = await rawRequest(server, { method: "PUT", path: `/${bucket}/..`, body: "dots" })
      assert.strictEqual(dots.status, 200)
      assert.strictEqual((await rawRequest(server, { method: "GET", path: `/${bucket}/..` })).body, "dots")
      const encoded = await rawRequest(server, { method: "GET", path: `/${bucket}/%2E%2E%2F%2E%2E%2Fx` })
      assert.strictEqual(encoded.body, "v0")
    })
    const tree = listTree(dir)
    assert.deepStrictEqual(
      tree.filter((path) => path.endsWith("/")),
      ["blobs/", "objects/", "tmp/", "trash/", "uploads/"]
    )
    const files = tree.filter((p) => !p.endsWith("/"))
    assert.strictEqual(files.length, keys.length + 1)
    for (const path of files) assert.match(path, /^objects\/[0-9a-f]{64}$/)
    assert.deepStrictEqual(readdirSync(root), ["traversal"])
  })

  it("refuses keys OSS refuses and bad percent-encoding", () =>
    withServer({}, async (server) => {
      const long = await fetch(urlOf(server, "k".repeat(1024)), { method: "PUT", body: "x" })
      assert.strictEqual(long.status, 400)
      assert.strictEqual(xmlField(await long.text(), "Code"), "InvalidObjectName")
      const badEscape = await rawRequest(server, { method: "GET", path: `/${bucket}/%E0%A4%A` })
      assert.strictEqual(badEscape.status, 400)
      assert.strictEqual(xmlField(badEscape.body, "Code"), "InvalidURI")
      const badBucket = await rawRequest(server, { method: "GET", path: "/Bad_Bucket/k" })
      assert.strictEqual(xmlField(badBucket.body, "Code"), "InvalidBucketName")
    }))
})
