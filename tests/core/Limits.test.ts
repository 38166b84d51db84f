import { assert, describe, it } from "@effect/vitest"
import * as Effect from "effect/Effect"
import fc from "fast-check"
import * as Limits from "../../core/Limits.ts"
import * as Utf8 from "../../core/Utf8.ts"

const params = { seed: 0x11a175, numRuns: 200 } as const
const encoder = new TextEncoder()
const utf8Length = (s: string): number => encoder.encode(s).length

/** The key back, or the typed error; a defect (throw) fails the test. */
const validate = (key: string): Limits.InvalidObjectKey | string =>
  Effect.runSync(
    Effect.match(Limits.validateObjectKey(key), { onFailure: (error) => error, onSuccess: (accepted) => accepted })
  )

const expectReason = (key: string, reason: Limits.InvalidObjectKey["reason"]) => {
  const result = validate(key)
  assert.instanceOf(result, Limits.InvalidObjectKey, `key of ${key.length} code units should be rejected`)
  if (typeof result === "string") return
  assert.strictEqual(result._tag, "InvalidObjectKey")
  assert.strictEqual(result.reason, reason)
  assert.strictEqual(result.key, key)
  assert.isString(result.message)
  assert.isAbove(result.message.length, 0)
}

const expectAccepted = (key: string) => {
  const result = validate(key)
  assert.strictEqual(result, key)
}

/** Any UTF-16 code unit, surrogates over-represented, so lone and swapped halves show up often. */
const codeUnit = fc.oneof(
  fc.integer({ min: 0, max: 0xffff }),
  fc.integer({ min: 0xd800, max: 0xdfff }),
  fc.integer({ min: 0x20, max: 0x7e })
)
const utf16String = fc.array(codeUnit, { maxLength: 40 }).map((units) => String.fromCharCode(...units))

/** Reference for "well formed UTF-16", written independently of the implementation (via encodeURIComponent). */
const isWellFormed = (s: string): boolean => {
  try {
    encodeURIComponent(s)
    return true
  } catch {
    return false
  }
}

