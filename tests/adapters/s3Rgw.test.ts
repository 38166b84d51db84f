/**
 * The S3 adapter's own options against a real S3 server, Ceph RGW: bucket creation, signed payloads with metadata,
 * live clock-skew correction, and the engine's resumable upload of a multi-part object (RGW's empty Complete ETag
 * verified through HEAD) read back byte for byte. Every port operation, paging and the errors RGW sends are the
 * conformance suite's (tests/conformance/rgw.test.ts), which runs the same checks against every store.
 *
 * Skips, with a message naming `bash .ci/ensure-rgw.sh`, when RGW does not answer at `RGW_ENDPOINT`.
 */
import { createHash } from "node:crypto"
import { afterAll, assert, beforeAll, describe, it } from "@effect/vitest"
import * as Clock from "effect/Clock"
import * as Effect from "effect/Effect"
import * as FetchHttpClient from "effect/http/FetchHttpClient"
import * as Layer from "effect/Layer"
import * as NodeHasher from "../../adapters/node/NodeHasher.ts"
import * as MemoryByteSource from "../../adapters/portable/MemoryByteSource.ts"
import * as MemoryCheckpointStore from "../../adapters/portable/MemoryCheckpointStore.ts"
import { createBucket } from "../../adapters/s3/S3Bucket.ts"
import * as S3Credentials from "../../adapters/s3/S3Credentials.ts"
import * as S3Endpoint from "../../adapters/s3/S3Endpoint.ts"
import * as S3ObjectStore from "../../adapters/s3/S3ObjectStore.ts"
import * as S3Transport from "../../adapters/s3/S3Transport.ts"
import * as Crc64 from "../../core/Crc64.ts"
import { normalizeEtag, ObjectStore } from "../../core/ports/ObjectStore.ts"
import { resumableUpload } from "../../core/ResumableUpload.ts"
import type { Notice } from "../../core/UploadMachine.ts"
import { rgwAvailable, rgwCredentials, rgwEndpoint, rgwHint, uniqueBucket } from "../support/rgw.ts"

const rgwUp = await rgwAvailable()
if (!rgwUp) console.warn(`Skipping the S3 adapter's RGW suite. ${rgwHint}`)

const MiB = 1024 * 1024
const config: S3ObjectStore.S3StoreConfig = {
  endpoint: S3Endpoint.make(rgwEndpoint),
  region: "us-east-1",
  credentials: S3Credentials.make(rgwCredentials)
}
const bucket = uniqueBucket("s3-adapter")
const bytes = (n: number, seed = 1) => Uint8Array.from({ length: n }, (_, i) => (i * 131 + seed + (i >> 13)) & 255)
const body = (data: Uint8Array) => ({
  bytes: data,
  md5Base64: createHash("md5").update(data).digest("base64"),
  crc64: Crc64.compute(data)
})
const md5Hex = (data: Uint8Array) => createHash("md5").update(data).digest("hex")

const storeLayer = (extra: Partial<S3ObjectStore.S3StoreConfig> = {}) =>
  S3ObjectStore.layer({ ...config, ...extra }).pipe(Layer.provide(FetchHttpClient.layer))

/** Aborts every upload left in the bucket, deletes `keys`, then the bucket itself. */
const cleanUp = (keys: ReadonlyArray<string>) =>
  Effect.gen(function* () {
    const store = yield* ObjectStore
    for (let page = 0; page < 10; page++) {
      const uploads = yield* store.listUploads({ bucket })
      for (const u of uploads.uploads) yield* store.abort({ bucket, key: u.key, uploadId: u.uploadId })
      if (!uploads.isTruncated) break
    }
    for (const key of keys) yield* store.delete({ bucket, key })
    const transport = yield* S3Transport.make(config)
    yield* transport.execute({ operation: "DeleteObject", method: "DELETE", bucket })
  }).pipe(Effect.provide(Layer.merge(storeLayer(), FetchHttpClient.layer)))

const written = new Set<string>()

