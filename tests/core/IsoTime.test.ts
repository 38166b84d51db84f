/**
 * core/IsoTime.ts against the platform's `Date#toISOString` (allowed in tests, not in core): fixed dates around
 * leap days, century rules and the ends of the range, and a seeded sweep; and the source-changed message, which
 * must show modification times as ISO 8601 UTC, not epoch milliseconds.
 */
import { assert, describe, it } from "@effect/vitest"
import * as Fingerprint from "../../core/Fingerprint.ts"
import { isoFromEpochMs } from "../../core/IsoTime.ts"

/** 0000-01-01T00:00:00.000Z (`Date.UTC` maps years 0–99 to 1900–1999, so it cannot say this). */
const yearZeroMs = -62_167_219_200_000

describe("isoFromEpochMs", () => {
  it("agrees with Date#toISOString on fixed dates and a seeded sweep of 0000–9999", () => {
    const fixed = [
      0,
      1,
      999,
      86_399_999,
      86_400_000,
      951_782_400_000, // 2000-02-29
      4_107_542_400_000, // 2100-03-01 (2100 is not a leap year)
      1_796_605_440_513,
      Date.UTC(9999, 11, 31, 23, 59, 59, 999),
      yearZeroMs, // before 1970
      -1
    ]
    let seed = 7
    const sweep = Array.from({ length: 5000 }, () => {
      seed = (seed * 1_103_515_245 + 12_345) % 2 ** 31
      return yearZeroMs + Math.floor((seed / 2 ** 31) * (Date.UTC(9999, 11, 31) - yearZeroMs))
    })
    for (const ms of [...fixed, ...sweep]) assert.strictEqual(isoFromEpochMs(ms), new Date(ms).toISOString(), `${ms}`)
  })

  it("names values outside 0000–9999 instead of printing a wrong date", () => {
    assert.strictEqual(isoFromEpochMs(Date.UTC(10000, 0, 1)), "253402300800000 ms since 1970")
    assert.strictEqual(isoFromEpochMs(Number.NaN), "NaN ms since 1970")
  })
})

describe("the source-changed message", () => {
  const recorded = { name: "big.bin", sizeBytes: 10, sampleCrc64: "1", lastModifiedMs: 1_796_605_440_513 }
  it("shows both modification times as ISO 8601 UTC", () => {
    assert.strictEqual(
      Fingerprint.difference(recorded, { ...recorded, lastModifiedMs: 1_796_605_443_437 }),
      "source modification time changed from 2026-12-07T01:04:00.513Z to 2026-12-07T01:04:03.437Z"
    )
    const { lastModifiedMs: _, ...untimed } = recorded
    assert.strictEqual(
      Fingerprint.difference(untimed, recorded),
      "source modification time changed from unknown to 2026-12-07T01:04:00.513Z"
    )
  })
})
