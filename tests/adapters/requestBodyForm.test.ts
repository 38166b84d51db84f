/**
 * The HTTP executor's request body: wrapped in a Blob where configured (browsers, by default), with the same
 * Content-Type and Content-Length, and the untouched bytes elsewhere (Node: the very array, no copy), which is what
 * `NodeHttpClient` can write. The speed this buys in Chromium is measured by tests/browser, not asserted.
 */
import { assert, describe, it } from "@effect/vitest"
import * as Effect from "effect/Effect"
import * as HttpClient from "effect/http/HttpClient"
import type * as HttpClientRequest from "effect/http/HttpClientRequest"
import * as HttpClientResponse from "effect/http/HttpClientResponse"
import * as RequestBodyForm from "../../adapters/http/RequestBodyForm.ts"
import * as StoreExecutor from "../../adapters/http/StoreExecutor.ts"
import { ObjectStoreError } from "../../core/ports/ObjectStore.ts"

const partBytes = new Uint8Array(64 * 1024).map((_, i) => (i * 7) & 0xff)
const signedHeaders = { "content-type": "application/octet-stream", "content-md5": "bWQ1", "x-amz-date": "20260504" }

/** Sends one UploadPart-like call through an executor whose client records the request it was handed. */
const sendPart = Effect.gen(function* () {
  const sent: Array<HttpClientRequest.HttpClientRequest> = []
  const client = HttpClient.make((request) =>
    Effect.sync(() => {
      sent.push(request)
      return HttpClientResponse.fromWeb(request, new Response("", { status: 200 }))
    })
  )
  const transport = yield* StoreExecutor.make({
    signer: () =>
      Effect.succeed(() => Effect.succeed({ url: "http://store.test/b/k?partNumber=1", headers: signedHeaders })),
    toError: (operation, status) =>
      new ObjectStoreError({ operation, reason: "Remote", status, code: "", message: "unexpected" }),
    skewedServerMs: () => undefined
  }).pipe(Effect.provideService(HttpClient.HttpClient, client))
  yield* transport.execute({ operation: "UploadPart", method: "PUT", bucket: "b", key: "k", body: partBytes })
  assert.strictEqual(sent.length, 1)
  return sent[0] as HttpClientRequest.HttpClientRequest
})

describe("RequestBodyForm", () => {
  it.effect("configured as blob: a Blob body with the bytes, the same length and type, the signed headers kept", () =>
    Effect.gen(function* () {
      const request = yield* sendPart.pipe(Effect.provideService(RequestBodyForm.RequestBodyForm, "blob"))
      assert.strictEqual(request.body._tag, "Raw")
      const blob = request.body._tag === "Raw" ? request.body.body : undefined
      assert.instanceOf(blob, Blob)
      const sentBytes = new Uint8Array(yield* Effect.promise(() => (blob as Blob).arrayBuffer()))
      assert.deepStrictEqual(sentBytes, partBytes)
      assert.strictEqual(request.headers["content-length"], String(partBytes.length))
      assert.strictEqual(request.headers["content-type"], "application/octet-stream")
      assert.strictEqual(request.headers["content-md5"], "bWQ1")
    })
  )

  it.effect("in Node, by default: the bytes themselves, not a copy", () =>
    Effect.gen(function* () {
      assert.strictEqual(yield* RequestBodyForm.RequestBodyForm, "bytes")
      const request = yield* sendPart
      assert.strictEqual(request.body._tag, "Uint8Array")
      assert.strictEqual(request.body._tag === "Uint8Array" ? request.body.body : undefined, partBytes)
      assert.strictEqual(request.headers["content-length"], String(partBytes.length))
    })
  )

  it("browsers are recognised by a document (a page) or WorkerGlobalScope (a worker); Node and Deno are not", () => {
    assert.isTrue(RequestBodyForm.isBrowserLike({ document: {} }))
    assert.isTrue(RequestBodyForm.isBrowserLike({ WorkerGlobalScope: class {} }))
    assert.isFalse(RequestBodyForm.isBrowserLike({ navigator: { userAgent: "Deno/2.9.6" } }))
    assert.isFalse(RequestBodyForm.isBrowserLike())
  })
})