describe("Limits", () => {
  describe("dialect limits", () => {
    it("OSS: 100 KiB to 5 GiB per part, 10,000 parts, 10,000 x 5 GiB per object", () => {
      assert.strictEqual(Limits.ossLimits.partSizeBytesMin, 100 * 1024)
      assert.strictEqual(Limits.ossLimits.partSizeBytesMax, 5 * 1024 ** 3)
      assert.strictEqual(Limits.ossLimits.partCountMax, 10_000)
      assert.strictEqual(Limits.ossLimits.objectSizeBytesMax, 10_000 * 5 * 1024 ** 3)
      assert.strictEqual(Limits.ossLimits.listPageSizeMax, 1000)
    })

    it("S3: 5 MiB to 5 GiB per part, 10,000 parts, 10,000 x 5 GiB per object", () => {
      assert.strictEqual(Limits.s3Limits.partSizeBytesMin, 5 * 1024 ** 2)
      assert.strictEqual(Limits.s3Limits.partSizeBytesMax, 5 * 1024 ** 3)
      assert.strictEqual(Limits.s3Limits.partCountMax, 10_000)
      assert.strictEqual(Limits.s3Limits.objectSizeBytesMax, 10_000 * 5 * 1024 ** 3)
      assert.strictEqual(Limits.s3Limits.listPageSizeMax, 1000)
    })

    it("limitsOf picks the dialect's table; default part size is 8 MiB; keys are at most 1023 bytes", () => {
      assert.strictEqual(Limits.limitsOf("oss"), Limits.ossLimits)
      assert.strictEqual(Limits.limitsOf("s3"), Limits.s3Limits)
      assert.strictEqual(Limits.defaultPartSizeBytes, 8 * 1024 * 1024)
      assert.strictEqual(Limits.keyBytesMax, 1023)
    })
  })

  describe("validateObjectKey", () => {
    it("accepts ordinary keys, including slashes and backslashes after the first character", () => {
      for (const key of [
        "a",
        "photos/2024/cat.jpg",
        "dir\\file",
        "a/",
        " leading-space",
        "ключ/键/🔑",
        "x".repeat(1023)
      ]) {
        expectAccepted(key)
      }
    })

    it("boundary: 1023 bytes of ASCII accepted, 1024 rejected as TooLong", () => {
      expectAccepted("k".repeat(1023))
      expectReason("k".repeat(1024), "TooLong")
    })

    it("boundary: 341 three-byte characters (1023 bytes, 341 code units) accepted, 342 rejected", () => {
      const euro = "\u20ac"
      assert.strictEqual(utf8Length(euro), 3)
      expectAccepted(euro.repeat(341))
      expectReason(euro.repeat(342), "TooLong")
      // 1022 bytes of 3-byte chars plus one ASCII byte is exactly 1023; two would be 1024.
      const key = `${"\u4e2d".repeat(340)}ab`
      assert.strictEqual(utf8Length(key), 1022)
      expectAccepted(`${key}c`)
      expectReason(`${key}cd`, "TooLong")
    })

    it("boundary: 4-byte emoji count as 4 bytes (not 2 code units, not 1 code point)", () => {
      const emoji = "\u{1f600}"
      assert.strictEqual(utf8Length(emoji), 4)
      assert.strictEqual(emoji.length, 2)
      const at1023 = `${emoji.repeat(255)}abc`
      assert.strictEqual(utf8Length(at1023), 1023)
      expectAccepted(at1023)
      // 1024 bytes is only 512 code units and 256 code points: a length check on either would let it through.
      expectReason(emoji.repeat(256), "TooLong")
      expectReason(`${emoji.repeat(255)}abcd`, "TooLong")
    })

    it("rejects the empty key as Empty", () => {
      expectReason("", "Empty")
    })

    it("rejects a leading slash or backslash", () => {
      expectReason("/a", "LeadingSlash")
      expectReason("/", "LeadingSlash")
      expectReason("\\a", "LeadingBackslash")
      expectReason("\\", "LeadingBackslash")
    })

    it("rejects lone surrogates (high, low, at the end, swapped pair) as InvalidUtf16", () => {
      expectReason("\ud800", "InvalidUtf16")
      expectReason("\udc00", "InvalidUtf16")
      expectReason("a\ud83d", "InvalidUtf16")
      expectReason("a\ude00b", "InvalidUtf16")
      expectReason("\ude00\ud83d", "InvalidUtf16")
      expectReason("\ud83d\ud83d\ude00", "InvalidUtf16")
      expectAccepted("\ud83d\ude00")
    })

    it("property: verdict agrees with an independent reference on arbitrary UTF-16", () => {
      fc.assert(
        fc.property(
          fc.oneof(
            utf16String,
            utf16String.map((s) => `/${s}`),
            utf16String.map((s) => `\\${s}`),
            fc.string({ unit: "binary", minLength: 250, maxLength: 400 })
          ),
          (key) => {
            const result = validate(key)
            // Every rule the key breaks; when it breaks several, any one of them is a fair answer.
            const broken = new Set<Limits.InvalidObjectKey["reason"]>()
            if (key.length === 0) broken.add("Empty")
            if (!isWellFormed(key)) broken.add("InvalidUtf16")
            if (utf8Length(key) > 1023) broken.add("TooLong")
            if (key.startsWith("/")) broken.add("LeadingSlash")
            if (key.startsWith("\\")) broken.add("LeadingBackslash")
            if (broken.size === 0) {
              assert.strictEqual(result, key)
            } else {
              assert.instanceOf(result, Limits.InvalidObjectKey)
              if (typeof result !== "string") {
                assert.isTrue(broken.has(result.reason), `${result.reason} not in ${[...broken].join(",")}`)
                assert.strictEqual(result.key, key)
              }
            }
          }
        ),
        params
      )
    })
  })

  describe("Utf8.encode", () => {
    const sameAsTextEncoder = (s: string) => assert.deepStrictEqual(Utf8.encode(s), encoder.encode(s))

    it("known vectors", () => {
      assert.deepStrictEqual(Array.from(Utf8.encode("")), [])
      assert.deepStrictEqual(Array.from(Utf8.encode("A")), [0x41])
      assert.deepStrictEqual(Array.from(Utf8.encode("\u00e9")), [0xc3, 0xa9])
      assert.deepStrictEqual(Array.from(Utf8.encode("\u20ac")), [0xe2, 0x82, 0xac])
      assert.deepStrictEqual(Array.from(Utf8.encode("\u{1f600}")), [0xf0, 0x9f, 0x98, 0x80])
      // Boundaries of each encoding length.
      for (const cp of [0x7f, 0x80, 0x7ff, 0x800, 0xffff, 0x10000, 0x10ffff])
        sameAsTextEncoder(String.fromCodePoint(cp))
      // Lone surrogates become U+FFFD (EF BF BD), as TextEncoder does.
      assert.deepStrictEqual(Array.from(Utf8.encode("\ud800")), [0xef, 0xbf, 0xbd])
      assert.deepStrictEqual(Array.from(Utf8.encode("a\udc00b")), [0x61, 0xef, 0xbf, 0xbd, 0x62])
    })

    it("property: equals TextEncoder on full-Unicode strings", () => {
      fc.assert(
        fc.property(fc.string({ unit: "binary", maxLength: 64 }), (s) => sameAsTextEncoder(s)),
        params
      )
    })

    it("property: equals TextEncoder on arbitrary UTF-16, lone surrogates included", () => {
      fc.assert(
        fc.property(utf16String, (s) => sameAsTextEncoder(s)),
        params
      )
    })
  })
})