describe.skipIf(!rgwUp)("S3 adapter against Ceph RGW", () => {
  beforeAll(() => Effect.runPromise(createBucket(config, bucket).pipe(Effect.provide(FetchHttpClient.layer))))
  afterAll(() => Effect.runPromise(cleanUp([...written]).pipe(Effect.orElseSucceed(() => undefined))))

  it.live("creating a bucket it already owns succeeds", () =>
    createBucket(config, bucket).pipe(Effect.provide(FetchHttpClient.layer))
  )

  it.live("PutObject with signed payload and metadata, HEAD, GET, DELETE", () =>
    Effect.gen(function* () {
      const store = yield* ObjectStore
      const data = bytes(4321, 5)
      const key = "put/ключ 数据+file?.bin"
      written.add(key)
      const put = yield* store.putObject({
        bucket,
        key,
        body: body(data),
        contentType: "text/plain",
        metadata: { a: "b" }
      })
      assert.strictEqual(put.etag, `"${md5Hex(data)}"`)
      // HEAD carries the user metadata back (x-amz-meta-*), which `cp -r -u` relies on.
      assert.deepStrictEqual(yield* store.head({ bucket, key }), {
        sizeBytes: data.length,
        etag: put.etag,
        metadata: { a: "b" }
      })
      assert.deepStrictEqual(yield* store.get({ bucket, key }), data)
      yield* store.delete({ bucket, key })
      assert.isUndefined(yield* store.head({ bucket, key }))
    }).pipe(Effect.provide(storeLayer({ payloadSigning: "signed" })))
  )

  it.live("corrects a client clock an hour slow, on a HEAD (bodiless 403) and on a GET", () =>
    Effect.gen(function* () {
      const base = yield* Clock.Clock
      const slowMs = () => base.currentTimeMillisUnsafe() - 3_600_000
      const slow: Clock.Clock = {
        currentTimeMillisUnsafe: slowMs,
        currentTimeMillis: Effect.sync(slowMs),
        currentTimeNanosUnsafe: () => base.currentTimeNanosUnsafe(),
        currentTimeNanos: base.currentTimeNanos,
        monotonicTimeNanosUnsafe: () => base.monotonicTimeNanosUnsafe(),
        monotonicTimeNanos: base.monotonicTimeNanos,
        sleep: (duration) => base.sleep(duration)
      }
      for (const method of ["HEAD", "GET"] as const) {
        const transport = yield* S3Transport.make(config)
        const answer = yield* Effect.flip(
          transport.execute({ operation: "GetObject", method, bucket, key: "no-such-key" })
        ).pipe(Effect.provideService(Clock.Clock, slow))
        assert.strictEqual(answer.status, 404, `${method} after correction`)
        assert.closeTo(yield* transport.clockOffsetMs, 3_600_000, 60_000)
      }
    }).pipe(Effect.provide(FetchHttpClient.layer))
  )

  it.live(
    "the engine uploads a multi-part object in 5 MiB parts, verifies it through HEAD, and it reads back",
    () =>
      Effect.gen(function* () {
        const data = bytes(2 * 5 * MiB + 123_457, 11)
        const key = "engine/multi part.bin"
        written.add(key)
        const notices: Array<Notice> = []
        const outcome = yield* resumableUpload({
          bucket,
          key,
          source: MemoryByteSource.make(data, { name: "rgw" }),
          partSizeBytes: 5 * MiB,
          parallelism: 3,
          onNotice: (notice) => notices.push(notice)
        })
        assert.strictEqual(outcome._tag, "Completed")
        if (outcome._tag !== "Completed") return
        assert.strictEqual(outcome.partCount, 3)
        assert.match(normalizeEtag(outcome.etag), /^[0-9a-f]{32}-3$/)
        assert.deepStrictEqual(
          notices.filter((n) => n._tag === "IntegrityUnverifiable"),
          []
        )
        const store = yield* ObjectStore
        const got = yield* store.get({ bucket, key })
        assert.strictEqual(got.length, data.length)
        assert.isTrue(Buffer.from(got).equals(Buffer.from(data)), "object differs from the source")
      }).pipe(Effect.provide(Layer.mergeAll(storeLayer(), MemoryCheckpointStore.layer, NodeHasher.layer))),
    60_000
  )
})
