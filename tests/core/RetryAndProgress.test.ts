import { assert, describe, it } from "@effect/vitest"
import * as Clock from "effect/Clock"
import * as Effect from "effect/Effect"
import * as Exit from "effect/Exit"
import { TestClock } from "effect/testing"
import fc from "fast-check"
import type * as Checkpoint from "../../core/Checkpoint.ts"
import * as Limits from "../../core/Limits.ts"
import * as PartPlan from "../../core/PartPlan.ts"
import * as Progress from "../../core/Progress.ts"
import * as RetryPolicy from "../../core/RetryPolicy.ts"
import * as Machine from "../../core/UploadMachine.ts"
import { transition } from "../../core/UploadTransition.ts"

const params = { seed: 0x9e7, numRuns: 200 } as const
const MiB = 1024 * 1024

// ── RetryPolicy.make ────────────────────────────────────────────────────────────────────────────────────────────

const makeResult = (policy: Partial<RetryPolicy.RetryPolicy> | undefined) =>
  Effect.runSync(Effect.match(RetryPolicy.make(policy), { onFailure: (e) => e, onSuccess: (p) => p }))

const expectInvalidPolicy = (policy: Partial<RetryPolicy.RetryPolicy>) => {
  const result = makeResult(policy)
  assert.instanceOf(result, RetryPolicy.InvalidRetryPolicy, JSON.stringify(policy))
  if (result instanceof RetryPolicy.InvalidRetryPolicy) {
    assert.strictEqual(result._tag, "InvalidRetryPolicy")
    assert.isAbove(result.message.length, 0)
  }
}

describe("RetryPolicy.make", () => {
  it("defaults: 5 retries, 250 ms base, 20 s cap; partial policies are merged over them", () => {
    assert.deepStrictEqual(RetryPolicy.defaultRetryPolicy, { retriesMax: 5, baseDelayMs: 250, maxDelayMs: 20_000 })
    assert.deepStrictEqual(makeResult(undefined), RetryPolicy.defaultRetryPolicy)
    assert.deepStrictEqual(makeResult({}), RetryPolicy.defaultRetryPolicy)
    assert.deepStrictEqual(makeResult({ retriesMax: 2 }), { retriesMax: 2, baseDelayMs: 250, maxDelayMs: 20_000 })
    assert.deepStrictEqual(makeResult({ baseDelayMs: 0, maxDelayMs: 0 }), {
      retriesMax: 5,
      baseDelayMs: 0,
      maxDelayMs: 0
    })
  })

  it("accepts 0 to 20 retries, rejects negative, fractional and more than 20", () => {
    assert.strictEqual(RetryPolicy.retriesMaxLimit, 20)
    for (const retriesMax of [0, 1, 20])
      assert.deepStrictEqual(makeResult({ retriesMax }), { ...RetryPolicy.defaultRetryPolicy, retriesMax })
    for (const retriesMax of [-1, 21, 100, 1.5, Number.NaN, Number.POSITIVE_INFINITY])
      expectInvalidPolicy({ retriesMax })
  })

  it("rejects negative delays and a cap below the base", () => {
    expectInvalidPolicy({ baseDelayMs: -1 })
    expectInvalidPolicy({ baseDelayMs: 100, maxDelayMs: 99 })
    expectInvalidPolicy({ baseDelayMs: 30_000 }) // above the default cap
    expectInvalidPolicy({ baseDelayMs: Number.NaN })
    expectInvalidPolicy({ maxDelayMs: Number.NaN })
    assert.deepStrictEqual(makeResult({ baseDelayMs: 100, maxDelayMs: 100 }), {
      retriesMax: 5,
      baseDelayMs: 100,
      maxDelayMs: 100
    })
  })
})

// ── RetryPolicy.retrying under TestClock ───────────────────────────────────────────────────────────────────────

interface Boom {
  readonly retryable: boolean
  readonly attempt: number
}

/** An effect that fails on every attempt, recording the (test) time of each; `retryableUntil` attempts are retryable. */
const failing = (times: Array<number>, retryableUntil = Number.POSITIVE_INFINITY) =>
  Effect.gen(function* () {
    times.push(yield* Clock.currentTimeMillis)
    return yield* Effect.fail<Boom>({ retryable: times.length <= retryableUntil, attempt: times.length })
  })

