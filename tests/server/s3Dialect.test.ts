/**
 * The local server's S3 dialect: which requests are answered as S3 (SigV4 always, OSS signatures never, unsigned by
 * the listener's `dialect`), the namespaced S3 result documents with lowercase ETags, S3 error bodies and headers,
 * SigV4 header and presigned authentication with clock skew and expiry, and CORS for S3 browser clients.
 */
import { assert, describe, it } from "@effect/vitest"
import { s3Namespace } from "../../adapters/server/s3Xml.ts"
import { presignedUrl, s3Fetch } from "./s3Support.ts"
import {
  accessKeyId,
  accessKeySecret,
  bucket,
  bytesOf,
  completeBody,
  initiate,
  putPart,
  signedFetch,
  urlOf,
  withServer,
  xmlField,
  xmlFields
} from "./serverSupport.ts"

const credentials = [{ accessKeyId, accessKeySecret }]
const rootOf = (xml: string): string => /<(?!\?)[A-Za-z]+[^>]*>/.exec(xml)?.[0] ?? ""
const amzDateNow = (): string =>
  new Date()
    .toISOString()
    .replace(/\.\d{3}Z$/, "Z")
    .replace(/[-:]/g, "")

describe("LocalOssServer S3 dialect: choosing the dialect", () => {
  it("answers SigV4 requests as S3 and unsigned ones as OSS on a default listener", () =>
    withServer({}, async (server) => {
      const s3 = await s3Fetch(server, { method: "POST", key: "k", query: { uploads: "" } })
      const s3Xml = await s3.text()
      assert.strictEqual(s3.status, 200)
      assert.strictEqual(rootOf(s3Xml), `<InitiateMultipartUploadResult xmlns="${s3Namespace}">`)
      assert.isString(s3.headers.get("x-amz-request-id"))
      assert.isString(s3.headers.get("x-amz-id-2"))
      assert.isNull(s3.headers.get("x-oss-request-id"))
      const oss = await fetch(urlOf(server, "k", { uploads: "" }), { method: "POST" })
      assert.strictEqual(rootOf(await oss.text()), "<InitiateMultipartUploadResult>")
      assert.isString(oss.headers.get("x-oss-request-id"))
      assert.isNull(oss.headers.get("x-amz-request-id"))
    }))

  it("answers unsigned requests as S3 on an S3 listener, OSS-signed ones as OSS", () =>
    withServer({ dialect: "s3", credentials }, async (server) => {
      const unsigned = await fetch(urlOf(server, "k", { uploads: "" }), { method: "POST" })
      const xml = await unsigned.text()
      assert.strictEqual(unsigned.status, 403)
      assert.strictEqual(xmlField(xml, "Code"), "AccessDenied")
      assert.isString(unsigned.headers.get("x-amz-request-id"))
      assert.strictEqual(xmlField(xml, "RequestId"), unsigned.headers.get("x-amz-request-id"))
      const oss = await signedFetch(server, { method: "POST", key: "k", query: { uploads: "" } }, { version: "v4" })
      assert.strictEqual(oss.status, 200)
      assert.strictEqual(rootOf(await oss.text()), "<InitiateMultipartUploadResult>")
      assert.isString(oss.headers.get("x-oss-request-id"))
    }))

  it("rejects an unknown dialect at start", async () => {
    let message = ""
    await withServer({ dialect: "gcs" as "s3" }, async () => undefined).catch((error: Error) => {
      message = error.message
    })
    assert.include(message, "dialect")
  })
})

