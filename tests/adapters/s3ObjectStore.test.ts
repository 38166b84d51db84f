/**
 * The S3 adapter against a scripted HTTP client: the shape of every request (method, path, query, Content-MD5,
 * metadata, checksum headers only when enabled, addressing, a signature the verifier accepts), the reading of
 * namespaced answers, Complete's quirks (200 with an `<Error>`, RGW's empty ETag), error mapping with request ids,
 * clock-skew correction, OSS-only features refused, and bucket creation.
 */
import { createHash } from "node:crypto"
import { assert, describe, it } from "@effect/vitest"
import * as Effect from "effect/Effect"
import * as Redacted from "effect/Redacted"
import * as Crc64Nvme from "../../adapters/s3/Crc64Nvme.ts"
import { createBucket } from "../../adapters/s3/S3Bucket.ts"
import * as S3Checksum from "../../adapters/s3/S3Checksum.ts"
import * as S3Credentials from "../../adapters/s3/S3Credentials.ts"
import * as S3Endpoint from "../../adapters/s3/S3Endpoint.ts"
import * as S3ObjectStore from "../../adapters/s3/S3ObjectStore.ts"
import * as S3 from "../../adapters/s3/S3SignatureV4.ts"
import * as Crc64 from "../../core/Crc64.ts"
import { isRetryable, type ObjectStoreShape, type PartBody } from "../../core/ports/ObjectStore.ts"
import * as Scripted from "../support/scriptedHttp.ts"

const ak = "AKIDEXAMPLE"
const sk = "secret-key-example"
const credentials = S3Credentials.make({ accessKeyId: ak, secretAccessKey: sk })
const lookup: S3.LookupSecret = (id) => Effect.succeed(id === ak ? Redacted.make(sk) : undefined)
const ns = 'xmlns="http://s3.amazonaws.com/doc/2006-03-01/"'
const local = S3Endpoint.make("http://127.0.0.1:7480")
const aws = S3Endpoint.make("https://s3.eu-west-1.amazonaws.com")

const body = (text: string): PartBody => {
  const bytes = new TextEncoder().encode(text)
  return { bytes, md5Base64: createHash("md5").update(bytes).digest("base64"), crc64: Crc64.compute(bytes) }
}
const md5Hex = (text: string) => createHash("md5").update(text).digest("hex")
const initiated = (id: string) =>
  `<?xml version="1.0" encoding="UTF-8"?>\n<InitiateMultipartUploadResult ${ns}><Bucket>bkt</Bucket><Key>k</Key><UploadId>${id}</UploadId></InitiateMultipartUploadResult>`
const completed = (etag: string) =>
  `<?xml version="1.0" encoding="UTF-8"?>\n<CompleteMultipartUploadResult ${ns}><Location>x</Location><Bucket>bkt</Bucket><Key>k</Key><ETag>${etag}</ETag></CompleteMultipartUploadResult>`
const errorBody = (code: string, requestId = "req-body-1", extra = "") =>
  `<?xml version="1.0" encoding="UTF-8"?>\n<Error><Code>${code}</Code><Message>${code} happened</Message>${extra}<RequestId>${requestId}</RequestId><HostId>host-1</HostId></Error>`

type Config = Partial<S3ObjectStore.S3StoreConfig>

/** Runs `use` on a store over a scripted client; returns what `use` returned and the recorded requests. */
const withStore = <A, E>(
  replies: ReadonlyArray<Scripted.Reply | ((r: Scripted.Recorded) => Scripted.Reply)>,
  use: (store: ObjectStoreShape) => Effect.Effect<A, E>,
  config: Config = {}
) => {
  const script = Scripted.make(replies)
  return Effect.gen(function* () {
    const store = yield* S3ObjectStore.make({ endpoint: local, region: "us-east-1", credentials, ...config })
    const result = yield* use(store)
    return { result, recorded: script.recorded }
  }).pipe(Effect.provide(script.layer))
}

/** The verifier's view of a recorded request: decoded path and query, headers with `host`. */
const received = (r: Scripted.Recorded): S3.S3ReceivedRequest => ({
  method: r.method,
  path: decodeURIComponent(r.url.pathname),
  query: Object.fromEntries(r.url.searchParams),
  headers: r.headers
})
const verifies = (r: Scripted.Recorded, region = "us-east-1") =>
  Effect.map(Effect.exit(S3.verify(received(r), lookup, { region })), (exit) => exit._tag === "Success")