const retryingFor = (policy: RetryPolicy.RetryPolicy) => RetryPolicy.retrying<Boom>(policy, (e) => e.retryable)

describe("RetryPolicy.retrying", () => {
  it.effect("a retryable error is retried exactly retriesMax times, then surfaces", () =>
    Effect.gen(function* () {
      for (const retriesMax of [1, 3, 7, 20]) {
        const times: Array<number> = []
        const fiber = yield* Effect.forkChild(
          retryingFor({ retriesMax, baseDelayMs: 10, maxDelayMs: 50 })(failing(times))
        )
        yield* TestClock.adjust("1 hour")
        // Polled, not awaited: a schedule that sleeps too long fails here instead of hanging the test.
        const exit = fiber.pollUnsafe()
        assert.strictEqual(times.length, retriesMax + 1, `retriesMax ${retriesMax}`)
        assert.deepStrictEqual(exit, Exit.fail({ retryable: true, attempt: retriesMax + 1 }))
      }
    })
  )

  it.effect("retriesMax 0 tries once", () =>
    Effect.gen(function* () {
      const times: Array<number> = []
      const fiber = yield* Effect.forkChild(
        retryingFor({ retriesMax: 0, baseDelayMs: 10, maxDelayMs: 50 })(failing(times))
      )
      yield* TestClock.adjust("1 hour")
      assert.deepStrictEqual(fiber.pollUnsafe(), Exit.fail({ retryable: true, attempt: 1 }))
      assert.strictEqual(times.length, 1)
    })
  )

  it.effect("a non-retryable error is not retried, and takes no time", () =>
    Effect.gen(function* () {
      const times: Array<number> = []
      const fiber = yield* Effect.forkChild(
        retryingFor({ retriesMax: 5, baseDelayMs: 100, maxDelayMs: 1000 })(failing(times, 0))
      )
      yield* TestClock.adjust("1 millis")
      const done = fiber.pollUnsafe()
      assert.isDefined(done, "finished without waiting for a delay")
      assert.deepStrictEqual(done, Exit.fail({ retryable: false, attempt: 1 }))
      yield* TestClock.adjust("1 hour")
      assert.strictEqual(times.length, 1)
    })
  )

  it.effect("retrying stops at the first non-retryable error", () =>
    Effect.gen(function* () {
      const times: Array<number> = []
      const fiber = yield* Effect.forkChild(
        retryingFor({ retriesMax: 5, baseDelayMs: 100, maxDelayMs: 1000 })(failing(times, 2))
      )
      yield* TestClock.adjust("1 hour")
      assert.deepStrictEqual(fiber.pollUnsafe(), Exit.fail({ retryable: false, attempt: 3 }))
      assert.strictEqual(times.length, 3)
    })
  )

  it.effect("a success after failures is returned", () =>
    Effect.gen(function* () {
      let attempts = 0
      const flaky = Effect.suspend(() =>
        ++attempts < 3 ? Effect.fail<Boom>({ retryable: true, attempt: attempts }) : Effect.succeed("etag")
      )
      const fiber = yield* Effect.forkChild(retryingFor({ retriesMax: 5, baseDelayMs: 100, maxDelayMs: 1000 })(flaky))
      yield* TestClock.adjust("1 hour")
      assert.deepStrictEqual(fiber.pollUnsafe(), Exit.succeed("etag"))
      assert.strictEqual(attempts, 3)
    })
  )

  it.effect("the first retry waits (about) baseDelayMs: nothing happens before 80% of it", () =>
    Effect.gen(function* () {
      const times: Array<number> = []
      const fiber = yield* Effect.forkChild(
        retryingFor({ retriesMax: 2, baseDelayMs: 1000, maxDelayMs: 10_000 })(failing(times))
      )
      yield* TestClock.adjust("799 millis")
      assert.strictEqual(times.length, 1)
      assert.isUndefined(fiber.pollUnsafe())
      yield* TestClock.adjust("401 millis") // 1200 ms: the jittered first delay is over
      assert.strictEqual(times.length, 2)
      assert.isUndefined(fiber.pollUnsafe())
      yield* TestClock.adjust("1 hour")
      assert.deepStrictEqual(fiber.pollUnsafe(), Exit.fail({ retryable: true, attempt: 3 }))
      assert.strictEqual(times.length, 3)
    })
  )

  it.effect("delays grow exponentially from baseDelayMs and never exceed maxDelayMs (+20% jitter)", () =>
    Effect.gen(function* () {
      const policies: ReadonlyArray<RetryPolicy.RetryPolicy> = [
        { retriesMax: 10, baseDelayMs: 100, maxDelayMs: 2_000 },
        { retriesMax: 20, baseDelayMs: 250, maxDelayMs: 20_000 },
        { retriesMax: 6, baseDelayMs: 50, maxDelayMs: 50 },
        { retriesMax: 20, baseDelayMs: 1, maxDelayMs: 300 }
      ]
      for (const policy of policies) {
        const times: Array<number> = []
        const fiber = yield* Effect.forkChild(retryingFor(policy)(failing(times)))
        yield* TestClock.adjust("1 day")
        assert.isDefined(fiber.pollUnsafe(), `finished within a day: ${JSON.stringify(policy)}`)
        assert.strictEqual(times.length, policy.retriesMax + 1)
        for (let i = 1; i < times.length; i++) {
          const delay = (times[i] as number) - (times[i - 1] as number)
          const nominal = Math.min(policy.baseDelayMs * 2 ** (i - 1), policy.maxDelayMs)
          const where = `retry ${i} of ${JSON.stringify(policy)}: ${delay} ms, nominal ${nominal} ms`
          assert.isAtLeast(delay, Math.floor(0.8 * nominal) - 1, where)
          assert.isAtMost(delay, Math.ceil(1.2 * nominal) + 1, where)
          assert.isAtMost(delay, Math.ceil(1.2 * policy.maxDelayMs) + 1, where)
        }
      }
    })
  )
})