describe("LocalOssServer S3 dialect: documents and headers", () => {
  it("serves a multipart upload with namespaced S3 results and lowercase ETags", () =>
    withServer({ dialect: "s3" }, async (server) => {
      const bucketPut = await fetch(urlOf(server, undefined), { method: "PUT" })
      assert.strictEqual(bucketPut.status, 200)
      const key = "docs/a&b.bin"
      const uploadId = await initiate(server, key)
      const etags: Array<string> = []
      for (const n of [1, 2]) {
        const part = await putPart(server, key, uploadId, n, bytesOf(10, n))
        assert.strictEqual(part.status, 200)
        assert.isNull(part.headers.get("x-oss-hash-crc64ecma"))
        assert.match(part.headers.get("etag") ?? "", /^"[0-9a-f]{32}"$/)
        etags.push(part.headers.get("etag") ?? "")
      }
      const parts = await fetch(urlOf(server, key, { uploadId }))
      const partsXml = await parts.text()
      assert.strictEqual(rootOf(partsXml), `<ListPartsResult xmlns="${s3Namespace}">`)
      assert.deepStrictEqual(xmlFields(partsXml, "ETag"), etags)
      assert.strictEqual(xmlField(partsXml, "StorageClass"), "STANDARD")
      assert.include(partsXml, "<Key>docs/a&amp;b.bin</Key>")
      const uploads = await fetch(urlOf(server, undefined, { uploads: "" }))
      const uploadsXml = await uploads.text()
      assert.strictEqual(rootOf(uploadsXml), `<ListMultipartUploadsResult xmlns="${s3Namespace}">`)
      assert.deepStrictEqual(xmlFields(uploadsXml, "UploadId"), [uploadId])
      const body = completeBody(etags.map((etag, i) => ({ partNumber: i + 1, etag })))
      const done = await fetch(urlOf(server, key, { uploadId }), { method: "POST", body })
      const doneXml = await done.text()
      assert.strictEqual(done.status, 200, doneXml)
      assert.strictEqual(rootOf(doneXml), `<CompleteMultipartUploadResult xmlns="${s3Namespace}">`)
      assert.match(xmlField(doneXml, "ETag") ?? "", /^"[0-9a-f]{32}-2"$/)
      assert.strictEqual(xmlField(doneXml, "Location"), `http://${new URL(server.url).host}/${bucket}/docs/a%26b.bin`)
      assert.strictEqual(xmlField(doneXml, "Bucket"), bucket)
      assert.isNull(done.headers.get("x-oss-hash-crc64ecma"))
      const head = await fetch(urlOf(server, key), { method: "HEAD" })
      assert.strictEqual(head.headers.get("etag"), xmlField(doneXml, "ETag"))
      assert.isNull(head.headers.get("x-oss-object-type"))
      const second = await initiate(server, key)
      const aborted = await fetch(urlOf(server, key, { uploadId: second }), { method: "DELETE" })
      assert.strictEqual(aborted.status, 204)
    }))

  it("keeps metadata under x-amz-meta-* and applies standard range rules", () =>
    withServer({ dialect: "s3" }, async (server) => {
      await fetch(urlOf(server, "m"), { method: "PUT", body: "hello", headers: { "x-amz-meta-colour": "blue" } })
      const head = await fetch(urlOf(server, "m"), { method: "HEAD" })
      assert.strictEqual(head.headers.get("x-amz-meta-colour"), "blue")
      const beyond = await fetch(urlOf(server, "m"), { headers: { range: "bytes=10-20" } })
      assert.strictEqual(beyond.status, 416)
      assert.strictEqual(xmlField(await beyond.text(), "Code"), "InvalidRange")
    }))

  it("writes S3 error bodies: Code, Message, extras, Resource, RequestId and HostId, no x-oss headers", () =>
    withServer({ dialect: "s3" }, async (server) => {
      const response = await fetch(urlOf(server, "k", { uploadId: "nope" }))
      const xml = await response.text()
      assert.strictEqual(response.status, 404)
      assert.strictEqual(xmlField(xml, "Code"), "NoSuchUpload")
      assert.strictEqual(xmlField(xml, "UploadId"), "nope")
      assert.strictEqual(xmlField(xml, "Resource"), `/${bucket}/k`)
      assert.strictEqual(xmlField(xml, "RequestId"), response.headers.get("x-amz-request-id"))
      assert.strictEqual(xmlField(xml, "HostId"), response.headers.get("x-amz-id-2"))
      assert.notInclude(xml, "<EC>")
      assert.notInclude(xml, "xmlns")
      assert.isNull(response.headers.get("x-oss-ec"))
      const head = await fetch(urlOf(server, "missing"), { method: "HEAD" })
      assert.strictEqual(head.status, 404)
      assert.isNull(head.headers.get("x-oss-err"))
    }))
})

