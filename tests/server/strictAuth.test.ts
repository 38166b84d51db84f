/**
 * The verifiers are strict where AWS and OSS are: signatures are lowercase hex only (an uppercase one is refused as
 * malformed, naming the fix, not case-folded into a match), and the payload hash a request claims
 * (`x-amz-content-sha256`, OSS V4's `x-oss-content-sha256`) must hold for what it sent on every request: GET, HEAD,
 * DELETE (with or without a body), Initiate and Complete as well as PUT.
 */
import { createHash } from "node:crypto"
import { assert, describe, it } from "@effect/vitest"
import * as Effect from "effect/Effect"
import * as OssCredentials from "../../adapters/oss/OssCredentials.ts"
import * as OssV4 from "../../adapters/oss/OssSignatureV4.ts"
import * as S3Credentials from "../../adapters/s3/S3Credentials.ts"
import * as SigV4 from "../../adapters/s3/S3SignatureV4.ts"
import type { LocalOssServer } from "../../adapters/server/LocalOssServer.ts"
import { presignedUrl, s3Fetch } from "./s3Support.ts"
import {
  accessKeyId,
  accessKeySecret,
  bucket,
  queryString,
  signedFetch,
  urlOf,
  withServer,
  xmlField
} from "./serverSupport.ts"

const credentials = [{ accessKeyId, accessKeySecret }]
const wrongHex = "a".repeat(64)
const sha256Hex = (body: string) => createHash("sha256").update(body).digest("hex")

/** An S3 header-signed request whose Authorization signature is then uppercased. */
const s3UppercaseSignature = async (server: LocalOssServer, key: string): Promise<Response> => {
  const host = new URL(server.url).host
  const added = await Effect.runPromise(
    SigV4.sign(
      { method: "GET", path: `/${bucket}/${key}`, query: {}, headers: { host }, date: Date.now() },
      S3Credentials.make({ accessKeyId, secretAccessKey: accessKeySecret }),
      { region: "us-east-1", payload: { sha256Hex: sha256Hex("") } }
    )
  )
  const authorization = (added.authorization ?? "").replace(/Signature=([0-9a-f]+)$/, (_, s: string) => {
    return `Signature=${s.toUpperCase()}`
  })
  return fetch(urlOf(server, key), { headers: { ...added, authorization } })
}

/** An OSS V4 header-signed request whose signature is then uppercased. */
const ossUppercaseSignature = async (server: LocalOssServer, key: string): Promise<Response> => {
  const added = await Effect.runPromise(
    OssV4.sign(
      { method: "GET", bucket, key, query: {}, headers: {}, date: Date.now() },
      OssCredentials.make({ accessKeyId, accessKeySecret }),
      { region: "cn-hangzhou" }
    )
  )
  const authorization = (added.authorization ?? "").replace(/Signature=([0-9a-f]+)$/, (_, s: string) => {
    return `Signature=${s.toUpperCase()}`
  })
  return fetch(urlOf(server, key), { headers: { ...added, authorization } })
}

describe("strict signatures", () => {
  it("refuses an uppercase SigV4 signature, header or presigned, naming the fix", () =>
    withServer({ credentials }, async (server) => {
      const header = await s3UppercaseSignature(server, "k")
      const text = await header.text()
      assert.strictEqual(header.status, 400, text)
      assert.strictEqual(xmlField(text, "Code"), "AuthorizationHeaderMalformed")
      assert.match(xmlField(text, "Message") ?? "", /64 lowercase hex digits: hex-encode the HMAC-SHA256 in lowercase/)

      const url = await presignedUrl(server, "GET", "k", {})
      const upper = url.replace(/X-Amz-Signature=([0-9a-f]+)/, (_, s: string) => `X-Amz-Signature=${s.toUpperCase()}`)
      assert.notStrictEqual(upper, url)
      const presigned = await fetch(upper)
      const presignedText = await presigned.text()
      assert.strictEqual(presigned.status, 400, presignedText)
      assert.strictEqual(xmlField(presignedText, "Code"), "AuthorizationQueryParametersError")
      assert.match(xmlField(presignedText, "Message") ?? "", /X-Amz-Signature must be 64 lowercase hex digits/)
      // The lowercase original still works (404: no such key, but authenticated).
      assert.strictEqual((await fetch(url)).status, 404)
    }))

  it("refuses an uppercase OSS V4 signature, header or presigned, naming the fix", () =>
    withServer({ credentials }, async (server) => {
      const header = await ossUppercaseSignature(server, "k")
      const text = await header.text()
      assert.strictEqual(header.status, 400, text)
      assert.match(xmlField(text, "Message") ?? "", /64 lowercase hex digits: hex-encode the HMAC-SHA256 in lowercase/)

      const added = await Effect.runPromise(
        OssV4.presign(
          { method: "GET", bucket, key: "k", query: {}, headers: {}, date: Date.now() },
          OssCredentials.make({ accessKeyId, accessKeySecret }),
          { region: "cn-hangzhou", expiresInSeconds: 60 }
        )
      )
      const upper = { ...added, "x-oss-signature": (added["x-oss-signature"] ?? "").toUpperCase() }
      const presigned = await fetch(`${urlOf(server, "k")}?${queryString(upper)}`)
      const presignedText = await presigned.text()
      assert.strictEqual(presigned.status, 400, presignedText)
      assert.match(xmlField(presignedText, "Message") ?? "", /64 lowercase hex digits/)
      assert.strictEqual((await fetch(`${urlOf(server, "k")}?${queryString(added)}`)).status, 404)
    }))
})

