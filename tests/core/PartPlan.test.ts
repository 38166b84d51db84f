import { assert, describe, it } from "@effect/vitest"
import * as Effect from "effect/Effect"
import fc from "fast-check"
import * as Limits from "../../core/Limits.ts"
import * as PartPlan from "../../core/PartPlan.ts"

const params = { seed: 0x9a27, numRuns: 200 } as const
const KiB = 1024
const MiB = 1024 * KiB
const GiB = 1024 * MiB

/** The plan, or the typed error; a defect fails the test. */
const planOf = (
  sizeBytes: number,
  partSizeBytes: number,
  limits: Limits.DialectLimits
): PartPlan.PartPlan | PartPlan.InvalidPartPlan =>
  Effect.runSync(
    Effect.match(PartPlan.make(sizeBytes, partSizeBytes, limits), { onFailure: (e) => e, onSuccess: (p) => p })
  )

const okPlan = (sizeBytes: number, partSizeBytes: number, limits: Limits.DialectLimits): PartPlan.PartPlan => {
  const result = planOf(sizeBytes, partSizeBytes, limits)
  if (result instanceof PartPlan.InvalidPartPlan) {
    assert.fail(`expected a plan for ${sizeBytes}/${partSizeBytes}, got ${result.reason}: ${result.message}`)
  }
  return result
}

const expectInvalid = (
  sizeBytes: number,
  partSizeBytes: number,
  limits: Limits.DialectLimits,
  reason: PartPlan.InvalidPartPlan["reason"]
) => {
  const result = planOf(sizeBytes, partSizeBytes, limits)
  assert.instanceOf(result, PartPlan.InvalidPartPlan, `${sizeBytes}/${partSizeBytes} should be rejected`)
  if (result instanceof PartPlan.InvalidPartPlan) {
    assert.strictEqual(result._tag, "InvalidPartPlan")
    assert.strictEqual(result.reason, reason)
    assert.isAbove(result.message.length, 0)
  }
}

/** Every structural rule of a plan, checked against the ranges it produces. */
const checkPlan = (plan: PartPlan.PartPlan, sizeBytes: number, requested: number, limits: Limits.DialectLimits) => {
  assert.strictEqual(plan.sizeBytes, sizeBytes)
  assert.strictEqual(plan.requestedPartSizeBytes, requested)
  assert.isAtLeast(plan.partSizeBytes, limits.partSizeBytesMin)
  assert.isAtMost(plan.partSizeBytes, limits.partSizeBytesMax)
  assert.isAtLeast(plan.partCount, 1)
  assert.isAtMost(plan.partCount, limits.partCountMax)

  const ranges = PartPlan.ranges(plan)
  assert.strictEqual(ranges.length, plan.partCount)
  // Plain comparisons per part (a plan can have 10,000), one assertion naming the first broken rule.
  let offset = 0
  let problem: string | undefined
  for (let i = 0; i < ranges.length && problem === undefined; i++) {
    const range = ranges[i]
    if (range === undefined) break
    const last = i === ranges.length - 1
    if (range.partNumber !== i + 1) problem = `part at index ${i} is numbered ${range.partNumber}`
    else if (range.offsetBytes !== offset)
      problem = `part ${range.partNumber} starts at ${range.offsetBytes}, not ${offset}`
    else if (!last && range.sizeBytes !== plan.partSizeBytes) problem = `part ${range.partNumber} is not full-size`
    else if (range.sizeBytes > plan.partSizeBytes) problem = `part ${range.partNumber} is larger than the part size`
    else if (sizeBytes > 0 && range.sizeBytes <= 0) problem = `part ${range.partNumber} is empty`
    offset += range.sizeBytes
  }
  assert.isUndefined(problem)
  assert.strictEqual(offset, sizeBytes, "parts tile [0, size) exactly")
  if (sizeBytes === 0) assert.deepStrictEqual(ranges, [{ partNumber: 1, offsetBytes: 0, sizeBytes: 0 }])

  // Growth happens exactly when the requested size would need too many parts.
  const wouldNeed = Math.max(1, Math.ceil(sizeBytes / requested))
  if (wouldNeed <= limits.partCountMax) {
    assert.strictEqual(plan.partSizeBytes, requested, "no growth when the requested size fits")
  } else {
    assert.notStrictEqual(plan.partSizeBytes, requested, "growth is reported")
    assert.isAbove(plan.partSizeBytes, requested)
    assert.strictEqual(plan.partSizeBytes % MiB, 0, "grown size is a MiB multiple")
    // The next MiB multiple that fits: one MiB less would not.
    if (plan.partSizeBytes - MiB >= requested) {
      assert.isAbove(Math.ceil(sizeBytes / (plan.partSizeBytes - MiB)), limits.partCountMax, "smallest MiB multiple")
    }
  }
}

