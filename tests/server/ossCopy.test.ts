/**
 * CopyObject and UploadPartCopy in the OSS dialect (`x-oss-copy-source`, `x-oss-copy-source-range`,
 * `x-oss-metadata-directive`, `x-oss-forbid-overwrite`): bytes, CRC-64 and ETags of the copies, the OSS result
 * documents, and the refusals.
 */
import { createHash } from "node:crypto"
import { assert, describe, it } from "@effect/vitest"
import * as Crc64 from "../../core/Crc64.ts"
import { bucket, bytesOf, completeBody, initiate, urlOf, withServer, xmlField } from "./serverSupport.ts"

const md5Upper = (bytes: Uint8Array) => `"${createHash("md5").update(bytes).digest("hex").toUpperCase()}"`

describe("OSS copy operations", () => {
  it("copies an object, keeps or replaces its metadata, and copies part ranges", () =>
    withServer({}, async (server) => {
      const source = bytesOf(300_000, 7)
      await fetch(urlOf(server, "src"), {
        method: "PUT",
        body: source,
        headers: { "Content-Type": "image/png", "x-oss-meta-a": "1" }
      })
      const copy = await fetch(urlOf(server, "dst"), {
        method: "PUT",
        headers: { "x-oss-copy-source": `/${bucket}/src` }
      })
      const copyXml = await copy.text()
      assert.strictEqual(copy.status, 200, copyXml)
      assert.strictEqual(xmlField(copyXml, "ETag"), md5Upper(source))
      const got = await fetch(urlOf(server, "dst"))
      assert.deepStrictEqual(new Uint8Array(await got.arrayBuffer()), source)
      assert.strictEqual(got.headers.get("content-type"), "image/png")
      assert.strictEqual(got.headers.get("x-oss-meta-a"), "1")
      assert.strictEqual(got.headers.get("x-oss-hash-crc64ecma"), Crc64.compute(source).toString())

      const replaced = await fetch(urlOf(server, "dst"), {
        method: "PUT",
        headers: { "x-oss-copy-source": `/${bucket}/src`, "x-oss-metadata-directive": "REPLACE", "x-oss-meta-b": "2" }
      })
      assert.strictEqual(replaced.status, 200)
      const head = await fetch(urlOf(server, "dst"), { method: "HEAD" })
      assert.strictEqual(head.headers.get("x-oss-meta-b"), "2")
      assert.isNull(head.headers.get("x-oss-meta-a"))
      const forbidden = await fetch(urlOf(server, "dst"), {
        method: "PUT",
        headers: { "x-oss-copy-source": `/${bucket}/src`, "x-oss-forbid-overwrite": "true" }
      })
      assert.strictEqual(xmlField(await forbidden.text(), "Code"), "FileAlreadyExists")
      const missing = await fetch(urlOf(server, "x"), {
        method: "PUT",
        headers: { "x-oss-copy-source": `/${bucket}/none` }
      })
      assert.strictEqual(xmlField(await missing.text(), "Code"), "NoSuchKey")

      const uploadId = await initiate(server, "assembled")
      const etags: Array<string> = []
      for (const [partNumber, range] of [
        [1, "bytes=0-99999"],
        [2, "bytes=100000-299999"]
      ] as const) {
        const part = await fetch(urlOf(server, "assembled", { partNumber: String(partNumber), uploadId }), {
          method: "PUT",
          headers: { "x-oss-copy-source": `/${bucket}/src`, "x-oss-copy-source-range": range }
        })
        const xml = await part.text()
        assert.strictEqual(part.status, 200, xml)
        assert.include(xml, "<CopyPartResult>")
        etags.push(xmlField(xml, "ETag") ?? "")
      }
      assert.strictEqual(etags[0], md5Upper(source.subarray(0, 100_000)))
      const bad = await fetch(urlOf(server, "assembled", { partNumber: "3", uploadId }), {
        method: "PUT",
        headers: { "x-oss-copy-source": `/${bucket}/src`, "x-oss-copy-source-range": "bytes=0-300000" }
      })
      assert.strictEqual(xmlField(await bad.text(), "Code"), "InvalidArgument")
      const done = await fetch(urlOf(server, "assembled", { uploadId }), {
        method: "POST",
        body: completeBody(etags.map((etag, i) => ({ partNumber: i + 1, etag })))
      })
      assert.strictEqual(done.status, 200)
      assert.strictEqual(done.headers.get("x-oss-hash-crc64ecma"), Crc64.compute(source).toString())
      const whole = await fetch(urlOf(server, "assembled"))
      assert.deepStrictEqual(new Uint8Array(await whole.arrayBuffer()), source)
      const ranged = await fetch(urlOf(server, "assembled"), { headers: { Range: "bytes=99990-100009" } })
      assert.strictEqual(ranged.status, 206)
      assert.deepStrictEqual(new Uint8Array(await ranged.arrayBuffer()), source.subarray(99_990, 100_010))
    }))
})
