/**
 * The OSS adapter end to end against the local OSS-compatible server: every port operation, V1 and V4 signing,
 * error mapping, the engine's resumable upload over real HTTP, clock-skew correction and the upload callback.
 */

import { createHash } from "node:crypto"
import { createServer } from "node:http"
import type { AddressInfo } from "node:net"
import { assert, describe, it } from "@effect/vitest"
import * as Effect from "effect/Effect"
import * as FetchHttpClient from "effect/http/FetchHttpClient"
import * as Layer from "effect/Layer"
import * as NodeHasher from "../../adapters/node/NodeHasher.ts"
import * as OssCredentials from "../../adapters/oss/OssCredentials.ts"
import * as OssEndpoint from "../../adapters/oss/OssEndpoint.ts"
import * as OssObjectStore from "../../adapters/oss/OssObjectStore.ts"
import * as MemoryByteSource from "../../adapters/portable/MemoryByteSource.ts"
import * as MemoryCheckpointStore from "../../adapters/portable/MemoryCheckpointStore.ts"
import * as LocalOssServer from "../../adapters/server/LocalOssServer.ts"
import * as Crc64 from "../../core/Crc64.ts"
import { ObjectStore } from "../../core/ports/ObjectStore.ts"
import { resumableUpload } from "../../core/ResumableUpload.ts"

const KiB = 1024
// biome-ignore lint/suspicious/noTemplateCurlyInString: OSS callback variables, substituted by the server
const callbackTemplate = "bucket=${bucket}&object=${object}&size=${size}&v=${x:tag}"
const credentials = { accessKeyId: "test-ak", accessKeySecret: "test-secret-key" }
const bytes = (n: number, seed = 3) => Uint8Array.from({ length: n }, (_, i) => (i * 131 + seed) & 255)

const withServer = <A, E>(
  use: (server: LocalOssServer.LocalOssServer) => Effect.Effect<A, E, never>,
  options: Partial<LocalOssServer.LocalOssServerOptions> = {}
) =>
  Effect.acquireUseRelease(
    Effect.promise(() =>
      LocalOssServer.start({
        storage: { kind: "memory" },
        credentials: [credentials],
        storeLimits: { partSizeBytesMin: 16 * KiB },
        ...options
      })
    ),
    use,
    (server) => Effect.promise(() => server.close())
  )

const storeLayer = (
  server: LocalOssServer.LocalOssServer,
  signatureVersion: "v1" | "v4",
  secret = credentials.accessKeySecret
) =>
  OssObjectStore.layer({
    endpoint: OssEndpoint.make(server.url),
    region: "cn-hangzhou",
    signatureVersion,
    credentials: OssCredentials.make({ accessKeyId: credentials.accessKeyId, accessKeySecret: secret }),
    limits: {
      partCountMax: 10_000,
      partSizeBytesMin: 16 * KiB,
      partSizeBytesMax: 2 ** 30,
      objectSizeBytesMax: 2 ** 40,
      listPageSizeMax: 1000
    }
  }).pipe(Layer.provide(FetchHttpClient.layer))