describe("LocalOssServer S3 dialect: SigV4 authentication", () => {
  it("runs signed requests and refuses a wrong secret, an unknown key and a malformed header", () =>
    withServer({ credentials }, async (server) => {
      const ok = await s3Fetch(server, { method: "PUT", key: "k", body: "data" })
      assert.strictEqual(ok.status, 200, await ok.clone().text())
      const got = await s3Fetch(server, { method: "GET", key: "k" })
      assert.strictEqual(await got.text(), "data")
      const wrong = await s3Fetch(server, { method: "GET", key: "k" }, { secret: "other" })
      const wrongXml = await wrong.text()
      assert.strictEqual(wrong.status, 403)
      assert.strictEqual(xmlField(wrongXml, "Code"), "SignatureDoesNotMatch")
      assert.include(xmlField(wrongXml, "CanonicalRequest") ?? "", `GET\n/${bucket}/k\n`)
      assert.strictEqual(xmlField(wrongXml, "AWSAccessKeyId"), accessKeyId)
      const unknown = await s3Fetch(server, { method: "GET", key: "k" }, { accessKeyId: "nobody" })
      assert.strictEqual(unknown.status, 403)
      assert.strictEqual(xmlField(await unknown.text(), "Code"), "InvalidAccessKeyId")
      const malformed = await fetch(urlOf(server, "k"), {
        headers: { authorization: "AWS4-HMAC-SHA256 Credential=garbage", "x-amz-date": amzDateNow() }
      })
      assert.strictEqual(malformed.status, 400)
      assert.strictEqual(xmlField(await malformed.text(), "Code"), "AuthorizationHeaderMalformed")
      const v2 = await fetch(urlOf(server, "k"), { headers: { authorization: `AWS ${accessKeyId}:c2lnbmF0dXJl` } })
      assert.strictEqual(v2.status, 400)
      assert.strictEqual(xmlField(await v2.text(), "Code"), "InvalidRequest")
      assert.isString(v2.headers.get("x-amz-request-id"))
    }))

  it("refuses a request whose clock is 20 minutes off with RequestTimeTooSkewed and the server's time", () =>
    withServer({ credentials }, async (server) => {
      const skewed = await s3Fetch(server, { method: "GET", key: "k" }, { dateMs: Date.now() - 20 * 60_000 })
      const xml = await skewed.text()
      assert.strictEqual(skewed.status, 403)
      assert.strictEqual(xmlField(xml, "Code"), "RequestTimeTooSkewed")
      assert.isTrue(Math.abs(Date.parse(xmlField(xml, "ServerTime") ?? "") - Date.now()) < 60_000)
      assert.isTrue(Math.abs(Date.parse(xmlField(xml, "RequestTime") ?? "") - (Date.now() - 20 * 60_000)) < 60_000)
      assert.strictEqual(xmlField(xml, "MaxAllowedSkewMilliseconds"), "900000")
    }))

  it("accepts a presigned PUT and refuses it once expired, by the server's clock", async () => {
    let nowMs = Date.now()
    await withServer({ credentials, now: () => nowMs }, async (server) => {
      const url = await presignedUrl(server, "PUT", "presigned", {}, { dateMs: nowMs, expiresInSeconds: 60 })
      const put = await fetch(url, { method: "PUT", body: "via url" })
      assert.strictEqual(put.status, 200, await put.clone().text())
      assert.isString(put.headers.get("x-amz-request-id"))
      nowMs += 61_000
      const late = await fetch(url, { method: "PUT", body: "via url" })
      const xml = await late.text()
      assert.strictEqual(late.status, 403)
      assert.strictEqual(xmlField(xml, "Code"), "AccessDenied")
      assert.strictEqual(xmlField(xml, "Message"), "Request has expired")
      const tampered = await fetch(url.replace("presigned?", "other?"), { method: "PUT", body: "x" })
      assert.strictEqual(tampered.status, 403)
    })
  })
})

describe("LocalOssServer S3 dialect: CORS", () => {
  it("lets a browser send x-amz-* headers and read ETag, request id and checksums", () =>
    withServer({ dialect: "s3" }, async (server) => {
      const origin = "http://app.example"
      const requested = "authorization,x-amz-date,x-amz-content-sha256,x-amz-checksum-crc32"
      const preflight = await fetch(urlOf(server, "k", { partNumber: "1", uploadId: "u" }), {
        method: "OPTIONS",
        headers: { origin, "access-control-request-method": "PUT", "access-control-request-headers": requested }
      })
      assert.strictEqual(preflight.status, 200)
      assert.strictEqual(preflight.headers.get("access-control-allow-headers"), requested)
      assert.isString(preflight.headers.get("x-amz-request-id"))
      const put = await fetch(urlOf(server, "k"), { method: "PUT", body: "x", headers: { origin } })
      const exposed = (put.headers.get("access-control-expose-headers") ?? "").split(", ")
      for (const name of [
        "ETag",
        "x-amz-request-id",
        "x-amz-version-id",
        "x-amz-checksum-crc32",
        "x-amz-checksum-crc64nvme"
      ]) {
        assert.include(exposed, name)
      }
      assert.strictEqual(put.headers.get("access-control-allow-origin"), origin)
    }))
})
