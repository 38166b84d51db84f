/**
 * The server's disk storage engine and the simulator's in-memory MultipartModel, driven through the same random
 * sequences of operations (fast-check), must agree on every result: the same error codes, ETags and CRC-64s, the
 * same ListParts pages and ListMultipartUploads keys, the same object bytes, ranges included. Both take their rules
 * from MultipartRules.ts; this shows the engine adds nothing of its own on top.
 */
import { createHash } from "node:crypto"
import { assert, describe, it } from "@effect/vitest"
import fc from "fast-check"
import type { BodySink } from "../../adapters/server/bodyReceipt.ts"
import { ServerStore } from "../../adapters/server/ServerStore.ts"
import { type ModelResult, MultipartModel } from "../../adapters/sim/MultipartModel.ts"
import * as Crc64 from "../../core/Crc64.ts"
import { ossLimits } from "../../core/Limits.ts"

const limits = { ...ossLimits, partSizeBytesMin: 8, listPageSizeMax: 3 }
const bucket = "b"
const keys = ["k1", "k2", "a/é"]
const md5Of = (bytes: Uint8Array) => new Uint8Array(createHash("md5").update(bytes).digest())
const bytesOf = (sizeBytes: number, seed: number) =>
  Uint8Array.from({ length: sizeBytes }, (_, i) => (i * 7 + seed) & 255)

type Op =
  | { readonly kind: "initiate"; readonly key: number }
  | {
      readonly kind: "part"
      readonly upload: number
      readonly partNumber: number
      readonly size: number
      readonly seed: number
      readonly md5: "none" | "good" | "bad" | "malformed"
    }
  | { readonly kind: "listParts"; readonly upload: number; readonly marker: number; readonly maxParts: number }
  | {
      readonly kind: "complete"
      readonly upload: number
      readonly picks: ReadonlyArray<number>
      readonly wrongEtag: boolean
      readonly all: boolean
    }
  | { readonly kind: "abort"; readonly upload: number }
  | { readonly kind: "put"; readonly key: number; readonly size: number; readonly seed: number }
  | { readonly kind: "get"; readonly key: number; readonly start: number; readonly end: number }
  | { readonly kind: "delete"; readonly key: number }
  | { readonly kind: "listUploads"; readonly maxUploads: number }

const op: fc.Arbitrary<Op> = fc.oneof(
  fc.record({ kind: fc.constant("initiate" as const), key: fc.nat(2) }),
  fc.record({
    kind: fc.constant("part" as const),
    upload: fc.nat(4),
    partNumber: fc.oneof(fc.integer({ min: 1, max: 5 }), fc.constantFrom(0, 10_001)),
    size: fc.oneof(fc.integer({ min: 0, max: 7 }), fc.integer({ min: 8, max: 40 })),
    seed: fc.nat(255),
    md5: fc.constantFrom("none" as const, "good" as const, "bad" as const, "malformed" as const)
  }),
  fc.record({
    kind: fc.constant("listParts" as const),
    upload: fc.nat(4),
    marker: fc.nat(6),
    maxParts: fc.integer({ min: 1, max: 4 })
  }),
  fc.record({
    kind: fc.constant("complete" as const),
    upload: fc.nat(4),
    picks: fc.array(fc.integer({ min: 1, max: 6 }), { maxLength: 5 }),
    wrongEtag: fc.boolean(),
    all: fc.boolean()
  }),
  fc.record({ kind: fc.constant("abort" as const), upload: fc.nat(4) }),
  fc.record({ kind: fc.constant("put" as const), key: fc.nat(2), size: fc.nat(30), seed: fc.nat(255) }),
  fc.record({ kind: fc.constant("get" as const), key: fc.nat(2), start: fc.nat(50), end: fc.nat(80) }),
  fc.record({ kind: fc.constant("delete" as const), key: fc.nat(2) }),
  fc.record({ kind: fc.constant("listUploads" as const), maxUploads: fc.integer({ min: 1, max: 4 }) })
)

/** A result reduced to what both must agree on. */
const outcome = <A>(
  result: ModelResult<A> | { readonly ok: false; readonly error: { readonly code: string } },
  value: (a: A) => unknown = (a) => a
) => (result.ok ? { ok: value(result.value as A) } : { error: result.error.code })

/** The engine's receiver for a body given whole: writes it into the sink and reports its digests. */
const receiving = (bytes: Uint8Array) => async (sink: BodySink) => {
  await sink.write([bytes])
  return { ok: true as const, sizeBytes: bytes.length, md5: md5Of(bytes), crc64: Crc64.compute(bytes), echo: {} }
}

