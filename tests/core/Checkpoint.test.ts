import { assert, describe, it } from "@effect/vitest"
import * as Cause from "effect/Cause"
import * as Effect from "effect/Effect"
import * as Exit from "effect/Exit"
import fc from "fast-check"
import * as Checkpoint from "../../core/Checkpoint.ts"
import * as Crc64 from "../../core/Crc64.ts"
import * as Utf8 from "../../core/Utf8.ts"

const params = { seed: 0xc4ec7, numRuns: 200 } as const
const MiB = 1024 * 1024

const realistic: Checkpoint.Checkpoint = {
  dialect: "oss",
  endpointId: "oss-cn-hangzhou.aliyuncs.com",
  bucket: "media-archive",
  key: "videos/2024/holiday.mp4",
  uploadId: "0004B9894A22E5B1888A1E29F8236E2D",
  source: {
    name: "/home/me/holiday.mp4",
    sizeBytes: 12 * MiB + 7,
    lastModifiedMs: 1_717_171_717_000,
    sampleCrc64: "1234567890123456789"
  },
  partSizeBytes: 5 * MiB,
  parts: [
    { partNumber: 2, sizeBytes: 5 * MiB, etag: '"B4D3E1F2A0C9D8E7F6A5B4C3D2E1F0A9"', crc64: "18446744073709551615" },
    { partNumber: 1, sizeBytes: 5 * MiB, etag: '"0123456789ABCDEF0123456789ABCDEF"', crc64: "42" }
  ],
  createdAtMs: 1_717_171_800_000,
  updatedAtMs: 1_717_171_900_123
}

const sortedParts = (c: Checkpoint.Checkpoint): Checkpoint.Checkpoint => ({
  ...c,
  parts: [...c.parts].sort((a, b) => a.partNumber - b.partNumber)
})

/** Runs decode synchronously; a defect or a throw is reported as such, never hidden. */
const decodeExit = (text: string, id = "job-1") => Effect.runSyncExit(Checkpoint.decode(id, text))

/** The typed failure of a decode that must fail; fails the test on success or on a defect. */
const corruptOf = (text: string, id = "job-1"): Checkpoint.CheckpointCorrupt => {
  const exit = decodeExit(text, id)
  if (Exit.isSuccess(exit)) return assert.fail("decode should have failed")
  const failure = exit.cause.reasons.find(Cause.isFailReason)
  if (failure === undefined) return assert.fail(`decode died instead of failing: ${Cause.pretty(exit.cause)}`)
  assert.instanceOf(failure.error, Checkpoint.CheckpointCorrupt)
  assert.strictEqual(failure.error._tag, "CheckpointCorrupt")
  assert.strictEqual(failure.error.checkpointId, id)
  assert.isAbove(failure.error.message.length, 0)
  return failure.error
}

const expectReason = (text: string, reason: Checkpoint.CheckpointCorrupt["reason"]) =>
  assert.strictEqual(corruptOf(text).reason, reason)

/** An envelope with a correct checksum over whatever body it is given. */
const envelopeOver = (body: unknown, overrides: Record<string, unknown> = {}): string => {
  const bodyJson = JSON.stringify(body)
  const crc64 = Crc64.compute(Utf8.encode(bodyJson)).toString()
  return JSON.stringify({ format: Checkpoint.checkpointFormat, version: 1, crc64, body, ...overrides })
}

// ── Arbitraries ──────────────────────────────────────────────────────────────────────────────────────────────────

/** Any UTF-16, lone surrogates included: JSON must carry them through unharmed. */
const anyText = fc.oneof(
  fc.string({ unit: "binary", maxLength: 20 }),
  fc.string({ maxLength: 20 }),
  fc.array(fc.integer({ min: 0, max: 0xffff }), { maxLength: 12 }).map((units) => String.fromCharCode(...units))
)
const crc64Decimal = fc.bigInt({ min: 0n, max: 2n ** 64n - 1n }).map((n) => n.toString())
const timestamp = fc.oneof(fc.integer({ min: 0, max: 4_102_444_800_000 }), fc.constant(Number.MAX_SAFE_INTEGER))

