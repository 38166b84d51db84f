/**
 * Authentication on the local OSS server (protocol.md §3, §6): V1 and V4 header signatures and presigned URLs made
 * by the project's signers pass; wrong secrets, unknown keys, unsigned requests and skewed clocks get the OSS 403s
 * with the extra elements SDKs read (`StringToSign`, `ServerTime`).
 */
import { assert, describe, it } from "@effect/vitest"
import * as Effect from "effect/Effect"
import * as OssCredentials from "../../adapters/oss/OssCredentials.ts"
import * as SignatureV1 from "../../adapters/oss/OssSignatureV1.ts"
import * as SignatureV4 from "../../adapters/oss/OssSignatureV4.ts"
import {
  accessKeyId,
  accessKeySecret,
  bucket,
  bytesOf,
  completeBody,
  queryString,
  signedFetch,
  urlOf,
  withServer,
  xmlField
} from "./serverSupport.ts"

const credentials = [{ accessKeyId, accessKeySecret }]
const codeOf = async (response: Response) => xmlField(await response.text(), "Code")

describe("LocalOssServer authentication", () => {
  for (const version of ["v1", "v4"] as const) {
    it(`runs a whole multipart upload signed with ${version}`, () =>
      withServer({ credentials }, async (server) => {
        const signing = { version }
        const key = "signed/ключ +x.bin"
        const init = await signedFetch(server, { method: "POST", key, query: { uploads: "" } }, signing)
        const uploadId = xmlField(await init.text(), "UploadId") ?? ""
        assert.strictEqual(init.status, 200)
        const part = await signedFetch(
          server,
          { method: "PUT", key, query: { partNumber: "1", uploadId }, body: bytesOf(10, 1) },
          signing
        )
        assert.strictEqual(part.status, 200, await part.clone().text())
        const listed = await signedFetch(
          server,
          { method: "GET", query: { uploads: "", "max-uploads": "10", prefix: "signed/" } },
          signing
        )
        assert.strictEqual(xmlField(await listed.text(), "UploadId"), uploadId)
        const body = completeBody([{ partNumber: 1, etag: part.headers.get("etag") ?? "" }])
        const done = await signedFetch(
          server,
          { method: "POST", key, query: { uploadId }, body, headers: { "Content-Type": "application/xml" } },
          signing
        )
        assert.strictEqual(done.status, 200, await done.clone().text())
        const got = await signedFetch(server, { method: "GET", key }, signing)
        assert.deepStrictEqual(new Uint8Array(await got.arrayBuffer()), bytesOf(10, 1))
      }))

    it(`refuses a ${version} signature made with the wrong secret, and an unknown key`, () =>
      withServer({ credentials }, async (server) => {
        const wrong = await signedFetch(server, { method: "GET", key: "k" }, { version, secret: "other" })
        const xml = await wrong.text()
        assert.strictEqual(wrong.status, 403)
        assert.strictEqual(xmlField(xml, "Code"), "SignatureDoesNotMatch")
        // V1 signs the resource itself; V4 signs a hash of the canonical request, which is sent beside it.
        const signed = version === "v1" ? xmlField(xml, "StringToSign") : xmlField(xml, "CanonicalRequest")
        assert.include(signed ?? "", `/${bucket}/k`)
        const unknown = await signedFetch(server, { method: "GET", key: "k" }, { version, accessKeyId: "nobody" })
        assert.strictEqual(unknown.status, 403)
        assert.strictEqual(await codeOf(unknown), "InvalidAccessKeyId")
      }))

    it(`refuses a ${version} request whose clock is 20 minutes off, with ServerTime`, () =>
      withServer({ credentials }, async (server) => {
        const skewed = await signedFetch(
          server,
          { method: "GET", key: "k" },
          { version, dateMs: Date.now() - 20 * 60_000 }
        )
        const xml = await skewed.text()
        assert.strictEqual(skewed.status, 403)
        assert.strictEqual(xmlField(xml, "Code"), "RequestTimeTooSkewed")
        const serverTime = Date.parse(xmlField(xml, "ServerTime") ?? "")
        assert.isBelow(Math.abs(serverTime - Date.now()), 60_000)
        assert.isNotNull(skewed.headers.get("date"))
        const slightly = await signedFetch(
          server,
          { method: "GET", key: "k" },
          { version, dateMs: Date.now() - 60_000 }
        )
        assert.strictEqual(slightly.status, 404)
      }))
  }

  it("accepts an STS token header covered by the signature", () =>
    withServer({ credentials }, async (server) => {
      const put = await signedFetch(
        server,
        { method: "PUT", key: "sts", body: bytesOf(3, 1) },
        { version: "v4", securityToken: "token-123" }
      )
      assert.strictEqual(put.status, 200)
    }))

  it("denies unsigned requests when credentials are configured, and allows them when anonymous", async () => {
    await withServer({ credentials }, async (server) => {
      const response = await fetch(urlOf(server, "k"), { method: "PUT", body: "x" })
      assert.strictEqual(response.status, 403)
      assert.strictEqual(await codeOf(response), "AccessDenied")
      const garbage = await fetch(urlOf(server, "k"), { headers: { Authorization: "OSS nonsense" } })
      assert.strictEqual(garbage.status, 400)
    })
    await withServer({}, async (server) => {
      assert.strictEqual((await fetch(urlOf(server, "k"), { method: "PUT", body: "x" })).status, 200)
    })
  })

  it("accepts presigned V1 and V4 URLs until they expire", () =>
    withServer({ credentials }, async (server) => {
      const creds = OssCredentials.make({ accessKeyId, accessKeySecret })
      const presigned = async (version: "v1" | "v4", dateMs: number, method = "PUT") => {
        const request = { method, bucket, key: "pre", query: {}, headers: {}, date: dateMs }
        const added = await Effect.runPromise(
          version === "v1"
            ? SignatureV1.presign(request, creds, { expiresInSeconds: 60 })
            : SignatureV4.presign(request, creds, { region: "cn-hangzhou", expiresInSeconds: 60 })
        )
        return `${urlOf(server, "pre")}?${queryString(added)}`
      }
      for (const version of ["v1", "v4"] as const) {
        const ok = await fetch(await presigned(version, Date.now()), { method: "PUT", body: bytesOf(4, 2) })
        assert.strictEqual(ok.status, 200, `${version}: ${await ok.clone().text()}`)
        const old = await fetch(await presigned(version, Date.now() - 3_600_000), {
          method: "PUT",
          body: bytesOf(4, 2)
        })
        assert.strictEqual(old.status, 403)
        assert.strictEqual(await codeOf(old), "AccessDenied")
        const tampered = (await presigned(version, Date.now())).replace("pre?", "other?")
        const wrongKey = await fetch(tampered, { method: "PUT", body: bytesOf(4, 2) })
        assert.strictEqual(await codeOf(wrongKey), "SignatureDoesNotMatch")
      }
    }))
})
