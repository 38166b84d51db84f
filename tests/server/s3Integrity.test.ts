/**
 * Integrity and limits in the local server's S3 dialect: `x-amz-content-sha256` (hex checked against the body,
 * aws-chunked with trailers decoded, signed chunks refused), Content-MD5 (`BadDigest` vs `InvalidDigest`, OSS kept
 * as it was), additional checksums (CRC-32, CRC-32C, CRC-64/NVME, SHA-1, SHA-256), the 5 MiB minimum part and the
 * multipart errors an S3 client relies on.
 */
import { crc32 } from "node:zlib"
import { assert, describe, it } from "@effect/vitest"
import { type LocalOssServer, start } from "../../adapters/server/LocalOssServer.ts"
import { checksumAlgorithms, crc32c } from "../../adapters/server/s3Checksums.ts"
import { awsChunked, base64Digest, base64U32, base64U64, s3Fetch } from "./s3Support.ts"
import { bytesOf, completeBody, initiate, putPart, rawRequest, urlOf, withServer, xmlField } from "./serverSupport.ts"

const KiB = 1024
const codeOf = async (response: Response) => xmlField(await response.text(), "Code")
const s3 = { dialect: "s3" } as const

describe("LocalOssServer S3 dialect: payload hash and aws-chunked bodies", () => {
  it("checks a hex x-amz-content-sha256 against the body", () =>
    withServer(s3, async (server) => {
      const good = await s3Fetch(server, { method: "PUT", key: "k", body: "payload" })
      assert.strictEqual(good.status, 200)
      const bad = await s3Fetch(
        server,
        { method: "PUT", key: "k", body: "payload" },
        { payload: { sha256Hex: "0".repeat(64) } }
      )
      const xml = await bad.text()
      assert.strictEqual(bad.status, 400)
      assert.strictEqual(xmlField(xml, "Code"), "XAmzContentSHA256Mismatch")
      assert.strictEqual(xmlField(xml, "ClientComputedContentSHA256"), "0".repeat(64))
      const unsigned = await s3Fetch(server, { method: "PUT", key: "u", body: "x" }, { payload: "UNSIGNED-PAYLOAD" })
      assert.strictEqual(unsigned.status, 200)
    }))

  it("decodes aws-chunked bodies with a checksum trailer and checks the trailer", () =>
    withServer(s3, async (server) => {
      const data = bytesOf(3000, 5)
      const headers = (trailer: string) => ({
        "x-amz-content-sha256": "STREAMING-UNSIGNED-PAYLOAD-TRAILER",
        "content-encoding": "aws-chunked",
        "x-amz-decoded-content-length": String(data.length),
        "x-amz-trailer": trailer
      })
      const crc = base64U32(crc32(data))
      const body = awsChunked([data.subarray(0, 1000), data.subarray(1000)], { "x-amz-checksum-crc32": crc })
      const put = await fetch(urlOf(server, "chunked"), {
        method: "PUT",
        body,
        headers: headers("x-amz-checksum-crc32")
      })
      assert.strictEqual(put.status, 200, await put.clone().text())
      assert.strictEqual(put.headers.get("x-amz-checksum-crc32"), crc)
      const got = await fetch(urlOf(server, "chunked"))
      assert.deepStrictEqual(new Uint8Array(await got.arrayBuffer()), data)

      const wrong = awsChunked([data], { "x-amz-checksum-crc32": base64U32(crc32(data) ^ 1) })
      const bad = await fetch(urlOf(server, "chunked"), {
        method: "PUT",
        body: wrong,
        headers: headers("x-amz-checksum-crc32")
      })
      assert.strictEqual(bad.status, 400)
      assert.strictEqual(await codeOf(bad), "BadDigest")
      const missing = await fetch(urlOf(server, "chunked"), {
        method: "PUT",
        body: awsChunked([data], {}),
        headers: headers("x-amz-checksum-crc32")
      })
      assert.strictEqual(missing.status, 400)
      assert.strictEqual(await codeOf(missing), "IncompleteBody")
      const short = await fetch(urlOf(server, "chunked"), {
        method: "PUT",
        body: awsChunked([data.subarray(1)], {}),
        headers: headers("")
      })
      assert.strictEqual(await codeOf(short), "IncompleteBody")
      const garbage = await fetch(urlOf(server, "chunked"), { method: "PUT", body: "zz\r\n", headers: headers("") })
      assert.strictEqual(await codeOf(garbage), "IncompleteBody")
    }))

  it("takes an aws-chunked part sent with Transfer-Encoding: chunked and no Content-Length", () =>
    withServer(s3, async (server) => {
      const uploadId = await initiate(server, "k")
      const data = bytesOf(500, 1)
      const response = await rawRequest(server, {
        method: "PUT",
        path: `/test-bucket/k?partNumber=1&uploadId=${uploadId}`,
        headers: {
          "x-amz-content-sha256": "STREAMING-UNSIGNED-PAYLOAD-TRAILER",
          "x-amz-decoded-content-length": String(data.length),
          "transfer-encoding": "chunked"
        },
        body: awsChunked([data], {}),
        chunked: true
      })
      assert.strictEqual(response.status, 200, response.body)
      assert.strictEqual(response.headers.etag, `"${Buffer.from(base64Digest("md5", data), "base64").toString("hex")}"`)
    }))

  it("refuses signed-chunk streaming with NotImplemented and nonsense with InvalidArgument", () =>
    withServer(s3, async (server) => {
      const signed = await fetch(urlOf(server, "k"), {
        method: "PUT",
        body: "x",
        headers: { "x-amz-content-sha256": "STREAMING-AWS4-HMAC-SHA256-PAYLOAD" }
      })
      assert.strictEqual(signed.status, 501)
      assert.strictEqual(await codeOf(signed), "NotImplemented")
      const nonsense = await fetch(urlOf(server, "k"), {
        method: "PUT",
        body: "x",
        headers: { "x-amz-content-sha256": "whatever" }
      })
      assert.strictEqual(nonsense.status, 400)
      assert.strictEqual(await codeOf(nonsense), "InvalidArgument")
    }))
})

