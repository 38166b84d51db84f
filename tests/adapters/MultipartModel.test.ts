/**
 * The multipart model against the protocol rules of /work/shared/docs/protocol.md §1, for both dialects.
 */
import { assert, describe, it } from "@effect/vitest"
import * as fc from "fast-check"
import { type ModelError, type ModelResult, MultipartModel } from "../../adapters/sim/MultipartModel.ts"
import { md5 } from "../../adapters/sim/multipartEtag.ts"
import * as Crc64 from "../../core/Crc64.ts"
import { type Dialect, type DialectLimits, limitsOf } from "../../core/Limits.ts"
import { toBase64, toHex } from "../../core/ports/Hasher.ts"
import * as Utf8 from "../../core/Utf8.ts"

const bucket = "bucket"

const unwrap = <A>(result: ModelResult<A>): A => {
  if (!result.ok) return assert.fail(`unexpected ${result.error.code}: ${result.error.message}`)
  return result.value
}

const errorOf = <A>(result: ModelResult<A>): ModelError => {
  if (result.ok) return assert.fail(`expected an error, got ${String(result.value)}`)
  return result.error
}

const assertError = <A>(result: ModelResult<A>, status: number, code: string): ModelError => {
  const error = errorOf(result)
  assert.strictEqual(error.code, code, error.message)
  assert.strictEqual(error.status, status)
  return error
}

/** Deterministic, distinguishable bytes. */
const bytesOf = (sizeBytes: number, seed: number): Uint8Array =>
  Uint8Array.from({ length: sizeBytes }, (_, i) => (i * 31 + seed * 17) & 0xff)

const concat = (...chunks: ReadonlyArray<Uint8Array>): Uint8Array => {
  const out = new Uint8Array(chunks.reduce((n, c) => n + c.length, 0))
  let offset = 0
  for (const chunk of chunks) {
    out.set(chunk, offset)
    offset += chunk.length
  }
  return out
}

/** Small limits keep most tests fast; the real minimum is used where the size rule itself is under test. */
const smallLimits = (dialect: Dialect, partSizeBytesMin = 16): DialectLimits => ({
  ...limitsOf(dialect),
  partSizeBytesMin
})

const setup = (dialect: Dialect, limits: DialectLimits = smallLimits(dialect)) => {
  const model = new MultipartModel({ dialect, limits })
  const start = (key = "k", nowMs = 0) => {
    const uploadId = unwrap(model.initiate({ bucket, key }, nowMs))
    const at = { bucket, key, uploadId }
    const put = (partNumber: number, bytes: Uint8Array) => unwrap(model.uploadPart({ ...at, partNumber, bytes }, nowMs))
    return { at, uploadId, put }
  }
  return { model, start }
}

const md5Hex = (dialect: Dialect, bytes: Uint8Array): string => {
  const hex = toHex(md5(bytes))
  return `"${dialect === "oss" ? hex.toUpperCase() : hex}"`
}