// ── Progress.toLegacy ───────────────────────────────────────────────────────────────────────────────────────────

const progressAt = (committedBytes: number, totalBytes: number, restarts = 0): Progress.Progress => ({
  phase: "Uploading",
  restarts,
  committedBytes,
  inFlightBytes: 0,
  totalBytes,
  partsCommitted: 0,
  partCount: 1
})

type Call = readonly [bytesSent: number, totalBytesSent: number, totalBytesExpected: number]

const legacyCalls = (progresses: ReadonlyArray<Progress.Progress>): Array<Call> => {
  const calls: Array<Call> = []
  const report = Progress.toLegacy((a, b, c) => void calls.push([a, b, c]))
  for (const p of progresses) report(p)
  return calls
}

describe("Progress.toLegacy", () => {
  it("reports what was committed since the previous call, and nothing when nothing changed", () => {
    const calls = legacyCalls([0, 0, 10, 10, 10, 25, 100, 100].map((c) => progressAt(c, 100)))
    assert.deepStrictEqual(calls, [
      [10, 10, 100],
      [15, 25, 100],
      [75, 100, 100]
    ])
  })

  it("in-flight bytes alone do not trigger a call", () => {
    const calls = legacyCalls([
      progressAt(0, 100),
      { ...progressAt(0, 100), inFlightBytes: 50 },
      { ...progressAt(0, 100), inFlightBytes: 100 }
    ])
    assert.deepStrictEqual(calls, [])
  })

  it("property: deltas are positive and sum to the committed bytes; one call per change", () => {
    const arb = fc
      .record({
        total: fc.integer({ min: 0, max: 10 ** 12 }),
        steps: fc.array(fc.oneof(fc.constant(0), fc.double({ min: 0, max: 1, noNaN: true })), { maxLength: 40 })
      })
      .map(({ total, steps }) => {
        // Non-decreasing committed bytes, with repeats, never above the total.
        let committed = 0
        const sequence = steps.map((f) => {
          committed = Math.min(total, committed + Math.floor(f * (total - committed)))
          return committed
        })
        return { total, sequence }
      })
    fc.assert(
      fc.property(arb, ({ total, sequence }) => {
        const calls = legacyCalls(sequence.map((c) => progressAt(c, total)))
        const changes = sequence.filter((c, i) => c !== (i === 0 ? 0 : sequence[i - 1]))
        assert.strictEqual(calls.length, changes.length)
        let sum = 0
        calls.forEach(([sent, totalSent, expected], i) => {
          assert.isAbove(sent, 0)
          sum += sent
          assert.strictEqual(totalSent, sum)
          assert.strictEqual(totalSent, changes[i])
          assert.strictEqual(expected, total)
        })
        assert.strictEqual(sum, sequence.length === 0 ? 0 : sequence[sequence.length - 1])
      }),
      params
    )
  })
})