const checkpointArb: fc.Arbitrary<Checkpoint.Checkpoint> = fc
  .record({
    dialect: fc.constantFrom("oss" as const, "s3" as const),
    endpointId: anyText,
    bucket: anyText,
    key: anyText,
    uploadId: anyText.filter((s) => s.length > 0),
    name: anyText,
    sourceSize: fc.integer({ min: 0, max: 2 ** 45 }),
    lastModifiedMs: fc.option(timestamp, { nil: undefined }),
    sampleCrc64: crc64Decimal,
    partSizeBytes: fc.integer({ min: 1, max: 5 * 1024 * MiB }),
    parts: fc.uniqueArray(
      fc.record({
        partNumber: fc.integer({ min: 1, max: 10_000 }),
        sizeFraction: fc.double({ min: 0, max: 1, noNaN: true }),
        etag: fc.oneof(fc.stringMatching(/^"[0-9a-f]{32}"$/), fc.stringMatching(/^"[0-9a-f]{32}-\d{1,3}"$/), anyText),
        crc64: crc64Decimal
      }),
      { selector: (p) => p.partNumber, maxLength: 40 }
    ),
    createdAtMs: timestamp,
    updatedAtMs: timestamp
  })
  .map((r) => ({
    dialect: r.dialect,
    endpointId: r.endpointId,
    bucket: r.bucket,
    key: r.key,
    uploadId: r.uploadId,
    source: {
      name: r.name,
      sizeBytes: r.sourceSize,
      sampleCrc64: r.sampleCrc64,
      ...(r.lastModifiedMs === undefined ? {} : { lastModifiedMs: r.lastModifiedMs })
    },
    partSizeBytes: r.partSizeBytes,
    parts: r.parts.map((p) => ({
      partNumber: p.partNumber,
      sizeBytes: Math.floor(p.sizeFraction * r.partSizeBytes),
      etag: p.etag,
      crc64: p.crc64
    })),
    createdAtMs: r.createdAtMs,
    updatedAtMs: r.updatedAtMs
  }))

// ── Tests ────────────────────────────────────────────────────────────────────────────────────────────────────────

