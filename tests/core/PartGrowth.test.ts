/**
 * Growing part sizes for streams at the limits: 10,000 parts hold a 48.8 TB stream from any allowed starting
 * part size, sizes double on schedule and never pass 5 GiB, offsets and part counts agree with a plain sum.
 */
import { assert, describe, it } from "@effect/vitest"
import { ossLimits, s3Limits } from "../../core/Limits.ts"
import * as PartGrowth from "../../core/PartGrowth.ts"

const MiB = 1024 * 1024
const GiB = 1024 * MiB

describe("PartGrowth", () => {
  it("fits a 48.8 TB stream in 10,000 parts from the smallest and the default starting sizes", () => {
    for (const [limits, start] of [
      [s3Limits, 5 * MiB],
      [s3Limits, 8 * MiB],
      [ossLimits, 100 * 1024],
      [ossLimits, 5 * GiB]
    ] as const) {
      const g = PartGrowth.make(start, limits)
      assert.isAtLeast(PartGrowth.capacityOf(g), 48_800_000_000_000, `start ${start}`)
      assert.isAtMost(PartGrowth.capacityOf(g), limits.objectSizeBytesMax)
      assert.strictEqual(PartGrowth.partCountFor(g, 48_800_000_000_000) <= 10_000, true)
      assert.strictEqual(PartGrowth.partSizeOf(g, 10_000) <= 5 * GiB, true)
    }
  })

  it("grows as slowly as it can: one part more between doublings would not fit 48.8 TB", () => {
    const g = PartGrowth.make(8 * MiB, s3Limits)
    assert.isBelow(PartGrowth.capacityOf({ ...g, growthEveryParts: g.growthEveryParts + 1 }), 48_800_000_000_000)
    assert.strictEqual(PartGrowth.partSizeOf(g, 1), 8 * MiB)
    assert.strictEqual(PartGrowth.partSizeOf(g, g.growthEveryParts), 8 * MiB)
    assert.strictEqual(PartGrowth.partSizeOf(g, g.growthEveryParts + 1), 16 * MiB)
    assert.strictEqual(PartGrowth.partSizeOf(g, 10_000), 5 * GiB)
  })

  it("offsets are the sum of the sizes before, and part counts invert them", () => {
    const g = { startPartSizeBytes: 3, partSizeBytesMax: 40, growthEveryParts: 2, partCountMax: 50 }
    let offset = 0
    for (let n = 1; n <= 50; n++) {
      assert.strictEqual(PartGrowth.offsetOf(g, n), offset, `offset of part ${n}`)
      const size = PartGrowth.partSizeOf(g, n)
      assert.strictEqual(PartGrowth.partCountFor(g, offset + 1), n)
      assert.strictEqual(PartGrowth.partCountFor(g, offset + size), n)
      offset += size
    }
    assert.strictEqual(PartGrowth.capacityOf(g), offset)
    assert.strictEqual(PartGrowth.partCountFor(g, 0), 1)
  })
})
