/**
 * Scenarios: everything a simulated upload can meet, drawn by fast-check so failures shrink to a small case.
 *
 * Fault rates are drawn per scenario (swarm testing): some runs see no drops and many crashes, others the
 * reverse, which finds more than one fixed mix would.
 *
 * @since 0.1.0
 */
import fc from "fast-check"
import type { DialectLimits } from "../../core/Limits.ts"

/** @category models */
export interface Scenario {
  readonly seed: number
  readonly dialect: "oss" | "s3"
  readonly key: string
  readonly sizeBytes: number
  readonly partSizeBytes: number
  /** Part size asked for by the runs after the first; a resume must keep the checkpoint's. */
  readonly resumePartSizeBytes: number
  readonly partCountMax: number
  readonly listPageSize: number
  readonly parallelism: number
  readonly retriesMax: number
  readonly persistent: boolean
  readonly onUnresumable: "restart" | "fail"
  readonly deleteUploadIdOnCancelling: boolean
  readonly emptyCompleteEtag: boolean
  readonly faults: {
    readonly drop: number
    readonly loseResponse: number
    readonly serverError: number
    readonly throttle: number
    readonly abandonedApplied: number
  }
  readonly crashP: number
  readonly crashesMax: number
  readonly tornP: number
  readonly lostP: number
  readonly sourceChangeP: number
  readonly expiryP: number
  /** Another writer overwrites a part of a live upload (a stale process, a buggy tool). */
  readonly foreignWriteP: number
  /** A pause or cancel, requested at this step of the first run that reaches it. */
  readonly stop: { readonly kind: "Pause" | "Cancel"; readonly atStep: number } | undefined
  /** The source is a stream of unknown size, pulled in uneven chunks (the stream family; absent: a sized source). */
  readonly stream?: true
}

/** The smallest part the simulated store accepts: keeps scenarios fast while keeping parts many. @category constants */
export const simPartSizeBytesMin = 64

/** @category constructors */
export const limitsOf = (scenario: Scenario): DialectLimits => ({
  partCountMax: scenario.partCountMax,
  partSizeBytesMin: simPartSizeBytesMin,
  partSizeBytesMax: 1024 * 1024,
  objectSizeBytesMax: scenario.partCountMax * 1024 * 1024,
  listPageSizeMax: scenario.listPageSize
})

/** Swarm levels: off in about a third of scenarios, otherwise low to heavy. fast-check's own doubles cluster at 0. */
const rate = (max: number) => fc.constantFrom(0, 0, max / 8, max / 4, max / 2, max)

/** @category arbitraries */
export const scenarioArbitrary: fc.Arbitrary<Scenario> = fc.record({
  seed: fc.integer({ min: 0, max: 2 ** 31 - 1 }),
  dialect: fc.constantFrom("oss" as const, "s3" as const),
  key: fc.oneof(fc.constant("dir/object.bin"), fc.constant("../../etc/passwd"), fc.constant("ключ/数据 ?#%.bin")),
  sizeBytes: fc.oneof(
    { weight: 1, arbitrary: fc.constant(0) },
    { weight: 4, arbitrary: fc.integer({ min: 1, max: 200 }) },
    { weight: 15, arbitrary: fc.integer({ min: 200, max: 2400 }) }
  ),
  partSizeBytes: fc.integer({ min: simPartSizeBytesMin, max: 600 }),
  resumePartSizeBytes: fc.integer({ min: simPartSizeBytesMin, max: 600 }),
  partCountMax: fc.oneof(
    { weight: 5, arbitrary: fc.constant(10_000) },
    { weight: 1, arbitrary: fc.integer({ min: 2, max: 6 }) }
  ),
  listPageSize: fc.integer({ min: 1, max: 5 }),
  parallelism: fc.constantFrom(1, 2, 3, 4, 5),
  retriesMax: fc.constantFrom(0, 1, 2, 4),
  persistent: fc.constantFrom(true, true, true, false),
  onUnresumable: fc.constantFrom("restart" as const, "restart" as const, "restart" as const, "fail" as const),
  deleteUploadIdOnCancelling: fc.boolean(),
  emptyCompleteEtag: fc.boolean(),
  faults: fc.record({
    drop: rate(0.15),
    loseResponse: rate(0.15),
    serverError: rate(0.1),
    throttle: rate(0.1),
    abandonedApplied: rate(0.8)
  }),
  crashP: rate(0.12),
  crashesMax: fc.constantFrom(0, 1, 2, 3, 4),
  tornP: rate(0.5),
  lostP: rate(0.5),
  sourceChangeP: rate(0.3),
  expiryP: rate(0.02),
  foreignWriteP: rate(0.03),
  stop: fc.option(
    fc.record({ kind: fc.constantFrom("Pause" as const, "Cancel" as const), atStep: fc.integer({ min: 0, max: 60 }) }),
    { nil: undefined, freq: 3 }
  )
})

/**
 * The stream family: the same worlds with the source read as a stream (growing parts, resume by digest,
 * divergence when the source changes between runs). Drawn apart so the sized family's scenarios stay as they were.
 *
 * @category arbitraries
 */
export const streamScenarioArbitrary: fc.Arbitrary<Scenario> = scenarioArbitrary.map((scenario) => ({
  ...scenario,
  // Sources change after crashes more often here: divergence (a part re-sent, or CannotResumeUpload) is the point.
  sourceChangeP: Math.max(scenario.sourceChangeP, 0.5),
  stream: true as const
}))