describe("strict payload hashes", () => {
  it("checks x-amz-content-sha256 on GET, HEAD, DELETE and Initiate, which carry no body", () =>
    withServer({ credentials }, async (server) => {
      assert.strictEqual((await s3Fetch(server, { method: "PUT", key: "k", body: "hello" })).status, 200)
      const wrong = { payload: { sha256Hex: wrongHex } }
      for (const request of [
        { method: "GET", key: "k" },
        { method: "DELETE", key: "k" },
        { method: "POST", key: "k", query: { uploads: "" } }
      ]) {
        const response = await s3Fetch(server, request, wrong)
        const text = await response.text()
        assert.strictEqual(response.status, 400, `${request.method}: ${text}`)
        assert.strictEqual(xmlField(text, "Code"), "XAmzContentSHA256Mismatch")
        assert.match(xmlField(text, "Message") ?? "", /sign the SHA-256 \(lowercase hex\) of the exact body sent/)
        assert.strictEqual(xmlField(text, "S3ComputedContentSHA256"), sha256Hex(""))
      }
      assert.strictEqual((await s3Fetch(server, { method: "HEAD", key: "k" }, wrong)).status, 400)
      // The object is still there: the refused DELETE did nothing.
      assert.strictEqual((await s3Fetch(server, { method: "GET", key: "k" })).status, 200)
      assert.strictEqual(
        (await s3Fetch(server, { method: "GET", key: "k" }, { payload: "UNSIGNED-PAYLOAD" })).status,
        200
      )
    }))

  it("hashes the body of a DELETE that carries one, and the Complete body", () =>
    withServer({ credentials }, async (server) => {
      assert.strictEqual((await s3Fetch(server, { method: "PUT", key: "k", body: "hello" })).status, 200)
      const lying = await s3Fetch(
        server,
        { method: "DELETE", key: "k", body: "ignored" },
        { payload: { sha256Hex: sha256Hex("other") } }
      )
      const lyingText = await lying.text()
      assert.strictEqual(lying.status, 400, lyingText)
      assert.strictEqual(xmlField(lyingText, "S3ComputedContentSHA256"), sha256Hex("ignored"))
      assert.strictEqual((await s3Fetch(server, { method: "DELETE", key: "k", body: "ignored" })).status, 204)

      const initiated = await s3Fetch(server, { method: "POST", key: "m", query: { uploads: "" } })
      const uploadId = xmlField(await initiated.text(), "UploadId") ?? ""
      const body = "<CompleteMultipartUpload></CompleteMultipartUpload>"
      const complete = await s3Fetch(
        server,
        { method: "POST", key: "m", query: { uploadId }, body },
        { payload: { sha256Hex: wrongHex } }
      )
      const completeText = await complete.text()
      assert.strictEqual(complete.status, 400, completeText)
      assert.strictEqual(xmlField(completeText, "Code"), "XAmzContentSHA256Mismatch")
      assert.match(xmlField(completeText, "Message") ?? "", /sign the SHA-256/)
    }))

  it("takes only lowercase hex as a payload hash", () =>
    // Anonymous, so the claim reaches the payload check: the project's signer lowercases it before signing.
    withServer({}, async (server) => {
      const sigV4 = `AWS4-HMAC-SHA256 Credential=${accessKeyId}/20260101/us-east-1/s3/aws4_request, SignedHeaders=host, Signature=${"0".repeat(64)}`
      const send = (method: string, body: string | undefined, claimed: string) =>
        fetch(urlOf(server, "k"), {
          method,
          headers: { authorization: sigV4, "x-amz-content-sha256": claimed },
          ...(body === undefined ? {} : { body })
        })
      const put = await send("PUT", "hello", sha256Hex("hello").toUpperCase())
      const text = await put.text()
      assert.strictEqual(put.status, 400, text)
      assert.strictEqual(xmlField(text, "Code"), "InvalidArgument")
      assert.match(xmlField(text, "Message") ?? "", /the body's SHA-256 in lowercase hex: send one of those/)
      assert.strictEqual((await send("GET", undefined, sha256Hex("").toUpperCase())).status, 400)
      assert.strictEqual((await send("PUT", "hello", sha256Hex("hello"))).status, 200)
    }))

  it("holds OSS V4's x-oss-content-sha256 to the body when it is a hash", () =>
    withServer({ credentials }, async (server) => {
      const v4 = { version: "v4" } as const
      // fetch adds a content type to string bodies; OSS V4 signs it, so it is set (and signed) up front.
      const typed = { "content-type": "text/plain" }
      const lying = await signedFetch(
        server,
        { method: "PUT", key: "k", body: "hello", headers: { ...typed, "x-oss-content-sha256": wrongHex } },
        v4
      )
      const text = await lying.text()
      assert.strictEqual(lying.status, 400, text)
      assert.strictEqual(xmlField(text, "Code"), "InvalidDigest")
      assert.match(xmlField(text, "Message") ?? "", /sign the hash of the exact body sent, or UNSIGNED-PAYLOAD/)
      const honest = { ...typed, "x-oss-content-sha256": sha256Hex("hello") }
      assert.strictEqual(
        (await signedFetch(server, { method: "PUT", key: "k", body: "hello", headers: honest }, v4)).status,
        200
      )
      const get = await signedFetch(
        server,
        { method: "GET", key: "k", headers: { "x-oss-content-sha256": wrongHex } },
        v4
      )
      assert.strictEqual(get.status, 400)
      assert.strictEqual((await signedFetch(server, { method: "GET", key: "k" }, v4)).status, 200)
    }))
})