const dialect = fc.constantFrom(Limits.ossLimits, Limits.s3Limits)
const partSizeWithin = (limits: Limits.DialectLimits) =>
  fc.oneof(
    fc.constant(limits.partSizeBytesMin),
    fc.constant(limits.partSizeBytesMax),
    fc.constant(Limits.defaultPartSizeBytes),
    fc.integer({ min: limits.partSizeBytesMin, max: limits.partSizeBytesMin + 10 * MiB }),
    fc.integer({ min: limits.partSizeBytesMin, max: limits.partSizeBytesMax })
  )
const sizeFor = (partSizeBytes: number) =>
  fc.oneof(
    fc.constant(0),
    fc.integer({ min: 0, max: 3 * partSizeBytes }),
    fc.integer({ min: 0, max: 1e12 }),
    // Around the growth threshold and around exact multiples of the part size.
    fc
      .tuple(fc.constantFrom(1, 2, 9_999, 10_000, 10_001), fc.integer({ min: -1, max: 1 }))
      .map(([n, d]) => Math.max(0, Math.min(1e12, n * partSizeBytes + d)))
  )

const planInput = dialect.chain((limits) =>
  partSizeWithin(limits).chain((partSizeBytes) =>
    sizeFor(partSizeBytes).map((sizeBytes) => ({ limits, partSizeBytes, sizeBytes }))
  )
)