// ── Progress.fromState ──────────────────────────────────────────────────────────────────────────────────────────

const source: Checkpoint.SourceFingerprint = { name: "f", sizeBytes: 12 * MiB + 5, sampleCrc64: "1" }
const plan: PartPlan.PartPlan = {
  sizeBytes: 12 * MiB + 5,
  partSizeBytes: 5 * MiB,
  partCount: 3,
  requestedPartSizeBytes: 5 * MiB
}
const settings: Machine.Settings = {
  checkpointId: "job",
  target: {
    dialect: "oss",
    endpointId: "oss-cn-hangzhou.aliyuncs.com",
    bucket: "b",
    key: "k",
    source,
    limits: Limits.ossLimits,
    requestedPartSizeBytes: 5 * MiB
  },
  plan,
  parallelism: 2,
  persistent: true,
  onUnresumable: "restart",
  deleteUploadIdOnCancelling: true,
  singleRequest: false,
  restartsMax: 3
}
const partOf = (layout: PartPlan.PartPlan, n: number): Checkpoint.PartRecord => ({
  partNumber: n,
  sizeBytes: PartPlan.rangeOf(layout, n).sizeBytes,
  etag: `"e${n}"`,
  crc64: String(n)
})
const next = (state: Machine.UploadState, event: Machine.UploadEvent): Machine.UploadState =>
  Effect.runSync(transition(state, event)).state

