/**
 * The signing endpoint under Node: a presigned multipart upload end to end through it against the local server, in
 * both dialects (the page never sees a key), each policy rule's 403 naming the rule, malformed requests as 400, and
 * temporary credentials fetched once and refreshed before they expire.
 */
import { assert, describe, it } from "@effect/vitest"
import { vi } from "vitest"
import type { SignRefusal } from "../../adapters/http/SignWire.ts"
import {
  accessKeyId,
  accessKeySecret,
  bucket,
  bytesOf,
  completeBody,
  signedFetch,
  withServer,
  xmlField
} from "../server/serverSupport.ts"
import { ask, handlerFor, md5Base64, signAndSend } from "./signerSupport.ts"

const credentials = [{ accessKeyId, accessKeySecret }]

describe.each(["s3", "oss"] as const)("signer handler (%s): a presigned multipart upload", (dialect) => {
  it("initiates, uploads two parts with Content-MD5, lists, completes and reads the object back", () =>
    withServer({ credentials, dialect }, async (server) => {
      assert.strictEqual((await signedFetch(server, { method: "PUT" }, { version: "v4" })).status, 200)
      const handler = handlerFor(server, dialect)
      const key = "uploads/a b+c.bin"
      const common = { bucket, key }
      const init = await signAndSend(handler, {
        ...common,
        operation: "InitiateMultipartUpload",
        contentType: "application/octet-stream"
      })
      const initXml = await init.text()
      assert.strictEqual(init.status, 200, initXml)
      const uploadId = xmlField(initXml, "UploadId") ?? ""
      const parts = [bytesOf(10, 1), bytesOf(7, 2)]
      const etags: Array<string> = []
      for (const [index, bytes] of parts.entries()) {
        const put = await signAndSend(
          handler,
          {
            ...common,
            operation: "UploadPart",
            uploadId,
            partNumber: index + 1,
            sizeBytes: bytes.length,
            contentMd5: md5Base64(bytes)
          },
          bytes
        )
        assert.strictEqual(put.status, 200, await put.text())
        etags.push(put.headers.get("etag") ?? "")
      }
      const list = await signAndSend(handler, { ...common, operation: "ListParts", uploadId })
      assert.strictEqual(list.status, 200)
      assert.include(await list.text(), "<PartNumber>2</PartNumber>")
      const complete = await signAndSend(
        handler,
        // fetch labels a string body text/plain, and OSS V4 signs content-type: name the type that is sent.
        { ...common, operation: "CompleteMultipartUpload", uploadId, contentType: "application/xml" },
        completeBody(etags.map((etag, i) => ({ partNumber: i + 1, etag })))
      )
      assert.strictEqual(complete.status, 200, await complete.text())
      const head = await signAndSend(handler, { ...common, operation: "HeadObject" })
      assert.strictEqual(head.status, 200)
      assert.strictEqual(head.headers.get("content-length"), "17")
    }))

  it("signs the declared size and MD5: another body is refused by the store", () =>
    withServer({ credentials, dialect }, async (server) => {
      assert.strictEqual((await signedFetch(server, { method: "PUT" }, { version: "v4" })).status, 200)
      const handler = handlerFor(server, dialect)
      const declared = bytesOf(8, 1)
      const answer = await ask(handler, {
        operation: "PutObject",
        bucket,
        key: "uploads/x",
        sizeBytes: declared.length,
        contentType: "image/png",
        contentMd5: md5Base64(declared)
      })
      const signed = (await answer.json()) as { url: string; method: string; headers: Record<string, string> }
      assert.notInclude(signed.url, accessKeySecret)
      assert.deepStrictEqual(Object.keys(signed.headers).sort(), ["content-md5", "content-type"])
      const larger = await fetch(signed.url, { method: "PUT", headers: signed.headers, body: bytesOf(9, 1) })
      assert.strictEqual(larger.status, 403)
      const same = await fetch(signed.url, { method: "PUT", headers: signed.headers, body: declared })
      assert.strictEqual(same.status, 200, await same.text())
    }))
})

const refusals: ReadonlyArray<readonly [SignRefusal["rule"], Record<string, unknown>]> = [
  ["operation", { operation: "DeleteObject" }],
  ["operation", { operation: "Frobnicate" }],
  ["bucket", { bucket: "other-bucket" }],
  ["keyPrefix", { key: "elsewhere/a" }],
  ["maxObjectSize", { sizeBytes: 1025 }],
  ["contentType", { operation: "InitiateMultipartUpload", contentType: "text/html" }],
  ["expiry", { expiresInSeconds: 601 }],
  ["header", { headers: { "x-oss-callback": "e30=" } }],
  ["query", { query: { "x-id": "1" } }]
]