describe("PartPlan", () => {
  it("property: parts tile [0, size) in order, numbered from 1, full-size but the last, within limits", () => {
    fc.assert(
      fc.property(planInput, ({ limits, partSizeBytes, sizeBytes }) => {
        const plan = okPlan(sizeBytes, partSizeBytes, limits)
        checkPlan(plan, sizeBytes, partSizeBytes, limits)
        assert.strictEqual(plan.partCount, PartPlan.partCountFor(sizeBytes, plan.partSizeBytes))
      }),
      params
    )
  })

  it("property: custom (simulator-like) limits obey the same rules", () => {
    const customLimits = fc
      .record({
        partCountMax: fc.integer({ min: 1, max: 50 }),
        partSizeBytesMin: fc.integer({ min: 1, max: 256 }),
        partSizeBytesMax: fc.constantFrom(MiB, 2 * MiB, 5 * GiB)
      })
      .map(
        (l): Limits.DialectLimits => ({
          ...l,
          objectSizeBytesMax: l.partCountMax * l.partSizeBytesMax,
          listPageSizeMax: 5
        })
      )
    const input = customLimits.chain((limits) =>
      fc
        .integer({ min: limits.partSizeBytesMin, max: 4 * limits.partSizeBytesMin })
        .chain((partSizeBytes) =>
          fc
            .integer({ min: 0, max: Math.min(limits.objectSizeBytesMax, 100 * MiB) })
            .map((sizeBytes) => ({ limits, partSizeBytes, sizeBytes }))
        )
    )
    fc.assert(
      fc.property(input, ({ limits, partSizeBytes, sizeBytes }) =>
        checkPlan(okPlan(sizeBytes, partSizeBytes, limits), sizeBytes, partSizeBytes, limits)
      ),
      params
    )
  })

  describe("examples", () => {
    it("a zero-byte source has one empty part", () => {
      const plan = okPlan(0, Limits.defaultPartSizeBytes, Limits.s3Limits)
      assert.deepStrictEqual(plan, {
        sizeBytes: 0,
        partSizeBytes: Limits.defaultPartSizeBytes,
        partCount: 1,
        requestedPartSizeBytes: Limits.defaultPartSizeBytes
      })
      assert.deepStrictEqual(PartPlan.ranges(plan), [{ partNumber: 1, offsetBytes: 0, sizeBytes: 0 }])
    })

    it("exact multiple: no short last part; one byte more adds a one-byte part", () => {
      const exact = okPlan(3 * 5 * MiB, 5 * MiB, Limits.s3Limits)
      assert.strictEqual(exact.partCount, 3)
      assert.deepStrictEqual(
        PartPlan.ranges(exact).map((r) => r.sizeBytes),
        [5 * MiB, 5 * MiB, 5 * MiB]
      )
      const plusOne = okPlan(3 * 5 * MiB + 1, 5 * MiB, Limits.s3Limits)
      assert.strictEqual(plusOne.partCount, 4)
      assert.deepStrictEqual(PartPlan.rangeOf(plusOne, 4), { partNumber: 4, offsetBytes: 15 * MiB, sizeBytes: 1 })
    })

    it("10,000 parts is allowed without growth; 10,000 parts + 1 byte grows to the next MiB multiple", () => {
      const at = okPlan(10_000 * 5 * MiB, 5 * MiB, Limits.s3Limits)
      assert.strictEqual(at.partSizeBytes, 5 * MiB)
      assert.strictEqual(at.partCount, 10_000)
      const over = okPlan(10_000 * 5 * MiB + 1, 5 * MiB, Limits.s3Limits)
      assert.strictEqual(over.requestedPartSizeBytes, 5 * MiB)
      assert.strictEqual(over.partSizeBytes, 6 * MiB)
      assert.strictEqual(over.partCount, Math.ceil((10_000 * 5 * MiB + 1) / (6 * MiB)))
    })

    it("1 TB with 100 KiB OSS parts grows to 96 MiB (ceil(1e12 / 10,000) rounded up to MiB)", () => {
      const plan = okPlan(1e12, 100 * KiB, Limits.ossLimits)
      assert.strictEqual(plan.requestedPartSizeBytes, 100 * KiB)
      assert.strictEqual(plan.partSizeBytes, 96 * MiB)
      assert.strictEqual(plan.partCount, Math.ceil(1e12 / (96 * MiB)))
      assert.isAtMost(plan.partCount, 10_000)
    })

    it("the largest object takes 10,000 parts of 5 GiB; one byte more is SourceTooLarge", () => {
      for (const limits of [Limits.ossLimits, Limits.s3Limits]) {
        const plan = okPlan(limits.objectSizeBytesMax, limits.partSizeBytesMin, limits)
        assert.strictEqual(plan.partSizeBytes, 5 * GiB)
        assert.strictEqual(plan.partCount, 10_000)
        expectInvalid(limits.objectSizeBytesMax + 1, limits.partSizeBytesMin, limits, "SourceTooLarge")
      }
    })
  })

  describe("errors", () => {
    it("part size below the dialect minimum is PartSizeTooSmall", () => {
      expectInvalid(MiB, 100 * KiB - 1, Limits.ossLimits, "PartSizeTooSmall")
      expectInvalid(MiB, 5 * MiB - 1, Limits.s3Limits, "PartSizeTooSmall")
      // 100 KiB is fine for OSS but not for S3.
      okPlan(MiB, 100 * KiB, Limits.ossLimits)
      expectInvalid(MiB, 100 * KiB, Limits.s3Limits, "PartSizeTooSmall")
    })

    it("part size above 5 GiB is PartSizeTooLarge", () => {
      okPlan(MiB, 5 * GiB, Limits.s3Limits)
      expectInvalid(MiB, 5 * GiB + 1, Limits.ossLimits, "PartSizeTooLarge")
      expectInvalid(MiB, 5 * GiB + 1, Limits.s3Limits, "PartSizeTooLarge")
    })

    it("negative, fractional, NaN, infinite or unsafe sizes are InvalidSize", () => {
      for (const bad of [-1, 0.5, 1.5, Number.NaN, Number.POSITIVE_INFINITY, Number.MAX_SAFE_INTEGER + 1]) {
        expectInvalid(bad, 8 * MiB, Limits.s3Limits, "InvalidSize")
      }
      for (const bad of [0, -1, 5 * MiB + 0.5, Number.NaN, Number.POSITIVE_INFINITY]) {
        expectInvalid(MiB, bad, Limits.s3Limits, "InvalidSize")
      }
    })

    it("property: any invalid input is a typed failure, never a defect", () => {
      const anySize = fc.oneof(
        fc.double(),
        fc.integer({ min: -1e6, max: -1 }),
        fc.integer({ min: 0, max: Number.MAX_SAFE_INTEGER })
      )
      fc.assert(
        fc.property(dialect, anySize, anySize, (limits, sizeBytes, partSizeBytes) => {
          const result = planOf(sizeBytes, partSizeBytes, limits)
          const valid =
            Number.isSafeInteger(sizeBytes) &&
            sizeBytes >= 0 &&
            sizeBytes <= limits.objectSizeBytesMax &&
            Number.isSafeInteger(partSizeBytes) &&
            partSizeBytes >= limits.partSizeBytesMin &&
            partSizeBytes <= limits.partSizeBytesMax
          if (valid) {
            assert.notInstanceOf(result, PartPlan.InvalidPartPlan)
          } else {
            assert.instanceOf(result, PartPlan.InvalidPartPlan)
          }
        }),
        params
      )
    })
  })
})