describe("LocalOssServer S3 dialect: Content-MD5 and additional checksums", () => {
  it("answers BadDigest for a wrong Content-MD5 and InvalidDigest for a malformed one; OSS keeps InvalidDigest", () =>
    withServer({}, async (server) => {
      const wrongMd5 = base64Digest("md5", "other")
      const s3Wrong = await s3Fetch(server, {
        method: "PUT",
        key: "k",
        body: "data",
        headers: { "content-md5": wrongMd5 }
      })
      assert.strictEqual(s3Wrong.status, 400)
      assert.strictEqual(await codeOf(s3Wrong), "BadDigest")
      const s3Malformed = await s3Fetch(server, {
        method: "PUT",
        key: "k",
        body: "data",
        headers: { "content-md5": "abc" }
      })
      assert.strictEqual(s3Malformed.status, 400)
      assert.strictEqual(await codeOf(s3Malformed), "InvalidDigest")
      const ossWrong = await fetch(urlOf(server, "k"), {
        method: "PUT",
        body: "data",
        headers: { "content-md5": wrongMd5 }
      })
      assert.strictEqual(await codeOf(ossWrong), "InvalidDigest")
      const uploadId = await initiate(server, "p")
      const part = await s3Fetch(server, {
        method: "PUT",
        key: "p",
        query: { partNumber: "1", uploadId },
        body: "data",
        headers: { "content-md5": wrongMd5 }
      })
      assert.strictEqual(await codeOf(part), "BadDigest")
    }))

  it("knows the check values of CRC-32C and CRC-64/NVME", () => {
    const check = new TextEncoder().encode("123456789")
    assert.strictEqual(crc32c(check), 0xe3069283)
    assert.strictEqual(checksumAlgorithms.crc64nvme?.(check).toString("hex"), "ae8b14860a799888")
    assert.strictEqual(checksumAlgorithms.crc32?.(check).toString("hex"), "cbf43926")
  })

  const data = bytesOf(2000, 9)
  const correct: ReadonlyArray<readonly [string, string]> = [
    ["crc32", base64U32(crc32(data))],
    ["crc32c", base64U32(crc32c(data))],
    ["crc64nvme", base64U64(BigInt(`0x${checksumAlgorithms.crc64nvme?.(data).toString("hex")}`))],
    ["sha1", base64Digest("sha1", data)],
    ["sha256", base64Digest("sha256", data)]
  ]
  for (const [algorithm, value] of correct) {
    it(`verifies and echoes x-amz-checksum-${algorithm} on UploadPart and PutObject`, () =>
      withServer(s3, async (server) => {
        const header = `x-amz-checksum-${algorithm}`
        const uploadId = await initiate(server, "k")
        const part = await putPart(server, "k", uploadId, 1, data, { [header]: value })
        assert.strictEqual(part.status, 200)
        assert.strictEqual(part.headers.get(header), value)
        const flipped = Buffer.from(value, "base64")
        flipped[0] = (flipped[0] ?? 0) ^ 0xff
        const bad = await putPart(server, "k", uploadId, 2, data, { [header]: flipped.toString("base64") })
        assert.strictEqual(bad.status, 400)
        assert.strictEqual(await codeOf(bad), "BadDigest")
        const put = await fetch(urlOf(server, "o"), { method: "PUT", body: data, headers: { [header]: value } })
        assert.strictEqual(put.headers.get(header), value)
        const badPut = await fetch(urlOf(server, "o2"), { method: "PUT", body: "x", headers: { [header]: value } })
        assert.strictEqual(await codeOf(badPut), "BadDigest")
        assert.isNull((await fetch(urlOf(server, "o2"), { method: "HEAD" })).headers.get("etag"))
      }))
  }

  it("refuses a malformed checksum and two checksums at once with InvalidRequest", () =>
    withServer(s3, async (server) => {
      const malformed = await fetch(urlOf(server, "k"), {
        method: "PUT",
        body: "x",
        headers: { "x-amz-checksum-crc32": "not base64!" }
      })
      assert.strictEqual(malformed.status, 400)
      assert.strictEqual(await codeOf(malformed), "InvalidRequest")
      const two = await fetch(urlOf(server, "k"), {
        method: "PUT",
        body: "x",
        headers: { "x-amz-checksum-crc32": base64U32(crc32("x")), "x-amz-checksum-sha1": base64Digest("sha1", "x") }
      })
      assert.strictEqual(await codeOf(two), "InvalidRequest")
    }))
})

