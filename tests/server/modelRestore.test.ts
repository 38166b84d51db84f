/**
 * The multipart model's persistence hooks that the local server relies on: snapshots of uploads and objects, part
 * write times, and restoring both after a restart (ids continue past restored ones, multipart ETags survive).
 */
import { assert, describe, it } from "@effect/vitest"
import { type ModelResult, MultipartModel } from "../../adapters/sim/MultipartModel.ts"
import { ossLimits } from "../../core/Limits.ts"

const unwrap = <A>(result: ModelResult<A>): A => {
  if (!result.ok) return assert.fail(`unexpected ${result.error.code}`)
  return result.value
}

const limits = { ...ossLimits, partSizeBytesMin: 1 }
const bucket = "b"

describe("MultipartModel persistence hooks", () => {
  it("snapshots uploads and objects, with write times", () => {
    const model = new MultipartModel({ dialect: "oss", limits })
    const uploadId = unwrap(model.initiate({ bucket, key: "k", contentType: "text/plain", metadata: { a: "1" } }, 5))
    assert.deepStrictEqual(model.uploadSnapshot(uploadId), {
      bucket,
      key: "k",
      uploadId,
      initiatedAtMs: 5,
      contentType: "text/plain",
      metadata: { a: "1" }
    })
    const at = { bucket, key: "k", uploadId }
    unwrap(model.uploadPart({ ...at, partNumber: 2, bytes: new Uint8Array([1]) }, 10))
    unwrap(model.uploadPart({ ...at, partNumber: 1, bytes: new Uint8Array([2]) }, 20))
    assert.deepStrictEqual([...unwrap(model.partTimes(at))].sort(), [
      [1, 20],
      [2, 10]
    ])
    assert.strictEqual(model.partTimes({ ...at, key: "other" }).ok, false)
    const { etag } = unwrap(model.complete({ ...at, parts: [], completeAll: true }, 30))
    assert.isUndefined(model.uploadSnapshot(uploadId))
    const object = model.objectSnapshot(bucket, "k")
    assert.strictEqual(object?.etag, etag)
    assert.strictEqual(object?.modifiedAtMs, 30)
    assert.deepStrictEqual(object?.bytes, new Uint8Array([2, 1]))
    assert.strictEqual(object?.contentType, "text/plain")
    assert.isUndefined(model.objectSnapshot(bucket, "missing"))
  })

  it("restores uploads and objects; new ids never repeat restored ones", () => {
    const model = new MultipartModel({ dialect: "oss", limits, uploadIdPrefix: "id-" })
    assert.isTrue(model.restoreUpload({ bucket, key: "k", uploadId: "id-000000000041", initiatedAtMs: 1 }))
    assert.isFalse(model.restoreUpload({ bucket, key: "k", uploadId: "id-000000000041", initiatedAtMs: 1 }))
    assert.isTrue(model.restoreUpload({ bucket, key: "x", uploadId: "foreign-7", initiatedAtMs: 2 }))
    assert.strictEqual(unwrap(model.initiate({ bucket, key: "k" }, 3)), "id-000000000042")
    unwrap(
      model.uploadPart({ bucket, key: "k", uploadId: "id-000000000041", partNumber: 1, bytes: new Uint8Array(3) }, 4)
    )
    assert.deepStrictEqual(model.liveUploads()[0]?.partNumbers, [1])
    const bytes = new Uint8Array([9, 9])
    model.restoreObject({ bucket, key: "o", bytes, etag: '"ABC-2"', crc64: 7n, modifiedAtMs: 8, metadata: { m: "v" } })
    const info = unwrap(model.head({ bucket, key: "o" }))
    assert.deepStrictEqual(info, { sizeBytes: 2, etag: '"ABC-2"', crc64: 7n, metadata: { m: "v" } })
    assert.strictEqual(model.objectSnapshot(bucket, "o")?.modifiedAtMs, 8)
  })
})
