/**
 * The local OSS server's multipart operations over HTTP (protocol.md §1.1–§1.6): happy paths, both pagings, both
 * ways to complete, and the protocol errors with their OSS status, code and extra elements.
 */
import { createHash } from "node:crypto"
import { assert, describe, it } from "@effect/vitest"
import * as Crc64 from "../../core/Crc64.ts"
import { bytesOf, completeBody, initiate, putPart, urlOf, withServer, xmlField, xmlFields } from "./serverSupport.ts"

const md5Base64 = (bytes: Uint8Array) => createHash("md5").update(bytes).digest("base64")

describe("LocalOssServer multipart operations", () => {
  it("initiates, uploads, lists, completes with an XML body and serves the object", () =>
    withServer({}, async (server) => {
      const uploadId = await initiate(server, "dir/movie.bin")
      const one = bytesOf(8, 1)
      const two = bytesOf(5, 2)
      const first = await putPart(server, "dir/movie.bin", uploadId, 1, one)
      assert.strictEqual(first.status, 200)
      assert.strictEqual(first.headers.get("x-oss-hash-crc64ecma"), Crc64.toDecimal(Crc64.compute(one)))
      assert.strictEqual(first.headers.get("content-md5"), md5Base64(one))
      const etag1 = first.headers.get("etag") ?? ""
      assert.match(etag1, /^"[0-9A-F]{32}"$/)
      const etag2 = (await putPart(server, "dir/movie.bin", uploadId, 2, two)).headers.get("etag") ?? ""

      const listed = await (await fetch(urlOf(server, "dir/movie.bin", { uploadId }))).text()
      assert.deepStrictEqual(xmlFields(listed, "PartNumber"), ["1", "2"])
      assert.deepStrictEqual(xmlFields(listed, "Size"), ["8", "5"])
      assert.deepStrictEqual(xmlFields(listed, "ETag"), [etag1, etag2])

      const done = await fetch(urlOf(server, "dir/movie.bin", { uploadId }), {
        method: "POST",
        body: completeBody([
          { partNumber: 1, etag: etag1 },
          { partNumber: 2, etag: etag2 }
        ])
      })
      const doneXml = await done.text()
      assert.strictEqual(done.status, 200, doneXml)
      assert.strictEqual(xmlField(doneXml, "Key"), "dir/movie.bin")
      assert.match(xmlField(doneXml, "ETag") ?? "", /^"[0-9A-F]{32}-2"$/)
      const whole = new Uint8Array([...one, ...two])
      assert.strictEqual(done.headers.get("x-oss-hash-crc64ecma"), Crc64.toDecimal(Crc64.compute(whole)))

      const got = await fetch(urlOf(server, "dir/movie.bin"))
      assert.deepStrictEqual(new Uint8Array(await got.arrayBuffer()), whole)
      // The upload is gone once completed.
      const again = await fetch(urlOf(server, "dir/movie.bin", { uploadId }))
      assert.strictEqual(again.status, 404)
      assert.strictEqual(xmlField(await again.text(), "Code"), "NoSuchUpload")
    }))

  it("completes with x-oss-complete-all and refuses complete-all with a body", () =>
    withServer({}, async (server) => {
      const uploadId = await initiate(server, "k")
      await putPart(server, "k", uploadId, 2, bytesOf(6, 2))
      await putPart(server, "k", uploadId, 1, bytesOf(6, 1))
      const both = await fetch(urlOf(server, "k", { uploadId }), {
        method: "POST",
        headers: { "x-oss-complete-all": "yes" },
        body: completeBody([{ partNumber: 1, etag: '"X"' }])
      })
      assert.strictEqual(both.status, 400)
      const bothXml = await both.text()
      assert.strictEqual(xmlField(bothXml, "Code"), "InvalidArgument")
      assert.strictEqual(xmlField(bothXml, "EC"), "0042-00000216")
      const all = await fetch(urlOf(server, "k", { uploadId }), {
        method: "POST",
        headers: { "x-oss-complete-all": "yes" }
      })
      assert.strictEqual(all.status, 200)
      const got = new Uint8Array(await (await fetch(urlOf(server, "k"))).arrayBuffer())
      assert.deepStrictEqual(got, new Uint8Array([...bytesOf(6, 1), ...bytesOf(6, 2)]))
    }))

  it("pages ListParts with max-parts and an exclusive part-number-marker", () =>
    withServer({}, async (server) => {
      const uploadId = await initiate(server, "p")
      for (let n = 1; n <= 5; n++) await putPart(server, "p", uploadId, n, bytesOf(4, n))
      const page1 = await (await fetch(urlOf(server, "p", { uploadId, "max-parts": "2" }))).text()
      assert.deepStrictEqual(xmlFields(page1, "PartNumber"), ["1", "2"])
      assert.strictEqual(xmlField(page1, "IsTruncated"), "true")
      assert.strictEqual(xmlField(page1, "NextPartNumberMarker"), "2")
      const page3 = await (
        await fetch(urlOf(server, "p", { uploadId, "max-parts": "2", "part-number-marker": "4" }))
      ).text()
      assert.deepStrictEqual(xmlFields(page3, "PartNumber"), ["5"])
      assert.strictEqual(xmlField(page3, "IsTruncated"), "false")
      const bad = await fetch(urlOf(server, "p", { uploadId, "max-parts": "abc" }))
      assert.strictEqual(bad.status, 400)
    }))

  it("pages ListMultipartUploads by key and upload-id markers, with prefix and url encoding", () =>
    withServer({}, async (server) => {
      const ids = [await initiate(server, "a/1"), await initiate(server, "a/1"), await initiate(server, "a/2")]
      await initiate(server, "b")
      const page1 = await (
        await fetch(urlOf(server, undefined, { uploads: "", prefix: "a/", "max-uploads": "2" }))
      ).text()
      assert.deepStrictEqual(xmlFields(page1, "UploadId"), ids.slice(0, 2))
      assert.strictEqual(xmlField(page1, "IsTruncated"), "true")
      const nextKey = xmlField(page1, "NextKeyMarker") ?? ""
      const nextId = xmlField(page1, "NextUploadIdMarker") ?? ""
      assert.strictEqual(nextKey, "a/1")
      const page2 = await (
        await fetch(
          urlOf(server, undefined, {
            uploads: "",
            prefix: "a/",
            "max-uploads": "2",
            "key-marker": nextKey,
            "upload-id-marker": nextId,
            "encoding-type": "url"
          })
        )
      ).text()
      assert.deepStrictEqual(xmlFields(page2, "UploadId"), ids.slice(2))
      assert.deepStrictEqual(xmlFields(page2, "Key"), ["a%2F2"])
      assert.strictEqual(xmlField(page2, "IsTruncated"), "false")
    }))

  it("aborts with 204, after which the upload is unknown", () =>
    withServer({}, async (server) => {
      const uploadId = await initiate(server, "k")
      await putPart(server, "k", uploadId, 1, "data")
      const aborted = await fetch(urlOf(server, "k", { uploadId }), { method: "DELETE" })
      assert.strictEqual(aborted.status, 204)
      const twice = await fetch(urlOf(server, "k", { uploadId }), { method: "DELETE" })
      assert.strictEqual(twice.status, 404)
      const part = await putPart(server, "k", uploadId, 2, "data")
      assert.strictEqual(part.status, 404)
      const xml = await part.text()
      assert.strictEqual(xmlField(xml, "Code"), "NoSuchUpload")
      assert.strictEqual(xmlField(xml, "UploadId"), uploadId)
    }))
})