describe("MultipartModel", () => {
  it("makes upload ids from a padded counter, so lexicographic order is creation order", () => {
    const model = new MultipartModel({ dialect: "s3", limits: limitsOf("s3"), uploadIdPrefix: "id-" })
    const ids = Array.from({ length: 12 }, (_, i) => unwrap(model.initiate({ bucket, key: `k${i % 3}` }, i)))
    assert.strictEqual(ids[0], "id-000000000001")
    assert.deepStrictEqual([...ids].sort(), ids)
    assert.deepStrictEqual(
      model.liveUploads().map((u) => u.uploadId),
      ids
    )
    assert.deepStrictEqual(
      model.liveUploads().map((u) => u.initiatedAtMs),
      ids.map((_, i) => i)
    )
  })

  it('answers the protocol.md vector: S3 ETag and OSS CRC-64 of "upload part 1" + "upload part 2"', () => {
    const parts = [Utf8.encode("upload part 1"), Utf8.encode("upload part 2")]
    const complete = (dialect: Dialect) => {
      const { model, start } = setup(dialect, smallLimits(dialect, 1))
      const upload = start()
      const etags = parts.map((bytes, i) => upload.put(i + 1, bytes).etag)
      const result = unwrap(
        model.complete({ ...upload.at, parts: etags.map((etag, i) => ({ partNumber: i + 1, etag })) }, 0)
      )
      return { result, model }
    }
    const s3 = complete("s3")
    assert.strictEqual(s3.result.etag, '"8adc3cb5caffbed939dfd957be94b8ec-2"')
    assert.isUndefined(s3.result.crc64, "S3 reports no CRC-64")
    const s3Bytes = s3.model.objectBytes(bucket, "k")
    assert.isDefined(s3Bytes)
    assert.strictEqual(Crc64.compute(s3Bytes ?? new Uint8Array()), 13570749449290420744n)
    const oss = complete("oss")
    assert.strictEqual(oss.result.etag, '"8ADC3CB5CAFFBED939DFD957BE94B8EC-2"')
    assert.strictEqual(oss.result.crc64, 13570749449290420744n)
  })

  it("orders ListMultipartUploads keys by code point (UTF-8 order), not UTF-16 units", () => {
    const { model, start } = setup("s3")
    start("\u{10000}")
    start("\uffff")
    const page = unwrap(model.listUploads({ bucket }))
    assert.deepStrictEqual(
      page.uploads.map((u) => u.key),
      ["\uffff", "\u{10000}"]
    )
  })

  for (const dialect of ["oss", "s3"] as const) {
    describe(dialect, () => {
      describe("UploadPart", () => {
        it("returns the quoted MD5 hex ETag in the dialect's case, and the CRC-64 only on OSS", () => {
          const { start } = setup(dialect)
          const bytes = Utf8.encode("upload part 1")
          const stored = start().put(1, bytes)
          assert.strictEqual(
            stored.etag,
            dialect === "oss" ? '"BCE8F3D48247C5D555BB5697BF277B35"' : '"bce8f3d48247c5d555bb5697bf277b35"'
          )
          assert.strictEqual(stored.crc64, dialect === "oss" ? 6571598172666981661n : undefined)
        })

        it("accepts part numbers 1..partCountMax and rejects others with InvalidArgument", () => {
          const { model, start } = setup(dialect)
          const { at, put } = start()
          put(1, bytesOf(1, 1))
          put(10_000, bytesOf(1, 2))
          for (const partNumber of [0, -1, 10_001, 1.5, Number.NaN]) {
            const error = assertError(
              model.uploadPart({ ...at, partNumber, bytes: bytesOf(1, 3) }, 0),
              400,
              "InvalidArgument"
            )
            assert.strictEqual(error.extra?.ArgumentName, "PartNumber")
            assert.strictEqual(error.extra?.ArgumentValue, String(partNumber))
          }
          assert.deepStrictEqual(model.liveUploads()[0]?.partNumbers, [1, 10_000])
        })

        it("answers NoSuchUpload for an unknown id or an id used with another key or bucket", () => {
          const { model, start } = setup(dialect)
          const { at } = start("a")
          const part = { partNumber: 1, bytes: bytesOf(4, 1) }
          const error = assertError(model.uploadPart({ ...at, uploadId: "nope", ...part }, 0), 404, "NoSuchUpload")
          assert.strictEqual(error.extra?.UploadId, "nope")
          assertError(model.uploadPart({ ...at, key: "b", ...part }, 0), 404, "NoSuchUpload")
          assertError(model.uploadPart({ ...at, bucket: "other", ...part }, 0), 404, "NoSuchUpload")
        })

        it("checks Content-MD5: right accepted, wrong is InvalidDigest (OSS) / BadDigest (S3), malformed InvalidDigest", () => {
          const { model, start } = setup(dialect)
          const { at } = start()
          const bytes = bytesOf(100, 1)
          const right = toBase64(md5(bytes))
          const wrong = toBase64(md5(bytesOf(100, 2)))
          unwrap(model.uploadPart({ ...at, partNumber: 1, bytes, md5Base64: right }, 0))
          assertError(
            model.uploadPart({ ...at, partNumber: 2, bytes, md5Base64: wrong }, 0),
            400,
            dialect === "oss" ? "InvalidDigest" : "BadDigest"
          )
          for (const malformed of ["", "abc", toHex(md5(bytes)), `${"!".repeat(22)}==`, right.slice(0, 22)]) {
            assertError(
              model.uploadPart({ ...at, partNumber: 3, bytes, md5Base64: malformed }, 0),
              400,
              "InvalidDigest"
            )
          }
          assert.deepStrictEqual(model.liveUploads()[0]?.partNumbers, [1], "rejected bodies are not stored")
        })

        it("copies the bytes, so the caller may reuse its buffer", () => {
          const { model, start } = setup(dialect)
          const { at, put } = start()
          const buffer = bytesOf(32, 1)
          const expected = new Uint8Array(buffer)
          const { etag } = put(1, buffer)
          buffer.fill(0)
          unwrap(model.complete({ ...at, parts: [{ partNumber: 1, etag }] }, 0))
          assert.deepStrictEqual(model.objectBytes(bucket, "k"), expected)
        })

        it("does not check part size (the minimum is enforced at Complete only)", () => {
          const { start } = setup(dialect, limitsOf(dialect))
          const { put } = start()
          put(1, bytesOf(1, 1))
          put(2, new Uint8Array(0))
        })

        it("rejects a part above partSizeBytesMax with EntityTooLarge", () => {
          const { model, start } = setup(dialect, { ...smallLimits(dialect), partSizeBytesMax: 64 })
          const { at, put } = start()
          put(1, bytesOf(64, 1))
          assertError(model.uploadPart({ ...at, partNumber: 2, bytes: bytesOf(65, 1) }, 0), 400, "EntityTooLarge")
        })
      })

      describe("CompleteMultipartUpload", () => {
        it("stores the concatenation of the listed parts and returns the -N ETag and combined CRC-64", () => {
          const { model, start } = setup(dialect)
          const { at, put } = start()
          const bodies = [bytesOf(20, 1), bytesOf(30, 2), bytesOf(5, 3)]
          const parts = bodies.map((bytes, i) => ({ partNumber: i * 2 + 1, etag: put(i * 2 + 1, bytes).etag }))
          const result = unwrap(model.complete({ ...at, parts }, 0))
          const object = concat(...bodies)
          assert.deepStrictEqual(model.objectBytes(bucket, "k"), object)
          assert.match(result.etag, dialect === "oss" ? /^"[0-9A-F]{32}-3"$/ : /^"[0-9a-f]{32}-3"$/)
          assert.strictEqual(result.crc64, dialect === "oss" ? Crc64.compute(object) : undefined)
          const info = unwrap(model.head({ bucket, key: "k" }))
          assert.deepStrictEqual(
            info,
            dialect === "oss"
              ? { sizeBytes: 55, etag: result.etag, crc64: Crc64.compute(object) }
              : { sizeBytes: 55, etag: result.etag }
          )
        })

        it("accepts ETags without quotes and in either case", () => {
          const { model, start } = setup(dialect)
          const { at, put } = start()
          const etag = put(1, bytesOf(20, 1)).etag
          const mangled = dialect === "oss" ? etag.replace(/"/g, "").toLowerCase() : etag.toUpperCase()
          unwrap(model.complete({ ...at, parts: [{ partNumber: 1, etag: mangled }] }, 0))
        })

        it("uses the latest upload of an overwritten part: the old ETag is InvalidPart, the new one completes", () => {
          const { model, start } = setup(dialect)
          const { at, put } = start()
          const first = put(1, bytesOf(20, 1)).etag
          const second = put(1, bytesOf(20, 2)).etag
          assert.notStrictEqual(first, second)
          assertError(model.complete({ ...at, parts: [{ partNumber: 1, etag: first }] }, 0), 400, "InvalidPart")
          unwrap(model.complete({ ...at, parts: [{ partNumber: 1, etag: second }] }, 0))
          assert.deepStrictEqual(model.objectBytes(bucket, "k"), bytesOf(20, 2))
        })

        it("discards uploaded parts that are not listed", () => {
          const { model, start } = setup(dialect)
          const { at, put } = start()
          const e1 = put(1, bytesOf(20, 1)).etag
          put(2, bytesOf(20, 2))
          const e3 = put(3, bytesOf(20, 3)).etag
          unwrap(
            model.complete(
              {
                ...at,
                parts: [
                  { partNumber: 1, etag: e1 },
                  { partNumber: 3, etag: e3 }
                ]
              },
              0
            )
          )
          assert.deepStrictEqual(model.objectBytes(bucket, "k"), concat(bytesOf(20, 1), bytesOf(20, 3)))
          assert.deepStrictEqual(model.liveUploads(), [])
        })

        it("rejects an empty part list with MalformedXML", () => {
          const { model, start } = setup(dialect)
          const { at, put } = start()
          put(1, bytesOf(20, 1))
          assertError(model.complete({ ...at, parts: [] }, 0), 400, "MalformedXML")
        })

        it("rejects descending or repeated part numbers with InvalidPartOrder, before checking the parts", () => {
          const { model, start } = setup(dialect)
          const { at, put } = start()
          const e1 = put(1, bytesOf(20, 1)).etag
          const e2 = put(2, bytesOf(20, 2)).etag
          const p1 = { partNumber: 1, etag: e1 }
          const p2 = { partNumber: 2, etag: e2 }
          assertError(model.complete({ ...at, parts: [p2, p1] }, 0), 400, "InvalidPartOrder")
          assertError(model.complete({ ...at, parts: [p1, p1] }, 0), 400, "InvalidPartOrder")
          const missing = { partNumber: 9, etag: e1 }
          assertError(model.complete({ ...at, parts: [missing, p1] }, 0), 400, "InvalidPartOrder")
        })

        it("rejects a wrong ETag or a never-uploaded part with InvalidPart, before checking sizes", () => {
          const { model, start } = setup(dialect)
          const { at, put } = start()
          const e1 = put(1, bytesOf(1, 1)).etag
          const e2 = put(2, bytesOf(20, 2)).etag
          const wrong = assertError(
            model.complete(
              {
                ...at,
                parts: [
                  { partNumber: 1, etag: e1 },
                  { partNumber: 2, etag: e1 }
                ]
              },
              0
            ),
            400,
            "InvalidPart"
          )
          assert.strictEqual(wrong.extra?.PartNumber, "2")
          // Part 1 is too small as a non-last part, but the unknown part 3 is reported first.
          assertError(
            model.complete(
              {
                ...at,
                parts: [
                  { partNumber: 1, etag: e1 },
                  { partNumber: 3, etag: e2 }
                ]
              },
              0
            ),
            400,
            "InvalidPart"
          )
        })

        it("enforces the real minimum part size on non-last parts only", () => {
          const limits = limitsOf(dialect)
          const min = limits.partSizeBytesMin
          const { model, start } = setup(dialect, limits)
          const small = start("small")
          const e1 = small.put(1, bytesOf(min - 1, 1)).etag
          const e2 = small.put(2, bytesOf(10, 2)).etag
          const error = assertError(
            model.complete(
              {
                ...small.at,
                parts: [
                  { partNumber: 1, etag: e1 },
                  { partNumber: 2, etag: e2 }
                ]
              },
              0
            ),
            400,
            "EntityTooSmall"
          )
          assert.strictEqual(error.extra?.PartNumber, "1")
          // The failed Complete left the upload usable: fix part 1 and complete with a small last part.
          const fixed = small.put(1, bytesOf(min, 3)).etag
          unwrap(
            model.complete(
              {
                ...small.at,
                parts: [
                  { partNumber: 1, etag: fixed },
                  { partNumber: 2, etag: e2 }
                ]
              },
              0
            )
          )
          assert.strictEqual(model.objectBytes(bucket, "small")?.length, min + 10)
          const single = start("single")
          const only = single.put(1, bytesOf(3, 4)).etag
          unwrap(model.complete({ ...single.at, parts: [{ partNumber: 1, etag: only }] }, 0))
          assert.deepStrictEqual(model.objectBytes(bucket, "single"), bytesOf(3, 4))
        })

        it("kills the upload id: later UploadPart, ListParts, Complete and Abort answer NoSuchUpload", () => {
          const { model, start } = setup(dialect)
          const { at, put } = start()
          const parts = [{ partNumber: 1, etag: put(1, bytesOf(20, 1)).etag }]
          unwrap(model.complete({ ...at, parts }, 0))
          assertError(model.uploadPart({ ...at, partNumber: 2, bytes: bytesOf(1, 1) }, 0), 404, "NoSuchUpload")
          assertError(model.listParts(at), 404, "NoSuchUpload")
          assertError(model.complete({ ...at, parts }, 0), 404, "NoSuchUpload")
          assertError(model.abort(at), 404, "NoSuchUpload")
        })

        it("replaces the previous object and leaves other uploads of the key alive", () => {
          const { model, start } = setup(dialect)
          unwrap(model.putObject({ bucket, key: "k", bytes: bytesOf(100, 9) }, 0))
          const a = start()
          const b = start()
          unwrap(model.complete({ ...a.at, parts: [{ partNumber: 1, etag: a.put(1, bytesOf(5, 1)).etag }] }, 0))
          assert.deepStrictEqual(model.objectBytes(bucket, "k"), bytesOf(5, 1))
          assert.deepStrictEqual(
            model.liveUploads().map((u) => u.uploadId),
            [b.uploadId]
          )
          unwrap(model.complete({ ...b.at, parts: [{ partNumber: 1, etag: b.put(1, bytesOf(6, 2)).etag }] }, 0))
          assert.deepStrictEqual(model.objectBytes(bucket, "k"), bytesOf(6, 2))
        })

        it("answers NoSuchUpload for an unknown upload id", () => {
          const { model } = setup(dialect)
          assertError(model.complete({ bucket, key: "k", uploadId: "x", parts: [] }, 0), 404, "NoSuchUpload")
        })

        it(
          dialect === "oss"
            ? "completeAll uses every uploaded part in order and refuses a part list"
            : "completeAll is an OSS-only option",
          () => {
            const { model, start } = setup(dialect)
            const { at, put } = start()
            const e2 = put(2, bytesOf(20, 2)).etag
            put(1, bytesOf(20, 1))
            put(5, bytesOf(3, 5))
            assertError(
              model.complete({ ...at, parts: [{ partNumber: 2, etag: e2 }], completeAll: true }, 0),
              400,
              "InvalidArgument"
            )
            const all = model.complete({ ...at, parts: [], completeAll: true }, 0)
            if (dialect === "s3") {
              assertError(all, 400, "InvalidArgument")
              return
            }
            unwrap(all)
            assert.deepStrictEqual(
              model.objectBytes(bucket, "k"),
              concat(bytesOf(20, 1), bytesOf(20, 2), bytesOf(3, 5))
            )
            const empty = start("empty")
            assertError(model.complete({ ...empty.at, parts: [], completeAll: true }, 0), 400, "InvalidPart")
            const tooSmall = start("too-small")
            tooSmall.put(1, bytesOf(1, 1))
            tooSmall.put(2, bytesOf(1, 1))
            assertError(model.complete({ ...tooSmall.at, parts: [], completeAll: true }, 0), 400, "EntityTooSmall")
          }
        )
      })

      describe("AbortMultipartUpload and expiry", () => {
        it("abort kills the upload; everything afterwards answers NoSuchUpload", () => {
          const { model, start } = setup(dialect)
          const { at, put } = start()
          const parts = [{ partNumber: 1, etag: put(1, bytesOf(20, 1)).etag }]
          unwrap(model.abort(at))
          assertError(model.abort(at), 404, "NoSuchUpload")
          assertError(model.uploadPart({ ...at, partNumber: 1, bytes: bytesOf(1, 1) }, 0), 404, "NoSuchUpload")
          assertError(model.listParts(at), 404, "NoSuchUpload")
          assertError(model.complete({ ...at, parts }, 0), 404, "NoSuchUpload")
          assert.isUndefined(unwrap(model.head({ bucket, key: "k" })))
          assertError(model.abort({ ...at, uploadId: "never" }), 404, "NoSuchUpload")
        })

        it("expireUploads removes uploads initiated more than olderThanMs ago", () => {
          const { model, start } = setup(dialect)
          const old = start("a", 1_000)
          const edge = start("b", 5_000)
          const young = start("c", 9_000)
          old.put(1, bytesOf(20, 1))
          assert.deepStrictEqual(model.expireUploads(5_000, 10_000), [old.uploadId])
          assert.deepStrictEqual(
            model.liveUploads().map((u) => u.uploadId),
            [edge.uploadId, young.uploadId]
          )
          assertError(model.uploadPart({ ...old.at, partNumber: 2, bytes: bytesOf(1, 1) }, 0), 404, "NoSuchUpload")
          assertError(model.listParts(old.at), 404, "NoSuchUpload")
          assertError(model.complete({ ...old.at, parts: [] }, 0), 404, "NoSuchUpload")
          assert.deepStrictEqual(model.expireUploads(5_000, 10_001), [edge.uploadId])
        })

        it("expireUpload kills one upload and reports whether it was live", () => {
          const { model, start } = setup(dialect)
          const a = start("a")
          const b = start("a")
          assert.isTrue(model.expireUpload(a.uploadId))
          assert.isFalse(model.expireUpload(a.uploadId))
          assertError(model.abort(a.at), 404, "NoSuchUpload")
          unwrap(model.abort(b.at))
        })
      })

      describe("ListParts", () => {
        const withParts = (count: number) => {
          const { model, start } = setup(dialect)
          const upload = start()
          for (let n = 1; n <= count; n++) upload.put(n, bytesOf(n % 7, n))
          return { model, at: upload.at }
        }

        it("pages 2500 parts by 1000 with an exclusive marker", () => {
          const { at, model } = withParts(2500)
          const pages = []
          let marker: number | undefined
          for (let i = 0; i < 10; i++) {
            const page = unwrap(
              model.listParts({ ...at, maxParts: 1000, ...(marker === undefined ? {} : { partNumberMarker: marker }) })
            )
            pages.push(page)
            if (!page.isTruncated) break
            marker = page.nextPartNumberMarker
          }
          assert.deepStrictEqual(
            pages.map((p) => p.parts.length),
            [1000, 1000, 500]
          )
          assert.deepStrictEqual(
            pages.map((p) => p.nextPartNumberMarker),
            [1000, 2000, undefined]
          )
          assert.deepStrictEqual(
            pages.map((p) => p.isTruncated),
            [true, true, false]
          )
          const numbers = pages.flatMap((p) => p.parts.map((part) => part.partNumber))
          assert.deepStrictEqual(
            numbers,
            Array.from({ length: 2500 }, (_, i) => i + 1)
          )
          const part = pages[0]?.parts[6]
          assert.deepStrictEqual(
            part,
            dialect === "oss"
              ? { partNumber: 7, sizeBytes: 0, etag: md5Hex(dialect, bytesOf(0, 7)), crc64: 0n }
              : { partNumber: 7, sizeBytes: 0, etag: md5Hex(dialect, bytesOf(0, 7)) }
          )
          const eighth = pages[0]?.parts[7]
          assert.strictEqual(eighth?.sizeBytes, 1)
          assert.strictEqual(eighth?.crc64, dialect === "oss" ? Crc64.compute(bytesOf(1, 8)) : undefined)
        })

        it("starts after an arbitrary marker, defaults and clamps the page size to 1000", () => {
          const { at, model } = withParts(2500)
          const after = unwrap(model.listParts({ ...at, partNumberMarker: 1234, maxParts: 3 }))
          assert.deepStrictEqual(
            after.parts.map((p) => p.partNumber),
            [1235, 1236, 1237]
          )
          assert.strictEqual(after.nextPartNumberMarker, 1237)
          assert.strictEqual(unwrap(model.listParts(at)).parts.length, 1000)
          assert.strictEqual(unwrap(model.listParts({ ...at, maxParts: 5000 })).parts.length, 1000)
          const tail = unwrap(model.listParts({ ...at, partNumberMarker: 2500 }))
          assert.deepStrictEqual(tail, { parts: [], isTruncated: false })
          assertError(model.listParts({ ...at, maxParts: 0 }), 400, "InvalidArgument")
          assertError(model.listParts({ ...at, partNumberMarker: -1 }), 400, "InvalidArgument")
        })

        it("lists sparse part numbers in ascending order whatever the upload order", () => {
          const { model, start } = setup(dialect)
          const { at, put } = start()
          for (const n of [9, 3, 10_000, 1]) put(n, bytesOf(1, n))
          const page = unwrap(model.listParts({ ...at, maxParts: 3 }))
          assert.deepStrictEqual(
            page.parts.map((p) => p.partNumber),
            [1, 3, 9]
          )
          assert.strictEqual(page.nextPartNumberMarker, 9)
        })
      })

      describe("ListMultipartUploads", () => {
        const populate = () => {
          const { model, start } = setup(dialect)
          // Interleaved creation, so within-key order must come from initiation order, not insertion by key.
          const plan = ["b", "a", "b", "c/1", "a", "b", "c/2", "a"]
          const ids = plan.map((key, i) => ({ key, uploadId: start(key, i * 10).uploadId, initiatedAtMs: i * 10 }))
          start("x", 0)
          unwrap(model.initiate({ bucket: "other-bucket", key: "a" }, 0))
          const expected = [
            ...ids,
            { key: "x", uploadId: model.liveUploads()[8]?.uploadId ?? "", initiatedAtMs: 0 }
          ].sort((p, q) => (p.key < q.key ? -1 : p.key > q.key ? 1 : p.uploadId < q.uploadId ? -1 : 1))
          return { model, expected }
        }

        it("lists one bucket's uploads sorted by key, then initiation order", () => {
          const { expected, model } = populate()
          const page = unwrap(model.listUploads({ bucket }))
          assert.deepStrictEqual(page, { uploads: expected, isTruncated: false })
        })

        it("pages with NextKeyMarker/NextUploadIdMarker through several uploads of one key", () => {
          const { expected, model } = populate()
          const seen = []
          let markers: { keyMarker?: string; uploadIdMarker?: string } = {}
          for (let i = 0; i < 20; i++) {
            const page = unwrap(model.listUploads({ bucket, maxUploads: 2, ...markers }))
            seen.push(...page.uploads)
            if (!page.isTruncated) break
            const last = page.uploads.at(-1)
            assert.strictEqual(page.nextKeyMarker, last?.key)
            assert.strictEqual(page.nextUploadIdMarker, last?.uploadId)
            markers = { keyMarker: page.nextKeyMarker ?? "", uploadIdMarker: page.nextUploadIdMarker ?? "" }
          }
          assert.deepStrictEqual(seen, expected)
        })

        it("keyMarker alone lists only greater keys; with uploadIdMarker, later uploads of that key first", () => {
          const { expected, model } = populate()
          const onlyGreater = unwrap(model.listUploads({ bucket, keyMarker: "b" }))
          assert.deepStrictEqual(
            onlyGreater.uploads.map((u) => u.key),
            ["c/1", "c/2", "x"]
          )
          const bIds = expected.filter((u) => u.key === "b").map((u) => u.uploadId)
          const fromSecondB = unwrap(model.listUploads({ bucket, keyMarker: "b", uploadIdMarker: bIds[0] ?? "" }))
          assert.deepStrictEqual(
            fromSecondB.uploads.map((u) => u.uploadId),
            [...bIds.slice(1), ...expected.filter((u) => u.key > "b").map((u) => u.uploadId)]
          )
          const betweenKeys = unwrap(model.listUploads({ bucket, keyMarker: "a0" }))
          assert.deepStrictEqual(betweenKeys.uploads[0]?.key, "b")
        })

        it("filters by prefix, also combined with markers", () => {
          const { model } = populate()
          const c = unwrap(model.listUploads({ bucket, prefix: "c/" }))
          assert.deepStrictEqual(
            c.uploads.map((u) => u.key),
            ["c/1", "c/2"]
          )
          const cAfter = unwrap(model.listUploads({ bucket, prefix: "c/", keyMarker: "c/1" }))
          assert.deepStrictEqual(
            cAfter.uploads.map((u) => u.key),
            ["c/2"]
          )
          assert.deepStrictEqual(unwrap(model.listUploads({ bucket, prefix: "zzz" })).uploads, [])
          assertError(model.listUploads({ bucket, maxUploads: -3 }), 400, "InvalidArgument")
        })
      })

      describe("objects", () => {
        it("PutObject stores the bytes with an MD5 ETag, checks Content-MD5 and the size limit", () => {
          const { model } = setup(dialect, { ...smallLimits(dialect), partSizeBytesMax: 1000 })
          const bytes = bytesOf(300, 1)
          const ref = { bucket, key: "p" }
          const stored = unwrap(model.putObject({ ...ref, bytes, md5Base64: toBase64(md5(bytes)) }, 0))
          assert.strictEqual(stored.etag, md5Hex(dialect, bytes))
          assert.strictEqual(stored.crc64, dialect === "oss" ? Crc64.compute(bytes) : undefined)
          assertError(
            model.putObject({ ...ref, bytes, md5Base64: toBase64(md5(bytesOf(3, 3))) }, 0),
            400,
            dialect === "oss" ? "InvalidDigest" : "BadDigest"
          )
          assertError(model.putObject({ ...ref, bytes, md5Base64: "not base64" }, 0), 400, "InvalidDigest")
          assertError(model.putObject({ ...ref, bytes: bytesOf(1001, 1) }, 0), 400, "EntityTooLarge")
          assert.deepStrictEqual(model.objectBytes(bucket, "p"), bytes, "failed puts leave the object alone")
        })

        it("head, ranged get and delete", () => {
          const { model } = setup(dialect)
          const ref = { bucket, key: "o" }
          const bytes = bytesOf(10, 1)
          unwrap(model.putObject({ ...ref, bytes, contentType: "text/plain", metadata: { a: "1" } }, 0))
          const info = unwrap(model.head(ref))
          assert.strictEqual(info?.sizeBytes, 10)
          assert.strictEqual(info?.contentType, "text/plain")
          assert.deepStrictEqual(info?.metadata, { a: "1" })
          assert.deepStrictEqual(unwrap(model.get(ref)), bytes)
          assert.deepStrictEqual(unwrap(model.get({ ...ref, range: [2, 5] })), bytes.slice(2, 5))
          assert.deepStrictEqual(unwrap(model.get({ ...ref, range: [-4, 99] })), bytes)
          assert.deepStrictEqual(unwrap(model.get({ ...ref, range: [8, 3] })), new Uint8Array(0))
          assert.deepStrictEqual(unwrap(model.get({ ...ref, range: [50, 60] })), new Uint8Array(0))
          unwrap(model.get(ref)).fill(0)
          assert.deepStrictEqual(model.objectBytes(bucket, "o"), bytes, "get returns a copy")
          unwrap(model.delete(ref))
          assert.isUndefined(unwrap(model.head(ref)))
          assertError(model.get(ref), 404, "NoSuchKey")
          unwrap(model.delete(ref))
          unwrap(model.delete({ bucket: "never-used", key: "x" }))
        })

        it("treats keys as opaque strings and buckets as separate namespaces", () => {
          const { model } = setup(dialect)
          const keys = ["a/b", "a//b", "../x", "./a/b", " ", "a\\b", "\u{1F600}/\u00e9", "a/b/"]
          for (const [i, key] of keys.entries()) unwrap(model.putObject({ bucket, key, bytes: bytesOf(1, i) }, 0))
          unwrap(model.putObject({ bucket: "other", key: "a/b", bytes: bytesOf(2, 99) }, 0))
          for (const [i, key] of keys.entries()) {
            assert.deepStrictEqual(model.objectBytes(bucket, key), bytesOf(1, i), key)
          }
          assert.isUndefined(model.objectBytes(bucket, "x"))
          assert.deepStrictEqual(model.objectBytes("other", "a/b"), bytesOf(2, 99))
        })

        it("carries Initiate's content type and metadata to the completed object", () => {
          const { model } = setup(dialect)
          const uploadId = unwrap(
            model.initiate({ bucket, key: "m", contentType: "image/png", metadata: { x: "y" } }, 0)
          )
          const at = { bucket, key: "m", uploadId }
          const etag = unwrap(model.uploadPart({ ...at, partNumber: 1, bytes: bytesOf(4, 1) }, 0)).etag
          unwrap(model.complete({ ...at, parts: [{ partNumber: 1, etag }] }, 0))
          const info = unwrap(model.head({ bucket, key: "m" }))
          assert.strictEqual(info?.contentType, "image/png")
          assert.deepStrictEqual(info?.metadata, { x: "y" })
        })
      })

      it("property: completing every uploaded part with the last-seen ETags yields the latest bytes per part", () => {
        const partSizeBytesMin = 16
        const uploads = fc.array(
          fc.record({
            partNumber: fc.integer({ min: 1, max: 12 }),
            bytes: fc.uint8Array({ minLength: partSizeBytesMin, maxLength: 80 })
          }),
          { minLength: 1, maxLength: 30 }
        )
        fc.assert(
          fc.property(uploads, fc.uint8Array({ maxLength: 40 }), (sequence, lastBytes) => {
            const { model, start } = setup(dialect, smallLimits(dialect, partSizeBytesMin))
            const { at, put } = start()
            const latest = new Map<number, { bytes: Uint8Array; etag: string }>()
            for (const { bytes, partNumber } of sequence)
              latest.set(partNumber, { bytes, etag: put(partNumber, bytes).etag })
            // The last part is exempt from the minimum, so give it any size, even zero.
            const lastNumber = Math.max(...latest.keys()) + 1
            latest.set(lastNumber, { bytes: lastBytes, etag: put(lastNumber, lastBytes).etag })
            const numbers = [...latest.keys()].sort((a, b) => a - b)
            const parts = numbers.map((partNumber) => ({ partNumber, etag: latest.get(partNumber)?.etag ?? "" }))
            const result = unwrap(model.complete({ ...at, parts }, 0))
            const expected = concat(...numbers.map((n) => latest.get(n)?.bytes ?? new Uint8Array()))
            assert.deepStrictEqual(model.objectBytes(bucket, "k"), expected)
            assert.isTrue(result.etag.endsWith(`-${numbers.length}"`))
            if (dialect === "oss") assert.strictEqual(result.crc64, Crc64.compute(expected))
            assert.deepStrictEqual(model.liveUploads(), [])
          }),
          { seed: 20_240_601, numRuns: 200 }
        )
      })
    })
  }
})