describe("OSS adapter against the local server", () => {
  for (const version of ["v1", "v4"] as const) {
    it.live(`uploads resumably over HTTP with ${version} signatures, checking every part and the object CRC-64`, () =>
      withServer((server) =>
        Effect.gen(function* () {
          const data = bytes(200 * KiB)
          const outcome = yield* resumableUpload({
            bucket: "bucket-one",
            key: "dir/ключ 数据+file?.bin",
            source: MemoryByteSource.make(data, { name: "x" }),
            partSizeBytes: 16 * KiB,
            parallelism: 4
          })
          assert.strictEqual(outcome._tag, "Completed")
          if (outcome._tag !== "Completed") return
          assert.strictEqual(outcome.crc64, Crc64.compute(data))
          assert.strictEqual(outcome.partCount, 13)
          const store = yield* ObjectStore
          const got = yield* store.get({ bucket: "bucket-one", key: "dir/ключ 数据+file?.bin" })
          assert.deepStrictEqual(got, data)
          const head = yield* store.head({ bucket: "bucket-one", key: "dir/ключ 数据+file?.bin" })
          assert.strictEqual(head?.sizeBytes, data.length)
          assert.strictEqual(head?.crc64, Crc64.compute(data))
          const range = yield* store.get({ bucket: "bucket-one", key: "dir/ключ 数据+file?.bin", range: [10, 20] })
          assert.deepStrictEqual(range, data.subarray(10, 20))
        }).pipe(
          Effect.provide(Layer.mergeAll(storeLayer(server, version), MemoryCheckpointStore.layer, NodeHasher.layer))
        )
      )
    )
  }

  it.live("lists parts and uploads page by page, aborts, and maps errors with code and request id", () =>
    withServer((server) =>
      Effect.gen(function* () {
        const store = yield* ObjectStore
        const ids: Array<string> = []
        for (const key of ["a/1", "a/2", "b/1"]) ids.push(yield* store.initiate({ bucket: "bkt", key }))
        const body = (n: number) => {
          const b = bytes(n)
          return {
            bytes: b,
            md5Base64: createHash("md5").update(b).digest("base64"),
            crc64: Crc64.compute(b)
          }
        }
        for (let n = 1; n <= 5; n++)
          yield* store.uploadPart({ bucket: "bkt", key: "a/1", uploadId: ids[0] ?? "", partNumber: n, body: body(100) })
        const page1 = yield* store.listParts({ bucket: "bkt", key: "a/1", uploadId: ids[0] ?? "", maxParts: 2 })
        assert.deepStrictEqual(
          page1.parts.map((p) => p.partNumber),
          [1, 2]
        )
        assert.isTrue(page1.isTruncated)
        const page2 = yield* store.listParts({
          bucket: "bkt",
          key: "a/1",
          uploadId: ids[0] ?? "",
          partNumberMarker: page1.nextPartNumberMarker ?? 0
        })
        assert.deepStrictEqual(
          page2.parts.map((p) => p.partNumber),
          [3, 4, 5]
        )
        assert.strictEqual(page2.parts[0]?.crc64, Crc64.compute(bytes(100)))
        const uploads = yield* store.listUploads({ bucket: "bkt", prefix: "a/", maxUploads: 1 })
        assert.deepStrictEqual(
          uploads.uploads.map((u) => u.key),
          ["a/1"]
        )
        assert.isTrue(uploads.isTruncated)
        yield* store.abort({ bucket: "bkt", key: "a/1", uploadId: ids[0] ?? "" })
        const gone = yield* Effect.flip(store.listParts({ bucket: "bkt", key: "a/1", uploadId: ids[0] ?? "" }))
        assert.strictEqual(gone.code, "NoSuchUpload")
        assert.strictEqual(gone.status, 404)
        assert.isString(gone.requestId)
        const bad = { ...body(100), md5Base64: "AAAAAAAAAAAAAAAAAAAAAA==" }
        const digest = yield* Effect.flip(
          store.uploadPart({ bucket: "bkt", key: "a/2", uploadId: ids[1] ?? "", partNumber: 1, body: bad })
        )
        assert.strictEqual(digest.code, "InvalidDigest")
        assert.isUndefined(yield* store.head({ bucket: "bkt", key: "missing" }))
      }).pipe(Effect.provide(storeLayer(server, "v4")))
    )
  )

  it.live("completes with x-oss-complete-all: every stored part, in order, without a body", () =>
    withServer((server) =>
      Effect.gen(function* () {
        const store = yield* ObjectStore
        const uploadId = yield* store.initiate({ bucket: "bkt", key: "all.bin" })
        const parts = [bytes(16 * KiB, 1), bytes(16 * KiB, 2), bytes(100, 3)]
        for (const [i, b] of parts.entries()) {
          const md5Base64 = createHash("md5").update(b).digest("base64")
          yield* store.uploadPart({
            bucket: "bkt",
            key: "all.bin",
            uploadId,
            partNumber: i + 1,
            body: { bytes: b, md5Base64, crc64: Crc64.compute(b) }
          })
        }
        const answer = yield* store.complete({ bucket: "bkt", key: "all.bin", uploadId, parts: [], completeAll: true })
        const whole = new Uint8Array([...(parts[0] ?? []), ...(parts[1] ?? []), ...(parts[2] ?? [])])
        assert.strictEqual(answer.crc64, Crc64.compute(whole))
        assert.deepStrictEqual(yield* store.get({ bucket: "bkt", key: "all.bin" }), whole)
      }).pipe(Effect.provide(storeLayer(server, "v4")))
    )
  )

  it.live("a wrong secret is SignatureDoesNotMatch, final and not retried", () =>
    withServer((server) =>
      Effect.gen(function* () {
        const store = yield* ObjectStore
        const error = yield* Effect.flip(store.initiate({ bucket: "bkt", key: "k" }))
        assert.strictEqual(error.code, "SignatureDoesNotMatch")
        assert.strictEqual(error.status, 403)
      }).pipe(Effect.provide(storeLayer(server, "v1", "wrong-secret")))
    )
  )

  it.live("a key with a '..' segment is refused by name and never reaches the server as another key", () =>
    withServer((server) =>
      Effect.gen(function* () {
        const store = yield* ObjectStore
        const error = yield* Effect.flip(
          store.putObject({
            bucket: "bkt",
            key: "a/../b",
            body: { bytes: bytes(8), md5Base64: createHash("md5").update(bytes(8)).digest("base64"), crc64: 0n }
          })
        )
        assert.strictEqual(error.code, "UnaddressableKey")
        assert.isUndefined(yield* store.head({ bucket: "bkt", key: "b" }))
      }).pipe(Effect.provide(storeLayer(server, "v4")))
    )
  )

  it.live("corrects a skewed clock from the server's answer and retries once", () =>
    withServer(
      (server) =>
        Effect.gen(function* () {
          const store = yield* ObjectStore
          const id = yield* store.initiate({ bucket: "bkt", key: "skew" })
          assert.isString(id)
        }).pipe(Effect.provide(storeLayer(server, "v4"))),
      { now: () => Date.now() + 60 * 60 * 1000 }
    )
  )

  it.live("passes the upload callback, and reports a failed callback without failing the upload", () =>
    Effect.gen(function* () {
      const received: Array<string> = []
      const callbackServer = createServer((req, res) => {
        let text = ""
        req.on("data", (c) => (text += c))
        req.on("end", () => {
          received.push(text)
          res.writeHead(200, { "content-type": "application/json" }).end(JSON.stringify({ ok: true, got: text }))
        })
      })
      yield* Effect.promise(() => new Promise<void>((r) => callbackServer.listen(0, "127.0.0.1", r)))
      const port = (callbackServer.address() as AddressInfo).port
      const upload = (url: string) =>
        resumableUpload({
          bucket: "bkt",
          key: "cb.bin",
          source: MemoryByteSource.make(bytes(40 * KiB), { name: "cb" }),
          partSizeBytes: 16 * KiB,
          callback: {
            url,
            body: callbackTemplate,
            variables: { tag: "hello" }
          }
        })
      yield* withServer((server) =>
        Effect.gen(function* () {
          const ok = yield* upload(`http://127.0.0.1:${port}/cb`)
          assert.isTrue(ok._tag === "Completed" && ok.callback?.ok === true)
          assert.strictEqual(received[0], "bucket=bkt&object=cb.bin&size=40960&v=hello")
          const failed = yield* upload("http://127.0.0.1:1/nothing-listens-here")
          assert.isTrue(failed._tag === "Completed" && failed.callback?.ok === false)
        }).pipe(Effect.provide(Layer.mergeAll(storeLayer(server, "v1"), MemoryCheckpointStore.layer, NodeHasher.layer)))
      )
      callbackServer.close()
    })
  )
})
