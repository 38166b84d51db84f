/**
 * Protocol errors of the local OSS server's multipart operations (protocol.md §1.2, §1.3, §1.7): each request gets
 * the OSS status, code and extra elements, never a 500.
 */
import { assert, describe, it } from "@effect/vitest"
import { bytesOf, completeBody, initiate, putPart, urlOf, withServer, xmlField } from "./serverSupport.ts"

const codeOf = async (response: Response): Promise<[number, string | undefined]> => [
  response.status,
  xmlField(await response.text(), "Code")
]

describe("LocalOssServer multipart errors", () => {
  it("rejects bad part numbers, unknown uploads and a wrong Content-MD5", () =>
    withServer({}, async (server) => {
      const uploadId = await initiate(server, "k")
      for (const partNumber of ["0", "10001", "x", "-1", "1.5"]) {
        const response = await fetch(urlOf(server, "k", { partNumber, uploadId }), { method: "PUT", body: "abc" })
        const xml = await response.text()
        assert.strictEqual(response.status, 400, partNumber)
        assert.strictEqual(xmlField(xml, "Code"), "InvalidArgument")
        assert.strictEqual(xmlField(xml, "ArgumentValue"), partNumber)
      }
      const missing = await fetch(urlOf(server, "k", { uploadId }), { method: "PUT", body: "abc" })
      assert.strictEqual(missing.status, 400)
      assert.deepStrictEqual(await codeOf(await putPart(server, "k", "nope", 1, "abc")), [404, "NoSuchUpload"])
      assert.deepStrictEqual(await codeOf(await putPart(server, "other", uploadId, 1, "abc")), [404, "NoSuchUpload"])
      const wrongMd5 = await putPart(server, "k", uploadId, 1, "abc", { "Content-MD5": "1B2M2Y8AsgTpgAmY7PhCfg==" })
      assert.deepStrictEqual(await codeOf(wrongMd5), [400, "InvalidDigest"])
      const hexMd5 = await putPart(server, "k", uploadId, 1, "abc", {
        "Content-MD5": "900150983cd24fb0d6963f7d28e17f72"
      })
      assert.deepStrictEqual(await codeOf(hexMd5), [400, "InvalidDigest"])
      const rightMd5 = await putPart(server, "k", uploadId, 1, "abc", { "Content-MD5": "kAFQmDzST7DWlj99KOF/cg==" })
      assert.strictEqual(rightMd5.status, 200)
    }))

  it("checks the Complete list: order, existence, ETags and the minimum part size", () =>
    withServer({ storeLimits: { partSizeBytesMin: 100 * 1024 } }, async (server) => {
      const uploadId = await initiate(server, "k")
      const etag = async (n: number, size: number) =>
        (await putPart(server, "k", uploadId, n, bytesOf(size, n))).headers.get("etag") ?? ""
      const e1 = await etag(1, 1000)
      const e2 = await etag(2, 1000)
      const complete = (parts: ReadonlyArray<{ partNumber: number; etag: string }>) =>
        fetch(urlOf(server, "k", { uploadId }), { method: "POST", body: completeBody(parts) })
      const unordered = await complete([
        { partNumber: 2, etag: e2 },
        { partNumber: 1, etag: e1 }
      ])
      const unorderedXml = await unordered.text()
      assert.strictEqual(xmlField(unorderedXml, "Code"), "InvalidPartOrder")
      assert.strictEqual(xmlField(unorderedXml, "EC"), "0042-00000209")
      assert.deepStrictEqual(await codeOf(await complete([{ partNumber: 3, etag: e1 }])), [400, "InvalidPart"])
      assert.deepStrictEqual(await codeOf(await complete([{ partNumber: 1, etag: e2 }])), [400, "InvalidPart"])
      const small = await complete([
        { partNumber: 1, etag: e1 },
        { partNumber: 2, etag: e2 }
      ])
      const smallXml = await small.text()
      assert.strictEqual(small.status, 400)
      assert.strictEqual(xmlField(smallXml, "Code"), "EntityTooSmall")
      assert.strictEqual(xmlField(smallXml, "EC"), "0042-00000213")
      // A single (last) part may be any size; GOv2 escapes the quotes as &#34;.
      const gov2Body = `<CompleteMultipartUpload><Part><PartNumber>2</PartNumber><ETag>${e2.replace(/"/g, "&#34;")}</ETag></Part></CompleteMultipartUpload>`
      const single = await fetch(urlOf(server, "k", { uploadId }), { method: "POST", body: gov2Body })
      assert.strictEqual(single.status, 200, await single.text())
    }))

  it("answers MalformedXML for bodies that are not a Complete document", () =>
    withServer({}, async (server) => {
      const uploadId = await initiate(server, "k")
      await putPart(server, "k", uploadId, 1, "abcd")
      const bodies = [
        "",
        "not xml",
        "<CompleteMultipartUpload><Part>",
        "<Other/>",
        "<CompleteMultipartUpload></CompleteMultipartUpload>",
        '<!DOCTYPE x [<!ENTITY a "aaaa">]><CompleteMultipartUpload/>',
        "<CompleteMultipartUpload><Part><PartNumber>one</PartNumber><ETag>x</ETag></Part></CompleteMultipartUpload>"
      ]
      for (const body of bodies) {
        const response = await fetch(urlOf(server, "k", { uploadId }), { method: "POST", body })
        const xml = await response.text()
        assert.strictEqual(response.status, 400, body)
        assert.strictEqual(xmlField(xml, "Code"), "MalformedXML", body)
      }
      // The upload survived all of that.
      const listed = await fetch(urlOf(server, "k", { uploadId }))
      assert.strictEqual(listed.status, 200)
    }))
})