describe("S3 adapter request shapes", () => {
  it.effect("CreateMultipartUpload: POST /bucket/key?uploads, metadata, content type, a valid signature", () =>
    Effect.gen(function* () {
      const { result, recorded } = yield* withStore([{ body: initiated("up-1") }], (store) =>
        store.initiate({ bucket: "bkt", key: "dir/a b+c.bin", contentType: "text/plain", metadata: { Owner: "me" } })
      )
      assert.strictEqual(result, "up-1")
      const [r] = recorded
      if (r === undefined) return assert.fail("no request")
      assert.strictEqual(r.method, "POST")
      assert.strictEqual(r.url.origin, "http://127.0.0.1:7480")
      assert.strictEqual(r.url.pathname, "/bkt/dir/a%20b%2Bc.bin")
      assert.strictEqual(r.url.search, "?uploads")
      assert.strictEqual(r.headers["content-type"], "text/plain")
      assert.strictEqual(r.headers["x-amz-meta-owner"], "me")
      assert.strictEqual(r.headers["x-amz-content-sha256"], "UNSIGNED-PAYLOAD")
      assert.match(r.headers.authorization ?? "", /^AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE\/\d{8}\/us-east-1\/s3\//)
      assert.isUndefined(r.headers["x-amz-checksum-algorithm"])
      assert.isTrue(yield* verifies(r))
    })
  )

  it.effect(
    "UploadPart: PUT with partNumber, uploadId, Content-MD5 and the bytes; the ETag comes from the header",
    () =>
      Effect.gen(function* () {
        const part = body("hello part")
        const { result, recorded } = yield* withStore(
          [{ headers: { etag: `"${md5Hex("hello part")}"`, "x-amz-request-id": "r1" } }],
          (store) => store.uploadPart({ bucket: "bkt", key: "k", uploadId: "u/1=", partNumber: 7, body: part })
        )
        assert.deepStrictEqual(result, { etag: `"${md5Hex("hello part")}"` })
        const [r] = recorded
        if (r === undefined) return assert.fail("no request")
        assert.strictEqual(r.method, "PUT")
        assert.strictEqual(r.url.search, "?partNumber=7&uploadId=u%2F1%3D")
        assert.strictEqual(r.headers["content-md5"], part.md5Base64)
        assert.deepStrictEqual(r.body, part.bytes)
        assert.isUndefined(r.headers["x-amz-checksum-crc64nvme"])
        assert.isTrue(yield* verifies(r))
      })
  )

  it.effect(
    "a 200 without an ETag (CORS hiding it) fails UploadPart and PutObject at once, final, naming the fix",
    () =>
      Effect.gen(function* () {
        const part = body("hidden etag")
        const uploaded = yield* withStore([{ headers: { "x-amz-request-id": "r-hidden" } }], (store) =>
          Effect.flip(store.uploadPart({ bucket: "bkt", key: "k", uploadId: "u", partNumber: 1, body: part }))
        )
        assert.strictEqual(uploaded.result.code, "MissingETag")
        assert.strictEqual(uploaded.result.operation, "UploadPart")
        assert.strictEqual(uploaded.result.requestId, "r-hidden")
        assert.include(uploaded.result.message, "ExposeHeaders")
        assert.isFalse(isRetryable(uploaded.result))
        assert.lengthOf(uploaded.recorded, 1, "not retried")
        const put = yield* withStore([{}], (store) =>
          Effect.flip(store.putObject({ bucket: "bkt", key: "k", body: part }))
        )
        assert.strictEqual(put.result.code, "MissingETag")
        assert.strictEqual(put.result.operation, "PutObject")
      })
  )

  it.effect("virtual-hosted on AWS: bucket in the host, /key signed, CRC-64/NVME on by default", () =>
    Effect.gen(function* () {
      const a = body("first part bytes")
      const b = body("second")
      const { result, recorded } = yield* withStore(
        [
          { body: initiated("u1") },
          { headers: { etag: '"e1"' } },
          { headers: { etag: '"e2"' } },
          { body: completed('"x-2"') }
        ],
        (store) =>
          Effect.gen(function* () {
            const uploadId = yield* store.initiate({ bucket: "bkt", key: "k" })
            yield* store.uploadPart({ bucket: "bkt", key: "k", uploadId, partNumber: 2, body: b })
            yield* store.uploadPart({ bucket: "bkt", key: "k", uploadId, partNumber: 1, body: a })
            return yield* store.complete({
              bucket: "bkt",
              key: "k",
              uploadId,
              parts: [
                { partNumber: 1, etag: "e1" },
                { partNumber: 2, etag: "e2" }
              ]
            })
          }),
        { endpoint: aws, region: "eu-west-1" }
      )
      assert.strictEqual(result.etag, '"x-2"')
      const [create, part2, part1, complete] = recorded
      if (create === undefined || part2 === undefined || part1 === undefined || complete === undefined)
        return assert.fail("missing requests")
      assert.strictEqual(create.url.host, "bkt.s3.eu-west-1.amazonaws.com")
      assert.strictEqual(create.url.pathname, "/k")
      assert.strictEqual(create.headers["x-amz-checksum-algorithm"], "CRC64NVME")
      assert.strictEqual(create.headers["x-amz-checksum-type"], "FULL_OBJECT")
      assert.strictEqual(part1.headers["x-amz-checksum-crc64nvme"], Crc64Nvme.toBase64(Crc64Nvme.compute(a.bytes)))
      assert.strictEqual(part2.headers["x-amz-checksum-crc64nvme"], Crc64Nvme.toBase64(Crc64Nvme.compute(b.bytes)))
      const whole = new TextEncoder().encode("first part bytessecond")
      assert.strictEqual(complete.headers["x-amz-checksum-crc64nvme"], Crc64Nvme.toBase64(Crc64Nvme.compute(whole)))
      assert.strictEqual(complete.headers["x-amz-checksum-type"], "FULL_OBJECT")
      for (const r of recorded) assert.isTrue(yield* verifies(r, "eu-west-1"))
    })
  )

  it.effect("checksum 'none' never sends checksum headers to AWS; 'crc64nvme' sends them to any store", () =>
    Effect.gen(function* () {
      const part = body("p")
      const send = (store: ObjectStoreShape) =>
        Effect.gen(function* () {
          yield* store.initiate({ bucket: "bkt", key: "k" })
          yield* store.uploadPart({ bucket: "bkt", key: "k", uploadId: "u", partNumber: 1, body: part })
          yield* store.putObject({ bucket: "bkt", key: "k", body: part })
        })
      const replies = [{ body: initiated("u") }, { headers: { etag: '"e"' } }, { headers: { etag: '"e"' } }]
      const off = yield* withStore(replies, send, { endpoint: aws, region: "eu-west-1", checksum: "none" })
      for (const r of off.recorded) assert.isFalse(Object.keys(r.headers).some((h) => h.startsWith("x-amz-checksum")))
      const on = yield* withStore(replies, send, { checksum: "crc64nvme" })
      const [create, upload, put] = on.recorded
      assert.strictEqual(create?.headers["x-amz-checksum-algorithm"], "CRC64NVME")
      assert.strictEqual(upload?.headers["x-amz-checksum-crc64nvme"], Crc64Nvme.toBase64(Crc64Nvme.compute(part.bytes)))
      assert.strictEqual(put?.headers["x-amz-checksum-crc64nvme"], Crc64Nvme.toBase64(Crc64Nvme.compute(part.bytes)))
      assert.strictEqual(put?.headers["content-md5"], part.md5Base64)
    })
  )

  it.effect("a Complete whose parts were sent by an earlier process and carry no checksum goes without one", () =>
    Effect.gen(function* () {
      const { recorded } = yield* withStore(
        [{ headers: { etag: '"e2"' } }, { body: completed('"x-2"') }],
        (store) =>
          Effect.gen(function* () {
            yield* store.uploadPart({ bucket: "bkt", key: "k", uploadId: "u", partNumber: 2, body: body("two") })
            return yield* store.complete({
              bucket: "bkt",
              key: "k",
              uploadId: "u",
              parts: [
                { partNumber: 1, etag: "e1" },
                { partNumber: 2, etag: "e2" }
              ]
            })
          }),
        { checksum: "crc64nvme" }
      )
      assert.isUndefined(recorded[1]?.headers["x-amz-checksum-crc64nvme"])
    })
  )

  it.effect("a resumed Complete folds the full-object checksum from the checksums the parts carried over", () =>
    Effect.gen(function* () {
      const [one, two] = [body("first process "), body("second process")]
      // Part 1 went up in an earlier process: its answer's partChecksum is what the checkpoint kept.
      const earlier = yield* withStore(
        [{ headers: { etag: '"e1"' } }],
        (store) => store.uploadPart({ bucket: "bkt", key: "k", uploadId: "u", partNumber: 1, body: one }),
        { checksum: "crc64nvme" }
      )
      const carried = earlier.result.partChecksum
      assert.strictEqual(carried, S3Checksum.encodePart({ crc: Crc64Nvme.compute(one.bytes), sizeBytes: 14 }))
      const { recorded } = yield* withStore(
        [{ headers: { etag: '"e2"' } }, { body: completed('"x-2"') }],
        (store) =>
          Effect.gen(function* () {
            const second = yield* store.uploadPart({ bucket: "bkt", key: "k", uploadId: "u", partNumber: 2, body: two })
            return yield* store.complete({
              bucket: "bkt",
              key: "k",
              uploadId: "u",
              parts: [
                { partNumber: 1, etag: "e1", ...(carried === undefined ? {} : { partChecksum: carried }) },
                {
                  partNumber: 2,
                  etag: "e2",
                  ...(second.partChecksum === undefined ? {} : { partChecksum: second.partChecksum })
                }
              ]
            })
          }),
        { checksum: "crc64nvme" }
      )
      const whole = new Uint8Array([...one.bytes, ...two.bytes])
      assert.strictEqual(recorded[1]?.headers["x-amz-checksum-crc64nvme"], Crc64Nvme.toBase64(Crc64Nvme.compute(whole)))
      assert.isUndefined(S3Checksum.decodePart("crc64nvme:short:1"))
    })
  )

  it.effect("Complete: namespaced body, parts sorted and quoted; RGW's empty ETag comes back as ''", () =>
    Effect.gen(function* () {
      const { result, recorded } = yield* withStore([{ body: completed("") }], (store) =>
        store.complete({
          bucket: "bkt",
          key: "k",
          uploadId: "u",
          parts: [
            { partNumber: 2, etag: "bb" },
            { partNumber: 1, etag: '"aa"' }
          ]
        })
      )
      assert.strictEqual(result.etag, "")
      const text = new TextDecoder().decode(recorded[0]?.body)
      assert.include(text, `<CompleteMultipartUpload ${ns}>`)
      assert.match(
        text,
        /<PartNumber>1<\/PartNumber>\s*<ETag>"aa"<\/ETag>[\s\S]*<PartNumber>2<\/PartNumber>\s*<ETag>"bb"<\/ETag>/
      )
      assert.strictEqual(recorded[0]?.url.search, "?uploadId=u")
      assert.strictEqual(recorded[0]?.headers["content-type"], "application/xml")
    })
  )

  it.effect("Complete answering 200 with an <Error>: an error, retryable only for server-side codes", () =>
    Effect.gen(function* () {
      const complete = (store: ObjectStoreShape) =>
        Effect.flip(store.complete({ bucket: "b", key: "k", uploadId: "u", parts: [{ partNumber: 1, etag: "e" }] }))
      const internal = yield* withStore([{ body: `  \n ${errorBody("InternalError", "rq-9")}` }], complete)
      assert.strictEqual(internal.result.code, "InternalError")
      assert.strictEqual(internal.result.status, 500)
      assert.strictEqual(internal.result.requestId, "rq-9")
      assert.isTrue(isRetryable(internal.result))
      const invalid = yield* withStore([{ body: errorBody("InvalidPart") }], complete)
      assert.strictEqual(invalid.result.code, "InvalidPart")
      assert.strictEqual(invalid.result.status, 400)
      assert.isFalse(isRetryable(invalid.result))
    })
  )

  it.effect("Complete answering 200 with a body that is not a result: an empty ETag (verify by HEAD), no failure", () =>
    Effect.gen(function* () {
      const complete = (store: ObjectStoreShape) =>
        store.complete({ bucket: "b", key: "k", uploadId: "u", parts: [{ partNumber: 1, etag: "e" }] })
      for (const text of ["<html>proxy</html>", "", `<Other ${ns}/>`, completed("x").slice(0, 80)]) {
        const { result } = yield* withStore([{ body: text }], complete)
        assert.strictEqual(result.etag, "", text)
      }
    })
  )

  it.effect("moto's <…Response> roots and a missing <IsTruncated> are read like S3's <…Result>", () =>
    Effect.gen(function* () {
      const moto = (inner: string, root: string) =>
        `<?xml version="1.0" encoding="utf-8"?>\n<${root} ${ns}>${inner}</${root}>`
      const part = (n: number, etag: string) =>
        `<Part><PartNumber>${n}</PartNumber><LastModified>2026-12-07T02:49:22.000Z</LastModified><ETag>${etag}</ETag><Size>5</Size></Part>`
      const { result } = yield* withStore(
        [
          { body: moto(`<Bucket>b</Bucket><Key>k</Key><ETag>"AB12-2"</ETag>`, "CompleteMultipartUploadResponse") },
          { body: moto(`<IsTruncated>false</IsTruncated>${part(1, '"aa"')}${part(2, "BB")}`, "ListPartsResponse") },
          { body: moto(part(3, '"cc"'), "ListPartsResult") }
        ],
        (store) =>
          Effect.all([
            store.complete({ bucket: "b", key: "k", uploadId: "u", parts: [{ partNumber: 1, etag: "e" }] }),
            store.listParts({ bucket: "b", key: "k", uploadId: "u" }),
            store.listParts({ bucket: "b", key: "k", uploadId: "u" })
          ])
      )
      const [completeAnswer, page, unterminated] = result
      assert.strictEqual(completeAnswer.etag, '"AB12-2"')
      assert.deepStrictEqual(
        page.parts.map((p) => [p.partNumber, p.etag, p.sizeBytes]),
        [
          [1, '"aa"', 5],
          [2, "BB", 5]
        ]
      )
      assert.isFalse(page.isTruncated)
      assert.isFalse(unterminated.isTruncated)
      assert.deepStrictEqual(
        unterminated.parts.map((p) => p.partNumber),
        [3]
      )
    })
  )

  it.effect("strict where it matters: a part without a number or size, or a wrong root, is MalformedResponse", () =>
    Effect.gen(function* () {
      const list = (store: ObjectStoreShape) => Effect.flip(store.listParts({ bucket: "b", key: "k", uploadId: "u" }))
      for (const text of [
        `<ListPartsResponse ${ns}><Part><ETag>"aa"</ETag><Size>5</Size></Part></ListPartsResponse>`,
        `<ListPartsResponse ${ns}><Part><PartNumber>1</PartNumber><ETag>"aa"</ETag></Part></ListPartsResponse>`,
        `<ListPartsResponse ${ns}><Part><PartNumber>0</PartNumber><ETag>"a"</ETag><Size>5</Size></Part></ListPartsResponse>`,
        `<ListUploadsResponse ${ns}><IsTruncated>false</IsTruncated></ListUploadsResponse>`
      ]) {
        const { result } = yield* withStore([{ body: text }], list)
        assert.strictEqual(result.code, "MalformedResponse", text)
      }
    })
  )

  it.effect("the upload callback and complete-all are refused with NotSupported, before any request", () =>
    Effect.gen(function* () {
      const callback = yield* withStore([], (store) =>
        Effect.flip(
          store.complete({
            bucket: "b",
            key: "k",
            uploadId: "u",
            parts: [{ partNumber: 1, etag: "e" }],
            callback: { url: "http://cb", body: "x" }
          })
        )
      )
      assert.strictEqual(callback.result.code, "NotSupported")
      assert.strictEqual(callback.result.operation, "CompleteMultipartUpload")
      assert.isFalse(isRetryable(callback.result))
      assert.lengthOf(callback.recorded, 0)
      const all = yield* withStore([], (store) =>
        Effect.flip(store.complete({ bucket: "b", key: "k", uploadId: "u", parts: [], completeAll: true }))
      )
      assert.strictEqual(all.result.code, "NotSupported")
      assert.lengthOf(all.recorded, 0)
    })
  )

  it.effect("a key with a '.' or '..' segment is refused by name, before any request (a URL would resolve it)", () =>
    Effect.gen(function* () {
      for (const key of ["a/../b", "./a", "a/.."]) {
        const { result, recorded } = yield* withStore([], (store) => Effect.flip(store.initiate({ bucket: "b", key })))
        assert.strictEqual(result.code, "UnaddressableKey", key)
        assert.include(result.message, key)
        assert.isFalse(isRetryable(result))
        assert.lengthOf(recorded, 0)
      }
      const dotted = yield* withStore([{ body: initiated("up-dots") }], (store) =>
        store.initiate({ bucket: "b", key: "a/.../b..c/.d" })
      )
      assert.strictEqual(dotted.result, "up-dots")
      assert.strictEqual(dotted.recorded[0]?.url.pathname, "/b/a/.../b..c/.d")
    })
  )

  it.effect("ListParts and ListMultipartUploads: paging parameters out, namespaced pages in", () =>
    Effect.gen(function* () {
      const partsPage = `<ListPartsResult ${ns}><Bucket>b</Bucket><Key>k</Key><UploadId>u</UploadId><PartNumberMarker>2</PartNumberMarker><NextPartNumberMarker>3</NextPartNumberMarker><MaxParts>1</MaxParts><IsTruncated>true</IsTruncated><Part><PartNumber>3</PartNumber><LastModified>2024-01-01T00:00:00.000Z</LastModified><ETag>"abc"</ETag><Size>5242880</Size><ChecksumCRC64NVME>AAAAAAAAAAA=</ChecksumCRC64NVME></Part><Owner><ID>o</ID></Owner></ListPartsResult>`
      const uploadsPage = `<ListMultipartUploadsResult ${ns}><Bucket>b</Bucket><KeyMarker>a</KeyMarker><UploadIdMarker>u0</UploadIdMarker><NextKeyMarker>a/1</NextKeyMarker><NextUploadIdMarker>u1</NextUploadIdMarker><MaxUploads>1</MaxUploads><IsTruncated>true</IsTruncated><Upload><Key>a/1</Key><UploadId>u1</UploadId><Initiator><ID>i</ID></Initiator><StorageClass>STANDARD</StorageClass><Initiated>2024-01-01T00:00:00.000Z</Initiated></Upload></ListMultipartUploadsResult>`
      const { result, recorded } = yield* withStore([{ body: partsPage }, { body: uploadsPage }], (store) =>
        Effect.all([
          store.listParts({ bucket: "b", key: "k", uploadId: "u", maxParts: 1, partNumberMarker: 2 }),
          store.listUploads({ bucket: "b", prefix: "a/", keyMarker: "a", uploadIdMarker: "u0", maxUploads: 1 })
        ])
      )
      const [parts, uploads] = result
      assert.deepStrictEqual(parts, {
        parts: [{ partNumber: 3, sizeBytes: 5242880, etag: '"abc"' }],
        isTruncated: true,
        nextPartNumberMarker: 3
      })
      assert.deepStrictEqual(uploads, {
        uploads: [{ key: "a/1", uploadId: "u1", initiatedAtMs: Date.UTC(2024, 0, 1) }],
        isTruncated: true,
        nextKeyMarker: "a/1",
        nextUploadIdMarker: "u1"
      })
      assert.strictEqual(recorded[0]?.url.search, "?uploadId=u&max-parts=1&part-number-marker=2")
      assert.strictEqual(recorded[1]?.url.pathname, "/b")
      assert.strictEqual(recorded[1]?.url.search, "?uploads&prefix=a%2F&key-marker=a&upload-id-marker=u0&max-uploads=1")
      for (const r of recorded) assert.isTrue(yield* verifies(r))
    })
  )

  it.effect("GetObject with a range, HeadObject, DeleteObject, AbortMultipartUpload", () =>
    Effect.gen(function* () {
      const { result, recorded } = yield* withStore(
        [
          { status: 206, body: "ell" },
          { headers: { "content-length": "11", etag: '"abc-2"' } },
          { status: 404, headers: { "x-amz-request-id": "r404" } },
          { status: 204 },
          { status: 204 }
        ],
        (store) =>
          Effect.all([
            store.get({ bucket: "b", key: "k", range: [1, 4] }),
            store.head({ bucket: "b", key: "k" }),
            store.head({ bucket: "b", key: "missing" }),
            store.delete({ bucket: "b", key: "k" }),
            store.abort({ bucket: "b", key: "k", uploadId: "u" })
          ])
      )
      assert.strictEqual(new TextDecoder().decode(result[0]), "ell")
      assert.deepStrictEqual(result[1], { sizeBytes: 11, etag: '"abc-2"' })
      assert.isUndefined(result[2])
      assert.strictEqual(recorded[0]?.headers.range, "bytes=1-3")
      assert.deepStrictEqual(
        recorded.map((r) => `${r.method} ${r.url.pathname}${r.url.search}`),
        ["GET /b/k", "HEAD /b/k", "HEAD /b/missing", "DELETE /b/k", "DELETE /b/k?uploadId=u"]
      )
    })
  )
})

describe("S3 adapter signing options", () => {
  it.effect("signed payloads carry the body's SHA-256; a session token is sent and signed", () =>
    Effect.gen(function* () {
      const part = body("signed body")
      const session = S3Credentials.make({ accessKeyId: ak, secretAccessKey: sk, sessionToken: "tok/en+" })
      const { recorded } = yield* withStore(
        [{ headers: { etag: '"e"' } }, { status: 204 }],
        (store) =>
          Effect.all([store.putObject({ bucket: "b", key: "k", body: part }), store.delete({ bucket: "b", key: "k" })]),
        { payloadSigning: "signed", credentials: session }
      )
      const [put, del] = recorded
      assert.strictEqual(put?.headers["x-amz-content-sha256"], createHash("sha256").update(part.bytes).digest("hex"))
      assert.strictEqual(del?.headers["x-amz-content-sha256"], S3.emptyPayloadSha256)
      assert.strictEqual(put?.headers["x-amz-security-token"], "tok/en+")
      assert.include(put?.headers.authorization ?? "", "x-amz-security-token")
      for (const r of recorded) assert.isTrue(yield* verifies(r))
    })
  )

  it.effect("without credentials requests go unsigned", () =>
    Effect.gen(function* () {
      const { recorded } = yield* withStore([{ status: 204 }], (store) => store.delete({ bucket: "b", key: "k" }), {
        credentials: undefined
      })
      assert.isUndefined(recorded[0]?.headers.authorization)
      assert.isUndefined(recorded[0]?.headers["x-amz-date"])
    })
  )
})

describe("S3 adapter errors", () => {
  it.effect("maps code, status, message and request id (body first, else x-amz-request-id)", () =>
    Effect.gen(function* () {
      const { result } = yield* withStore(
        [
          { status: 404, body: errorBody("NoSuchUpload", "body-id"), headers: { "x-amz-request-id": "hdr-id" } },
          { status: 400, body: errorBody("BadDigest") },
          { status: 403, headers: { "x-amz-request-id": "hdr-403" } },
          { status: 503, body: errorBody("SlowDown") },
          "network"
        ],
        (store) =>
          Effect.all([
            Effect.flip(store.listParts({ bucket: "b", key: "k", uploadId: "u" })),
            Effect.flip(store.uploadPart({ bucket: "b", key: "k", uploadId: "u", partNumber: 1, body: body("x") })),
            Effect.flip(store.head({ bucket: "b", key: "k" })),
            Effect.flip(store.putObject({ bucket: "b", key: "k", body: body("x") })),
            Effect.flip(store.delete({ bucket: "b", key: "k" }))
          ])
      )
      const [noUpload, digest, denied, slow, network] = result
      assert.deepInclude(noUpload, { code: "NoSuchUpload", status: 404, requestId: "body-id", operation: "ListParts" })
      assert.strictEqual(noUpload.message, "NoSuchUpload happened")
      assert.deepInclude(digest, { code: "BadDigest", status: 400, operation: "UploadPart" })
      assert.isFalse(isRetryable(digest))
      assert.deepInclude(denied, { code: "AccessDenied", status: 403, requestId: "hdr-403", operation: "HeadObject" })
      assert.isTrue(isRetryable(slow))
      assert.deepInclude(network, { reason: "Transport", status: 0, operation: "DeleteObject" })
      assert.isTrue(isRetryable(network))
    })
  )

  it.effect("names the region S3 expected when the scope's region is wrong", () =>
    Effect.gen(function* () {
      const { result } = yield* withStore(
        [{ status: 400, body: errorBody("AuthorizationHeaderMalformed", "r", "<Region>eu-central-1</Region>") }],
        (store) => Effect.flip(store.delete({ bucket: "b", key: "k" }))
      )
      assert.strictEqual(result.code, "AuthorizationHeaderMalformed")
      assert.include(result.message, "eu-central-1")
    })
  )
})

describe("S3 adapter clock skew", () => {
  const skewed = (extra: string, headers: Record<string, string> = {}): Scripted.Reply => ({
    status: 403,
    headers,
    body: errorBody("RequestTimeTooSkewed", "rs", extra)
  })

  it.effect("learns the offset from ServerTime, re-signs and retries once, and keeps it for later requests", () =>
    Effect.gen(function* () {
      const { recorded } = yield* withStore(
        [
          skewed("<RequestTime>19700101T000000Z</RequestTime><ServerTime>2030-01-02T03:04:05Z</ServerTime>"),
          { status: 204 },
          { status: 204 }
        ],
        (store) => Effect.all([store.delete({ bucket: "b", key: "k" }), store.delete({ bucket: "b", key: "k2" })])
      )
      assert.deepStrictEqual(
        recorded.map((r) => r.headers["x-amz-date"]),
        ["19700101T000000Z", "20300102T030405Z", "20300102T030405Z"]
      )
      assert.isTrue(yield* verifies(recorded[1] as Scripted.Recorded))
    })
  )

  it.effect("falls back to the Date header, and gives up after one retry", () =>
    Effect.gen(function* () {
      const date = { date: "Wed, 02 Jan 2030 03:04:05 GMT" }
      const { result, recorded } = yield* withStore([skewed("", date), skewed("", date)], (store) =>
        Effect.flip(store.delete({ bucket: "b", key: "k" }))
      )
      assert.strictEqual(result.code, "RequestTimeTooSkewed")
      assert.lengthOf(recorded, 2)
      assert.strictEqual(recorded[1]?.headers["x-amz-date"], "20300102T030405Z")
    })
  )
})

describe("S3 adapter clock skew on HEAD", () => {
  it.effect("a bodiless 403 with a Date far off is taken as skew; one with a close Date is not", () =>
    Effect.gen(function* () {
      const far = yield* withStore(
        [{ status: 403, headers: { date: "Wed, 02 Jan 2030 03:04:05 GMT" } }, { headers: { "content-length": "3" } }],
        (store) => store.head({ bucket: "b", key: "k" })
      )
      assert.deepStrictEqual(far.result, { sizeBytes: 3, etag: "" })
      assert.strictEqual(far.recorded[1]?.headers["x-amz-date"], "20300102T030405Z")
      const near = yield* withStore([{ status: 403, headers: { date: "Thu, 01 Jan 1970 00:01:00 GMT" } }], (store) =>
        Effect.flip(store.head({ bucket: "b", key: "k" }))
      )
      assert.strictEqual(near.result.code, "AccessDenied")
      assert.lengthOf(near.recorded, 1)
    })
  )
})

describe("S3 bucket creation", () => {
  const config = (region: string): S3ObjectStore.S3StoreConfig => ({ endpoint: local, region, credentials })
  const run = (region: string, replies: ReadonlyArray<Scripted.Reply>) => {
    const script = Scripted.make(replies)
    return Effect.map(
      Effect.exit(createBucket(config(region), "new-bucket").pipe(Effect.provide(script.layer))),
      (exit) => ({
        exit,
        recorded: script.recorded
      })
    )
  }

  it.effect("PUT /bucket, with a LocationConstraint outside us-east-1 only", () =>
    Effect.gen(function* () {
      const east = yield* run("us-east-1", [{}])
      assert.strictEqual(east.exit._tag, "Success")
      assert.strictEqual(`${east.recorded[0]?.method} ${east.recorded[0]?.url.pathname}`, "PUT /new-bucket")
      assert.lengthOf(east.recorded[0]?.body ?? [], 0)
      const west = yield* run("eu-west-1", [{}])
      const text = new TextDecoder().decode(west.recorded[0]?.body)
      assert.include(text, `<CreateBucketConfiguration ${ns}>`)
      assert.include(text, "<LocationConstraint>eu-west-1</LocationConstraint>")
      assert.isTrue(yield* verifies(west.recorded[0] as Scripted.Recorded, "eu-west-1"))
    })
  )

  it.effect("a bucket already owned is a success; one owned by someone else is an error", () =>
    Effect.gen(function* () {
      const owned = yield* run("us-east-1", [{ status: 409, body: errorBody("BucketAlreadyOwnedByYou") }])
      assert.strictEqual(owned.exit._tag, "Success")
      const exists = errorBody("BucketAlreadyExists")
      const mine = yield* run("us-east-1", [{ status: 409, body: exists }, {}])
      assert.strictEqual(mine.exit._tag, "Success")
      assert.strictEqual(mine.recorded[1]?.method, "HEAD")
      const theirs = yield* run("us-east-1", [{ status: 409, body: exists }, { status: 403 }])
      assert.strictEqual(theirs.exit._tag, "Failure")
      const denied = yield* run("us-east-1", [{ status: 403, body: errorBody("AccessDenied") }])
      assert.strictEqual(denied.exit._tag, "Failure")
      if (denied.exit._tag === "Failure") assert.include(String(denied.exit.cause), "CreateBucket")
    })
  )
})