describe("signer handler: policy refusals", () => {
  it.each(refusals)("refuses with 403 naming the rule %s", (rule, change) =>
    withServer({ credentials }, async (server) => {
      const base = {
        operation: "PutObject",
        bucket,
        key: "uploads/a",
        sizeBytes: 10,
        contentType: "image/png"
      }
      const refused = await ask(handlerFor(server, "s3"), { ...base, ...change })
      assert.strictEqual(refused.status, 403)
      const body = (await refused.json()) as SignRefusal
      assert.strictEqual(body.error, "PolicyRefused")
      assert.strictEqual(body.rule, rule)
      assert.isAbove(body.message.length, 0)
      // The same request without the change is signed: the refusal is that rule's, not a side effect.
      assert.strictEqual((await ask(handlerFor(server, "s3"), base)).status, 200)
    })
  )

  it("refuses when authorize says no, and narrows the policy when it returns one", () =>
    withServer({ credentials }, async (server) => {
      const handler = handlerFor(server, "oss", {
        authorize: (request) =>
          request.headers.get("authorization") === "Bearer alice"
            ? { buckets: [bucket], keyPrefix: "uploads/alice/", maxObjectSizeBytes: 100 }
            : false
      })
      const sign = { operation: "HeadObject", bucket, key: "uploads/bob/x" }
      const anonymous = (await (await ask(handler, sign)).json()) as SignRefusal
      assert.strictEqual(anonymous.rule, "authorize")
      const asAlice = (body: unknown) =>
        handler(
          new Request("http://signer.test/sign", {
            method: "POST",
            headers: { authorization: "Bearer alice" },
            body: JSON.stringify(body)
          })
        )
      assert.strictEqual(((await (await asAlice(sign)).json()) as SignRefusal).rule, "keyPrefix")
      assert.strictEqual((await asAlice({ ...sign, key: "uploads/alice/x" })).status, 200)
    }))

  it("answers 400 naming the field for malformed requests", () =>
    withServer({ credentials }, async (server) => {
      const handler = handlerFor(server, "s3")
      const cases: ReadonlyArray<readonly [unknown, string]> = [
        [{ operation: "UploadPart", bucket, key: "uploads/a", partNumber: 1, sizeBytes: 1 }, "uploadId"],
        [{ operation: "PutObject", bucket, key: "uploads/a" }, "sizeBytes"],
        [{ operation: 42, bucket, key: "k" }, "operation"],
        [{ operation: "HeadObject", bucket, key: "" }, "key"],
        [{ operation: "HeadObject", bucket, key: "uploads/a", contentMd5: "nope" }, "contentMd5"]
      ]
      for (const [body, field] of cases) {
        const answer = await ask(handler, body)
        assert.strictEqual(answer.status, 400)
        assert.include(((await answer.json()) as SignRefusal).message, field)
      }
      const notJson = await handler(new Request("http://signer.test/", { method: "POST", body: "{" }))
      assert.strictEqual(notJson.status, 400)
      const get = await handler(new Request("http://signer.test/"))
      assert.strictEqual(get.status, 400)
    }))

  it("rejects a policy with an expiry bound over seven days at construction", () => {
    assert.throws(
      () =>
        handlerFor({ url: "http://127.0.0.1:1" } as never, "s3", {
          policy: { buckets: ["b"], keyPrefix: "", maxObjectSizeBytes: 1, maxExpiresInSeconds: 604_801 }
        }),
      /maxExpiresInSeconds/
    )
  })
})

describe("signer handler: temporary credentials", () => {
  it("calls the provider once for concurrent requests and again only near expiry", () =>
    withServer({ credentials }, async (server) => {
      let calls = 0
      const handler = handlerFor(server, "s3", {
        credentials: async () => {
          calls += 1
          // Ten minutes of life: usable for five, then inside the five-minute refresh margin.
          const expiresAtMs = Date.now() + 10 * 60_000
          return { accessKeyId, secretAccessKey: accessKeySecret, sessionToken: `token-${calls}`, expiresAtMs }
        }
      })
      const sign = { operation: "HeadObject", bucket, key: "uploads/a" }
      const urlOf = async (answer: Response) => ((await answer.json()) as { url: string }).url
      vi.useFakeTimers({ toFake: ["Date"] })
      try {
        const urls = await Promise.all([1, 2, 3].map(async () => urlOf(await ask(handler, sign))))
        assert.strictEqual(calls, 1)
        for (const url of urls) assert.include(url, "X-Amz-Security-Token=token-1")
        vi.setSystemTime(Date.now() + 4 * 60_000)
        assert.include(await urlOf(await ask(handler, sign)), "token-1")
        vi.setSystemTime(Date.now() + 2 * 60_000)
        assert.include(await urlOf(await ask(handler, sign)), "token-2")
        assert.strictEqual(calls, 2)
      } finally {
        vi.useRealTimers()
      }
    }))
})