describe("Checkpoint", () => {
  describe("round trip", () => {
    it("a realistic checkpoint decodes to itself with parts in ascending order", () => {
      const text = Checkpoint.encode(realistic)
      const exit = decodeExit(text)
      assert.isTrue(Exit.isSuccess(exit))
      if (Exit.isSuccess(exit)) assert.deepStrictEqual(exit.value, sortedParts(realistic))
    })

    it("property: decode(encode(c)) equals c (parts sorted); encoding is canonical", () => {
      fc.assert(
        fc.property(checkpointArb, fc.context(), (checkpoint, ctx) => {
          const text = Checkpoint.encode(checkpoint)
          ctx.log(text)
          const exit = decodeExit(text)
          if (Exit.isFailure(exit)) assert.fail(Cause.pretty(exit.cause))
          assert.deepStrictEqual(exit.value, sortedParts(checkpoint))
          // Equal checkpoints give equal text, whatever the order of the parts.
          assert.strictEqual(Checkpoint.encode(exit.value), text)
          assert.strictEqual(Checkpoint.encode({ ...checkpoint, parts: [...checkpoint.parts].reverse() }), text)
        }),
        params
      )
    })

    it("a full 10,000-part checkpoint round-trips and stays well under the size limit", () => {
      const checkpoint: Checkpoint.Checkpoint = {
        ...realistic,
        source: { ...realistic.source, sizeBytes: 10_000 * 5 * MiB },
        parts: Array.from({ length: 10_000 }, (_, i) => ({
          partNumber: 10_000 - i,
          sizeBytes: 5 * MiB,
          etag: `"${(i * 2654435761).toString(16).padStart(32, "f")}"`,
          crc64: (2n ** 64n - 1n - BigInt(i)).toString()
        }))
      }
      const text = Checkpoint.encode(checkpoint)
      assert.isBelow(text.length, Checkpoint.checkpointBytesMax / 2)
      const exit = decodeExit(text)
      assert.isTrue(Exit.isSuccess(exit))
      if (Exit.isSuccess(exit)) assert.deepStrictEqual(exit.value, sortedParts(checkpoint))
    })
  })

  describe("no secrets in the text", () => {
    const keysOf = (value: unknown): Array<string> =>
      typeof value === "object" && value !== null && !Array.isArray(value) ? Object.keys(value).sort() : []

    it("the JSON keys are exactly the documented ones, at every level", () => {
      const parsed = JSON.parse(Checkpoint.encode(realistic))
      assert.deepStrictEqual(keysOf(parsed), ["body", "crc64", "format", "version"])
      assert.deepStrictEqual(keysOf(parsed.body), [
        "bucket",
        "createdAtMs",
        "dialect",
        "endpointId",
        "key",
        "partSizeBytes",
        "parts",
        "source",
        "updatedAtMs",
        "uploadId"
      ])
      assert.deepStrictEqual(keysOf(parsed.body.source), ["lastModifiedMs", "name", "sampleCrc64", "sizeBytes"])
      for (const part of parsed.body.parts)
        assert.deepStrictEqual(keysOf(part), ["crc64", "etag", "partNumber", "sizeBytes"])
      assert.strictEqual(parsed.format, "resumable-upload.checkpoint")
      assert.strictEqual(parsed.version, 2)
    })

    it("fields smuggled in at run time (credentials, signed URLs) are not written", () => {
      const smuggled = {
        ...realistic,
        accessKeySecret: "SECRET-ak",
        credentials: { securityToken: "SECRET-sts" },
        source: { ...realistic.source, signedUrl: "https://x/?Signature=SECRET-sig" },
        parts: realistic.parts.map((p) => ({ ...p, authorization: "SECRET-auth" }))
      } as unknown as Checkpoint.Checkpoint
      const text = Checkpoint.encode(smuggled)
      assert.notInclude(text, "SECRET")
      assert.strictEqual(text, Checkpoint.encode(realistic))
    })

    it("property: no other keys for any checkpoint (lastModifiedMs only when known)", () => {
      fc.assert(
        fc.property(checkpointArb, (checkpoint) => {
          const parsed = JSON.parse(Checkpoint.encode(checkpoint))
          assert.deepStrictEqual(keysOf(parsed), ["body", "crc64", "format", "version"])
          assert.strictEqual(keysOf(parsed.body).length, 10)
          const sourceKeys = ["name", "sampleCrc64", "sizeBytes"]
          if (checkpoint.source.lastModifiedMs !== undefined) sourceKeys.unshift("lastModifiedMs")
          assert.deepStrictEqual(keysOf(parsed.body.source), sourceKeys)
          for (const part of parsed.body.parts) {
            assert.deepStrictEqual(keysOf(part), ["crc64", "etag", "partNumber", "sizeBytes"])
          }
        }),
        params
      )
    })
  })

  describe("corruption is a typed CheckpointCorrupt", () => {
    const text = Checkpoint.encode(realistic)

    it("not JSON", () => {
      expectReason("", "NotJson")
      expectReason("not json", "NotJson")
      expectReason("{", "NotJson")
      expectReason("\u0000\u0000\u0000", "NotJson")
    })

    it("every strict prefix of a real checkpoint (a torn write) is NotJson", () => {
      for (let n = 0; n < text.length; n++) {
        const error = corruptOf(text.slice(0, n))
        if (error.reason !== "NotJson") assert.fail(`prefix of length ${n} gave ${error.reason}`)
      }
    })

    it("property: a strict prefix of any checkpoint fails with a typed error, never a defect", () => {
      fc.assert(
        fc.property(
          checkpointArb.chain((c) => {
            const encoded = Checkpoint.encode(c)
            return fc.integer({ min: 0, max: encoded.length - 1 }).map((n) => encoded.slice(0, n))
          }),
          (prefix) => {
            const exit = decodeExit(prefix)
            assert.isTrue(Exit.isFailure(exit))
            if (Exit.isFailure(exit)) {
              assert.isFalse(Cause.hasDies(exit.cause), "decode died")
              assert.strictEqual(corruptOf(prefix).reason, "NotJson")
            }
          }
        ),
        params
      )
    })

    it("property: one changed character never yields a different checkpoint, and never a defect", () => {
      fc.assert(
        fc.property(
          checkpointArb.chain((c) => {
            const encoded = Checkpoint.encode(c)
            return fc
              .tuple(fc.integer({ min: 0, max: encoded.length - 1 }), fc.constantFrom(...'0123456789"{}[],:aZ \\'))
              .map(([i, ch]) => ({ checkpoint: c, encoded, tampered: encoded.slice(0, i) + ch + encoded.slice(i + 1) }))
          }),
          ({ checkpoint, encoded, tampered }) => {
            const exit = decodeExit(tampered)
            if (Exit.isSuccess(exit)) {
              // Only an edit that changes nothing may decode.
              assert.strictEqual(tampered, encoded)
              assert.deepStrictEqual(exit.value, sortedParts(checkpoint))
            } else {
              assert.isFalse(Cause.hasDies(exit.cause), "decode died")
              corruptOf(tampered)
            }
          }
        ),
        params
      )
    })

    it("property: arbitrary JSON values are rejected with a typed error", () => {
      fc.assert(
        fc.property(fc.jsonValue(), (value) => {
          const exit = decodeExit(JSON.stringify(value) ?? "")
          assert.isTrue(Exit.isFailure(exit))
          corruptOf(JSON.stringify(value) ?? "")
        }),
        params
      )
    })

    it("a foreign format, or an envelope that is not one, is NotACheckpoint", () => {
      const envelope = JSON.parse(text)
      expectReason(JSON.stringify({ ...envelope, format: "someone-else.checkpoint" }), "NotACheckpoint")
      expectReason(JSON.stringify({ ...envelope, format: undefined }), "NotACheckpoint")
      expectReason(JSON.stringify({ ...envelope, crc64: "not-a-number" }), "NotACheckpoint")
      expectReason(JSON.stringify({ ...envelope, version: "1" }), "NotACheckpoint")
      expectReason(JSON.stringify({ ...envelope, body: undefined }), "NotACheckpoint")
      expectReason("[]", "NotACheckpoint")
      expectReason("null", "NotACheckpoint")
      expectReason('"resumable-upload.checkpoint"', "NotACheckpoint")
    })

    it("another version is UnsupportedVersion, even with a valid checksum", () => {
      expectReason(text.replace('"version":2,', '"version":3,'), "UnsupportedVersion")
      expectReason(envelopeOver(JSON.parse(text).body, { version: 3 }), "UnsupportedVersion")
      expectReason(envelopeOver(JSON.parse(text).body, { version: 0 }), "UnsupportedVersion")
    })

    it("a tampered body (one digit of a part size) is ChecksumMismatch", () => {
      const needle = `"sizeBytes":${5 * MiB}`
      assert.include(text, needle)
      const tampered = text.replace(needle, `"sizeBytes":${5 * MiB - 1}`)
      assert.notStrictEqual(tampered, text)
      assert.strictEqual(tampered.length, text.length)
      expectReason(tampered, "ChecksumMismatch")
      // A changed checksum over the original body as well.
      const envelope = JSON.parse(text)
      expectReason(JSON.stringify({ ...envelope, crc64: String(BigInt(envelope.crc64) ^ 1n) }), "ChecksumMismatch")
    })

    it("a valid checksum over an invalid body is Invalid", () => {
      const body = JSON.parse(text).body
      const part = body.parts[0]
      // The control: the same construction over the untouched body decodes.
      assert.isTrue(Exit.isSuccess(decodeExit(envelopeOver(body))))
      expectReason(envelopeOver({ ...body, parts: [part, part] }), "Invalid") // duplicate part numbers
      expectReason(envelopeOver({ ...body, parts: [{ ...part, sizeBytes: body.partSizeBytes + 1 }] }), "Invalid")
      expectReason(envelopeOver({ ...body, parts: [{ ...part, partNumber: 0 }] }), "Invalid")
      expectReason(envelopeOver({ ...body, parts: [{ ...part, partNumber: 10_001 }] }), "Invalid")
      expectReason(envelopeOver({ ...body, parts: [{ ...part, crc64: "12a" }] }), "Invalid")
      expectReason(envelopeOver({ ...body, parts: [{ ...part, sizeBytes: 1.5 }] }), "Invalid")
      expectReason(envelopeOver({ ...body, uploadId: "" }), "Invalid")
      expectReason(envelopeOver({ ...body, dialect: "gcs" }), "Invalid")
      expectReason(envelopeOver({ ...body, partSizeBytes: 0 }), "Invalid")
      expectReason(envelopeOver({ ...body, createdAtMs: -1 }), "Invalid")
      expectReason(envelopeOver({ ...body, source: { ...body.source, sampleCrc64: "" } }), "Invalid")
      expectReason(envelopeOver({ ...body, bucket: undefined }), "Invalid")
      expectReason(envelopeOver(null), "Invalid")
    })

    it("text over 4 MiB is TooLarge, before any parsing; 4 MiB exactly is parsed", () => {
      assert.strictEqual(Checkpoint.checkpointBytesMax, 4 * MiB)
      expectReason(" ".repeat(4 * MiB + 1), "TooLarge")
      expectReason(text + " ".repeat(4 * MiB + 1 - text.length), "TooLarge")
      // At the limit the text is read: padding whitespace is still valid JSON.
      const atLimit = text + " ".repeat(4 * MiB - text.length)
      assert.strictEqual(atLimit.length, 4 * MiB)
      assert.isTrue(Exit.isSuccess(decodeExit(atLimit)))
      expectReason(" ".repeat(4 * MiB), "NotJson")
    })
  })
})

// ── Known core bugs: reported, not fixed here. `it.fails` passes while the bug is present; drop `.fails` once fixed.

describe("Checkpoint: known bugs (reported)", () => {
  it("fixed: a part CRC-64 above 2^64-1 passes decode, though Crc64.fromDecimal rejects it", () => {
    const body = JSON.parse(Checkpoint.encode(realistic)).body
    const tooBig = "99999999999999999999" // 20 digits, > 18446744073709551615
    assert.isUndefined(Crc64.fromDecimal(tooBig))
    // ObjectCheck.combinedCrc64 would then silently use 0 for this part.
    expectReason(envelopeOver({ ...body, parts: [{ ...body.parts[0], crc64: tooBig }] }), "Invalid")
  })
})