const run = async (ops: ReadonlyArray<Op>): Promise<void> => {
  const model = new MultipartModel({ dialect: "oss", limits, md5: md5Of })
  const store = await ServerStore.temporary(limits, 1_000)
  const ids: Array<readonly [model: string, disk: string]> = []
  const idAt = (i: number) => ids[i % Math.max(1, ids.length)] ?? (["none", "none"] as const)
  try {
    for (const [step, o] of ops.entries()) {
      const nowMs = 2_000 + step
      const label = `step ${step}: ${JSON.stringify(o)}`
      switch (o.kind) {
        case "initiate": {
          const at = { bucket, key: keys[o.key] ?? "" }
          const a = model.initiate(at, nowMs)
          const b = await store.initiate(at, nowMs)
          if (a.ok && b.ok) ids.push([a.value, b.value])
          assert.strictEqual(a.ok, b.ok, label)
          break
        }
        case "part": {
          const [ma, da] = idAt(o.upload)
          const key = model.uploadSnapshot(ma)?.key ?? "k1"
          const bytes = bytesOf(o.size, o.seed)
          const md5Base64 = {
            none: undefined,
            good: Buffer.from(md5Of(bytes)).toString("base64"),
            bad: Buffer.from(md5Of(bytesOf(1, 0))).toString("base64"),
            malformed: "not-a-digest"
          }[o.md5]
          const claims = md5Base64 === undefined ? {} : { md5Base64 }
          const a = model.uploadPart({ bucket, key, uploadId: ma, partNumber: o.partNumber, bytes, ...claims }, nowMs)
          const b = await store.uploadPart(
            { bucket, key, uploadId: da, partNumber: o.partNumber, ...claims },
            nowMs,
            receiving(bytes)
          )
          assert.deepStrictEqual(
            outcome(b, (v) => v),
            outcome(a),
            label
          )
          break
        }
        case "listParts": {
          const [ma, da] = idAt(o.upload)
          const key = model.uploadSnapshot(ma)?.key ?? "k1"
          const query = { bucket, key, partNumberMarker: o.marker, maxParts: o.maxParts }
          assert.deepStrictEqual(
            outcome(store.listParts({ ...query, uploadId: da })),
            outcome(model.listParts({ ...query, uploadId: ma })),
            label
          )
          break
        }
        case "complete": {
          const [ma, da] = idAt(o.upload)
          const key = model.uploadSnapshot(ma)?.key ?? "k1"
          const listed = model.listParts({ bucket, key, uploadId: ma, maxParts: 3 })
          const etagOf = (n: number) =>
            (listed.ok ? listed.value.parts.find((p) => p.partNumber === n)?.etag : undefined) ?? '"00"'
          const parts = o.all
            ? []
            : o.picks.map((n, i) => ({ partNumber: n, etag: o.wrongEtag && i === 0 ? '"ff"' : etagOf(n) }))
          const request = { bucket, key, parts, completeAll: o.all }
          const a = model.complete({ ...request, uploadId: ma }, nowMs)
          const b = await store.complete({ ...request, uploadId: da }, nowMs, false)
          assert.deepStrictEqual(outcome(b), outcome(a), label)
          break
        }
        case "abort": {
          const [ma, da] = idAt(o.upload)
          const key = model.uploadSnapshot(ma)?.key ?? "k1"
          assert.deepStrictEqual(
            outcome(await store.abort({ bucket, key, uploadId: da })),
            outcome(model.abort({ bucket, key, uploadId: ma })),
            label
          )
          break
        }
        case "put": {
          const at = { bucket, key: keys[o.key] ?? "" }
          const bytes = bytesOf(o.size, o.seed)
          const a = model.putObject({ ...at, bytes }, nowMs)
          const b = await store.putObject(at, nowMs, false, receiving(bytes))
          assert.deepStrictEqual(
            outcome(b, (v) => v),
            outcome(a),
            label
          )
          break
        }
        case "get": {
          const key = keys[o.key] ?? ""
          const expected = model.get({ bucket, key, range: [o.start, o.end] })
          const info = store.objectSnapshot(bucket, key)
          assert.strictEqual(info === undefined, !expected.ok, label)
          if (info !== undefined && expected.ok) {
            const start = Math.min(o.start, info.sizeBytes)
            const end = Math.min(Math.max(start, o.end), info.sizeBytes)
            const pieces: Array<Buffer> = []
            for await (const piece of store.readObject(info, start, end)) pieces.push(piece as Buffer)
            assert.deepStrictEqual(new Uint8Array(Buffer.concat(pieces)), expected.value, label)
            const head = model.head({ bucket, key })
            assert.deepStrictEqual(
              head.ok ? { etag: head.value?.etag, crc64: head.value?.crc64, size: head.value?.sizeBytes } : undefined,
              { etag: info.etag, crc64: info.crc64, size: info.sizeBytes },
              label
            )
          }
          break
        }
        case "delete": {
          const at = { bucket, key: keys[o.key] ?? "" }
          assert.deepStrictEqual(outcome(await store.deleteObject(at)), outcome(model.delete(at)), label)
          break
        }
        case "listUploads": {
          const keysOf = (page: ReturnType<MultipartModel["listUploads"]>) =>
            page.ok
              ? { keys: page.value.uploads.map((u) => u.key), truncated: page.value.isTruncated }
              : page.error.code
          const request = { bucket, maxUploads: o.maxUploads }
          assert.deepStrictEqual(keysOf(store.listUploads(request)), keysOf(model.listUploads(request)), label)
          break
        }
      }
    }
    const modelKeys = keys.filter((key) => model.objectBytes(bucket, key) !== undefined)
    assert.deepStrictEqual(
      store.objectEntries(bucket).map((entry) => entry.key),
      [...modelKeys].sort((a, b) => (a < b ? -1 : 1))
    )
  } finally {
    await store.close()
  }
}

describe("disk storage engine and MultipartModel", () => {
  it("agree on every result of random operation sequences", async () => {
    await fc.assert(fc.asyncProperty(fc.array(op, { minLength: 5, maxLength: 40 }), run), {
      numRuns: 60,
      seed: 20261207
    })
  })
})
