/**
 * Scenarios of the HTTP fault simulation, drawn by fast-check: the source, the request's knobs, the fault mix the
 * proxy applies during the chaos runs, where each chaos run crashes, and an optional pause or cancel.
 *
 * Fault rates are drawn per scenario (swarm testing), as in the in-process simulation: one mix for all would
 * leave whole kinds of interleavings unexplored. Sizes come from a target's {@link ScenarioProfile}: 64 KiB parts
 * for the local server, S3's 5 MiB minimum for RGW.
 */
import fc from "fast-check"
import type { FaultRates } from "./FaultProxy.ts"

export const KiB = 1024
/** The server's and the client's smallest part: small enough that a 1 MiB source still has many parts. */
export const partSizeBytesMin = 64 * KiB
/** Runs with faults and crashes; the runs after them see a healed network and must finish the upload. */
export const chaosRuns = 3
export const healedRunsMax = 2

export interface HttpScenario {
  readonly sizeBytes: number
  readonly partSizeBytes: number
  readonly parallelism: number
  readonly retriesMax: number
  readonly signatureVersion: "v1" | "v4"
  readonly deleteUploadIdOnCancelling: boolean
  readonly faults: FaultRates
  /** Per chaos run: interrupt the upload once this many of its requests reached the proxy, or never. */
  readonly crashAfter: ReadonlyArray<number | null>
  /** In run `run`, ask for a pause or cancel once `afterRequests` of its requests reached the proxy. */
  readonly stop: {
    readonly run: number
    readonly kind: "Pause" | "Cancel"
    readonly afterRequests: number
  } | null
  readonly proxySeed: number
  /** Bytes of the source are derived from it, so two scenarios rarely share content. */
  readonly contentSeed: number
}

/** Off in about a third of scenarios, otherwise low to heavy; fast-check's own doubles cluster at 0. */
const rate = (max: number) => fc.constantFrom(0, 0, max / 4, max / 2, max)

/** The sizes a target's scenarios are drawn from: the store's smallest part sets the scale of everything else. */
export interface ScenarioProfile {
  readonly partSizeBytesMin: number
  readonly partSizeBytesMax: number
  /** A few edge sizes, drawn one time in six. */
  readonly edgeSizesBytes: ReadonlyArray<number>
  /** The other five times: a source size in this range. */
  readonly sizeBytesRange: { readonly min: number; readonly max: number }
  /** Chaos runs crash after 1 to this many requests; scaled to how many requests a run makes. */
  readonly crashAfterMax: number
  readonly signatureVersions: ReadonlyArray<"v1" | "v4">
}

/** The local server: parts of 64 to 256 KiB, sources up to 1 MiB, OSS signed V1 or V4. */
export const localProfile: ScenarioProfile = {
  partSizeBytesMin,
  partSizeBytesMax: 256 * KiB,
  edgeSizesBytes: [0, 1, partSizeBytesMin, partSizeBytesMin + 1],
  sizeBytesRange: { min: 0, max: 1024 * KiB },
  crashAfterMax: 24,
  signatureVersions: ["v1", "v4"]
}

/** Scenarios for `profile`; with {@link localProfile} the very arbitrary the local suite has always drawn from. */
export const scenarioArbitrary = (profile: ScenarioProfile): fc.Arbitrary<HttpScenario> =>
  fc.record({
    sizeBytes: fc.oneof(
      { weight: 1, arbitrary: fc.constantFrom(...profile.edgeSizesBytes) },
      { weight: 5, arbitrary: fc.integer(profile.sizeBytesRange) }
    ),
    partSizeBytes: fc.oneof(
      fc.constant(profile.partSizeBytesMin),
      fc.integer({ min: profile.partSizeBytesMin, max: profile.partSizeBytesMax })
    ),
    parallelism: fc.integer({ min: 1, max: 4 }),
    retriesMax: fc.integer({ min: 0, max: 4 }),
    signatureVersion: fc.constantFrom(...profile.signatureVersions),
    deleteUploadIdOnCancelling: fc.boolean(),
    faults: fc.record({
      dropMidBody: rate(0.2),
      loseResponse: rate(0.2),
      internalError: rate(0.12),
      slowDown: rate(0.12)
    }),
    crashAfter: fc.array(fc.option(fc.integer({ min: 1, max: profile.crashAfterMax }), { freq: 2 }), {
      minLength: chaosRuns,
      maxLength: chaosRuns
    }),
    stop: fc.option(
      fc.record({
        run: fc.integer({ min: 0, max: chaosRuns - 1 }),
        kind: fc.constantFrom("Pause" as const, "Cancel" as const),
        afterRequests: fc.integer({ min: 1, max: 8 })
      }),
      { freq: 3 }
    ),
    proxySeed: fc.integer({ min: 0, max: 2 ** 31 - 1 }),
    contentSeed: fc.integer({ min: 0, max: 255 })
  })

export const httpScenarioArbitrary: fc.Arbitrary<HttpScenario> = scenarioArbitrary(localProfile)

/** The source bytes of a scenario (a plain loop: the RGW scenarios' sources run to tens of MiB). */
export const sourceOf = (scenario: HttpScenario): Uint8Array => {
  const bytes = new Uint8Array(scenario.sizeBytes)
  for (let i = 0; i < bytes.length; i++) bytes[i] = (i * 131 + (i >>> 8) * 7 + scenario.contentSeed) & 255
  return bytes
}