describe("LocalOssServer S3 dialect: limits and multipart errors", () => {
  const twoParts = async (server: LocalOssServer, firstBytes: number, dialect: "oss" | "s3") => {
    const key = `limits-${dialect}`
    const send = (method: string, query: Record<string, string>, body?: string | Uint8Array<ArrayBuffer>) =>
      dialect === "s3"
        ? s3Fetch(server, { method, key, query, ...(body === undefined ? {} : { body }) })
        : fetch(urlOf(server, key, query), { method, ...(body === undefined ? {} : { body }) })
    const uploadId = xmlField(await (await send("POST", { uploads: "" })).text(), "UploadId") ?? ""
    const one = await send("PUT", { partNumber: "1", uploadId }, bytesOf(firstBytes, 1))
    const two = await send("PUT", { partNumber: "2", uploadId }, bytesOf(10, 2))
    const body = completeBody([
      { partNumber: 1, etag: one.headers.get("etag") ?? "" },
      { partNumber: 2, etag: two.headers.get("etag") ?? "" }
    ])
    return send("POST", { uploadId }, body)
  }

  it("holds S3 requests to the 5 MiB minimum part and OSS ones to 100 KB, on one server", async () => {
    // Started directly: serverSupport's startServer lowers the minimum part size for every test.
    const server = await start({ storage: { kind: "memory" }, credentials: "anonymous" })
    try {
      const s3Small = await twoParts(server, 200 * KiB, "s3")
      const xml = await s3Small.text()
      assert.strictEqual(s3Small.status, 400)
      assert.strictEqual(xmlField(xml, "Code"), "EntityTooSmall")
      assert.strictEqual(xmlField(xml, "MinSizeAllowed"), String(5 * 1024 * KiB))
      assert.isString(s3Small.headers.get("x-amz-request-id"))
      const oss = await twoParts(server, 200 * KiB, "oss")
      assert.strictEqual(oss.status, 200, await oss.clone().text())
    } finally {
      await server.close()
    }
  })

  it("lets storeLimits.partSizeBytesMin lower the S3 minimum", () =>
    withServer({ storeLimits: { partSizeBytesMin: 4 } }, async (server) => {
      const done = await twoParts(server, 100, "s3")
      assert.strictEqual(done.status, 200, await done.clone().text())
    }))

  it("answers InvalidArgument, InvalidPartOrder, InvalidPart and NoSuchUpload as S3 does", () =>
    withServer(s3, async (server) => {
      const key = "errors"
      const uploadId = await initiate(server, key)
      for (const partNumber of ["0", "10001"]) {
        const response = await fetch(urlOf(server, key, { partNumber, uploadId }), { method: "PUT", body: "x" })
        assert.strictEqual(response.status, 400)
        assert.strictEqual(await codeOf(response), "InvalidArgument")
      }
      const one = (await putPart(server, key, uploadId, 1, "aaaa")).headers.get("etag") ?? ""
      const two = (await putPart(server, key, uploadId, 2, "bbbb")).headers.get("etag") ?? ""
      const complete = (parts: Array<{ partNumber: number; etag: string }>) =>
        fetch(urlOf(server, key, { uploadId }), { method: "POST", body: completeBody(parts) })
      const unordered = await complete([
        { partNumber: 2, etag: two },
        { partNumber: 1, etag: one }
      ])
      assert.strictEqual(await codeOf(unordered), "InvalidPartOrder")
      assert.strictEqual(await codeOf(await complete([{ partNumber: 3, etag: one }])), "InvalidPart")
      assert.strictEqual(await codeOf(await complete([{ partNumber: 1, etag: two }])), "InvalidPart")
      const done = await complete([
        { partNumber: 1, etag: one },
        { partNumber: 2, etag: two }
      ])
      assert.strictEqual(done.status, 200)
      const afterwards = [
        await putPart(server, key, uploadId, 3, "cccc"),
        await fetch(urlOf(server, key, { uploadId })),
        await complete([{ partNumber: 1, etag: one }]),
        await fetch(urlOf(server, key, { uploadId }), { method: "DELETE" })
      ]
      for (const response of afterwards) {
        assert.strictEqual(response.status, 404)
        assert.strictEqual(await codeOf(response), "NoSuchUpload")
      }
    }))
})