describe("Progress.fromState", () => {
  const init = next(Machine.initial(settings), { _tag: "CheckpointLoaded", checkpoint: undefined })
  const uploading = next(init, { _tag: "UploadInitiated", uploadId: "u", atMs: 1 })

  it("is undefined before the upload has a layout and after it stops", () => {
    assert.isUndefined(Progress.fromState(Machine.initial(settings)))
    assert.isUndefined(Progress.fromState(init))
    assert.isUndefined(Progress.fromState(next(uploading, { _tag: "PauseRequested" })))
  })

  it("Uploading counts committed and in-flight bytes apart", () => {
    assert.deepStrictEqual(Progress.fromState(uploading), {
      phase: "Uploading",
      restarts: 0,
      committedBytes: 0,
      inFlightBytes: 10 * MiB, // parts 1 and 2
      totalBytes: 12 * MiB + 5,
      partsCommitted: 0,
      partCount: 3
    })
    const afterOne = next(uploading, { _tag: "PartUploaded", uploadId: "u", part: partOf(plan, 1), atMs: 2 })
    assert.deepStrictEqual(Progress.fromState(afterOne), {
      phase: "Uploading",
      restarts: 0,
      committedBytes: 5 * MiB,
      inFlightBytes: 5 * MiB + 2 * MiB + 5, // parts 2 and 3
      totalBytes: 12 * MiB + 5,
      partsCommitted: 1,
      partCount: 3
    })
    const afterThree = next(afterOne, { _tag: "PartUploaded", uploadId: "u", part: partOf(plan, 3), atMs: 3 })
    assert.deepStrictEqual(Progress.fromState(afterThree), {
      phase: "Uploading",
      restarts: 0,
      committedBytes: 7 * MiB + 5,
      inFlightBytes: 5 * MiB,
      totalBytes: 12 * MiB + 5,
      partsCommitted: 2,
      partCount: 3
    })
  })

  it("Completing and Completed count everything as committed", () => {
    let s = uploading
    for (const n of [2, 1, 3]) s = next(s, { _tag: "PartUploaded", uploadId: "u", part: partOf(plan, n), atMs: 5 })
    assert.strictEqual(s._tag, "Completing")
    assert.deepStrictEqual(Progress.fromState(s), {
      phase: "Completing",
      restarts: 0,
      committedBytes: 12 * MiB + 5,
      inFlightBytes: 0,
      totalBytes: 12 * MiB + 5,
      partsCommitted: 3,
      partCount: 3
    })
    const done = next(s, { _tag: "CompleteAnswered", verdict: { _tag: "Match", etag: "e" } })
    assert.deepStrictEqual(Progress.fromState(done), {
      phase: "Completed",
      restarts: 0,
      committedBytes: 12 * MiB + 5,
      inFlightBytes: 0,
      totalBytes: 12 * MiB + 5,
      partsCommitted: 3,
      partCount: 3
    })
  })

  it("property: parts answered in any order: committed grows, committed + in flight ≤ total, ends at total", () => {
    const arb = fc
      .record({ sizeBytes: fc.integer({ min: 0, max: 40 * MiB }), parallelism: fc.integer({ min: 1, max: 5 }) })
      .chain(({ sizeBytes, parallelism }) =>
        fc.record({
          sizeBytes: fc.constant(sizeBytes),
          parallelism: fc.constant(parallelism),
          picks: fc.array(fc.nat(), { minLength: 10, maxLength: 10 })
        })
      )
    fc.assert(
      fc.property(arb, ({ sizeBytes, parallelism, picks }) => {
        const layout = { ...plan, sizeBytes, partCount: PartPlan.partCountFor(sizeBytes, plan.partSizeBytes) }
        const s0 = {
          ...settings,
          plan: layout,
          parallelism,
          target: { ...settings.target, source: { ...source, sizeBytes } }
        }
        let s = next(next(Machine.initial(s0), { _tag: "CheckpointLoaded", checkpoint: undefined }), {
          _tag: "UploadInitiated",
          uploadId: "u",
          atMs: 1
        })
        let committed = 0
        let i = 0
        while (s._tag === "Uploading") {
          const p = Progress.fromState(s)
          assert.isDefined(p)
          if (p === undefined) return
          assert.isAtLeast(p.committedBytes, committed)
          assert.isAtMost(p.committedBytes + p.inFlightBytes, p.totalBytes)
          assert.isAbove(p.inFlightBytes + (sizeBytes === 0 ? 1 : 0), 0, "something is in flight while uploading")
          committed = p.committedBytes
          const flying = [...s.inFlight]
          const n = flying[(picks[i++ % picks.length] as number) % flying.length] as number
          s = next(s, { _tag: "PartUploaded", uploadId: "u", part: partOf(layout, n), atMs: 2 })
        }
        assert.strictEqual(s._tag, "Completing")
        const p = Progress.fromState(s)
        assert.strictEqual(p?.committedBytes, sizeBytes)
        assert.strictEqual(p?.partsCommitted, layout.partCount)
      }),
      params
    )
  })
})

// ── Known core bugs: reported, not fixed here. `it.fails` passes while the bug is present; drop `.fails` once fixed.

describe("Progress: known bugs (reported)", () => {
  it("fixed: toLegacy reports a negative bytesSent when a restart resets committed bytes", () => {
    // Uploading → the store loses the upload → restart (restarts 1, committed 0) → upload again.
    let s = next(next(Machine.initial(settings), { _tag: "CheckpointLoaded", checkpoint: undefined }), {
      _tag: "UploadInitiated",
      uploadId: "u1",
      atMs: 1
    })
    const calls: Array<Call> = []
    const report = Progress.toLegacy((a, b, c) => void calls.push([a, b, c]))
    const feed = (event: Machine.UploadEvent) => {
      s = next(s, event)
      const p = Progress.fromState(s)
      if (p !== undefined) report(p)
    }
    feed({ _tag: "PartUploaded", uploadId: "u1", part: partOf(plan, 1), atMs: 2 })
    feed({ _tag: "UploadNotFound" })
    feed({ _tag: "UploadInitiated", uploadId: "u2", atMs: 3 })
    feed({ _tag: "PartUploaded", uploadId: "u2", part: partOf(plan, 2), atMs: 4 })
    // Today: [[5 MiB, 5 MiB, T], [-5 MiB, 0, T], [5 MiB, 5 MiB, T]].
    for (const [sent] of calls) assert.isAtLeast(sent, 0, JSON.stringify(calls))
  })
})
