/**
 * Runs one scenario: a sequence of process runs of the same upload request against one simulated store, with
 * the controller choosing, step by step, which parked request is settled (and how), when time moves, and when the
 * process crashes. After a chaos phase the world heals, and the upload must then finish.
 *
 * Every step is appended to a trace, printed with the seed when an invariant breaks.
 *
 * @since 0.1.0
 */
import * as Clock from "effect/Clock"
import * as Effect from "effect/Effect"
import * as Exit from "effect/Exit"
import * as Fiber from "effect/Fiber"
import * as Layer from "effect/Layer"
import * as Queue from "effect/Queue"
import * as Random from "effect/Random"
import * as PortableHasher from "../../adapters/portable/PortableHasher.ts"
import type { Fate } from "../../adapters/sim/SimNetwork.ts"
import * as SimObjectStore from "../../adapters/sim/SimObjectStore.ts"
import * as Driver from "../../core/Driver.ts"
import * as CheckpointStore from "../../core/ports/CheckpointStore.ts"
import { ObjectStore } from "../../core/ports/ObjectStore.ts"
import type { UploadEvent } from "../../core/UploadMachine.ts"
import { checkpointIdFor } from "../../core/UploadRequest.ts"
import { checkRunEnd, forgetPart, type RunTrace, recordStart, startOfRun } from "./Invariants.ts"
import { limitsOf, type Scenario } from "./Scenario.ts"
import { makeWorld, type World } from "./SimWorld.ts"

/** Bounds that turn a hang into a reported failure. @category constants */
export const stepsPerRunMax = 4000
export const runsMax = 14
const healedRunsMax = 4
/** Runs after which the world heals for certain, leaving `runsMax - chaosRunsMax` for liveness. */
const chaosRunsMax = 6

/** @category models */
export interface ScenarioResult {
  readonly violations: ReadonlyArray<string>
  readonly trace: ReadonlyArray<string>
  readonly runs: number
  readonly outcome: string
  /** Counts of what happened, for the suite's coverage line: crashes, fates, notices, disk faults. */
  readonly stats: ReadonlyMap<string, number>
}

const bucket = "sim-bucket"

/** @category runners */
export const runScenario = (scenario: Scenario): ScenarioResult => {
  const world = makeWorld({
    seed: scenario.seed,
    dialect: scenario.dialect,
    limits: limitsOf(scenario),
    persistent: scenario.persistent,
    sizeBytes: scenario.sizeBytes,
    sourceName: "sim/source.bin"
  })
  const violations: Array<string> = []
  const trace: Array<string> = []
  const store = SimObjectStore.make(world.model, world.network, {
    nowMs: () => world.clock.nowMs,
    emptyCompleteEtag: scenario.dialect === "s3" && scenario.emptyCompleteEtag
  })
  const layer = Layer.mergeAll(
    Layer.succeed(ObjectStore, store),
    Layer.succeed(CheckpointStore.CheckpointStore, CheckpointStore.make(world.disk.storage)),
    PortableHasher.layer
  )
  let chaos = true
  let crashes = 0
  let stopPending = scenario.stop
  let healedRuns = 0
  let outcome = "none"
  let previous: RunTrace | undefined
  const notices: Array<string> = []
  let run = 0
  for (; run < runsMax && violations.length === 0; run++) {
    if (!chaos) healedRuns++
    world.network.client = run
    world.network.onAbandoned = () => chaos && world.prng.chance(scenario.faults.abandonedApplied)
    // Made inside the simulated runtime: a queue wakes its takers through the dispatcher it was created on.
    let events: Queue.Queue<UploadEvent> | undefined
    const current: RunTrace = startOfRun(world, run, previous)
    const request = {
      bucket,
      key: scenario.key,
      source: scenario.stream === true ? world.source.streamSource(run) : world.source.byteSource(),
      partSizeBytes: run === 0 ? scenario.partSizeBytes : scenario.resumePartSizeBytes,
      parallelism: scenario.parallelism,
      deleteUploadIdOnCancelling: scenario.deleteUploadIdOnCancelling,
      onUnresumable: scenario.onUnresumable,
      retry: { retriesMax: scenario.retriesMax, baseDelayMs: 100, maxDelayMs: 2000 },
      onProgress: (p: { readonly committedBytes: number; readonly restarts: number }) =>
        void current.committed.push({ restarts: p.restarts, bytes: p.committedBytes }),
      onNotice: (n: { readonly _tag: string }) => void current.notices.push(n._tag)
    }
    current.checkpointId = checkpointIdFor(store, request)
    current.checkpointAtStart = world.disk.files.get(current.checkpointId)
    recordStart(world, current, bucket, scenario.key)
    const program = Queue.unbounded<UploadEvent>().pipe(
      Effect.tap((queue) =>
        Effect.sync(() => {
          events = queue
        })
      ),
      Effect.flatMap((queue) => Effect.scoped(Driver.run(request, queue))),
      Effect.provide(layer),
      Effect.provideService(Clock.Clock, world.clock.service),
      Random.withSeed(`${scenario.seed}/${run}`)
    )
    let exit: Exit.Exit<Driver.UploadOutcome, Driver.UploadError> | undefined
    const fiber = Effect.runFork(program, { scheduler: world.scheduler.scheduler })
    fiber.addObserver((e) => {
      exit = e
    })
    world.scheduler.drain()
    let crashed = false
    for (let step = 0; exit === undefined; step++) {
      if (step >= stepsPerRunMax) {
        violations.push(`run ${run} did not end within ${stepsPerRunMax} steps`)
        break
      }
      if (stopPending !== undefined && step >= stopPending.atStep) {
        trace.push(`r${run}s${step} request ${stopPending.kind}`)
        if (events !== undefined)
          Queue.offerUnsafe(events, { _tag: stopPending.kind === "Pause" ? "PauseRequested" : "CancelRequested" })
        stopPending = undefined
      } else if (chaos && crashes < scenario.crashesMax && world.prng.chance(scenario.crashP)) {
        trace.push(`r${run}s${step} crash`)
        crashes++
        crashed = true
        Effect.runFork(Fiber.interrupt(fiber), { scheduler: world.scheduler.scheduler })
      } else if (chaos && world.prng.chance(scenario.expiryP)) {
        const live = world.model.liveUploads()
        const victim = live[world.prng.int(live.length)]
        if (victim !== undefined) {
          trace.push(`r${run}s${step} expire ${victim.uploadId}`)
          world.model.expireUpload(victim.uploadId)
        }
      } else if (chaos && world.prng.chance(scenario.foreignWriteP)) {
        foreignWrite(world, trace, `r${run}s${step}`, current)
      } else if (!advance(world, scenario, chaos, trace, `r${run}s${step}`)) {
        violations.push(`run ${run} is stuck at step ${step}: nothing in flight, nothing due, not finished`)
        break
      }
      world.scheduler.drain()
      current.maxPartsInFlight = Math.max(
        current.maxPartsInFlight,
        world.network.pending.filter((p) => p.record.operation === "UploadPart").length
      )
    }
    if (exit === undefined) {
      Effect.runFork(Fiber.interrupt(fiber), { scheduler: world.scheduler.scheduler })
      world.scheduler.drain()
      break
    }
    outcome = describe(exit, crashed)
    trace.push(`r${run} end: ${outcome}`)
    const tooLong = scenario.stream === true && !crashed ? streamTooLong(exit) : undefined
    if (tooLong !== undefined && tooLong >= world.source.current.length) {
      violations.push(
        `run ${run} refused the stream as longer than ${tooLong} bytes, but it is ${world.source.current.length}`
      )
    }
    if (crashed) {
      const fault = world.disk.crash(world.prng, scenario.tornP, scenario.lostP)
      if (fault !== undefined) trace.push(`r${run} disk after crash: ${fault}`)
      current.diskFault = fault
    }
    violations.push(...checkRunEnd(world, scenario, current, exit, crashed, { bucket, key: scenario.key }))
    previous = current
    notices.push(...current.notices)
    if (!crashed && Exit.isSuccess(exit) && exit.value._tag !== "Paused") break // Completed or Cancelled: the story ends
    if (Exit.isFailure(exit) && !crashed && (isFinal(exit) || tooLong !== undefined)) {
      if (tooLong !== undefined) outcome = "StreamTooLong"
      break
    }
    if (chaos && (run >= chaosRunsMax || (crashes >= scenario.crashesMax && world.prng.chance(0.5)))) {
      chaos = false
      trace.push(`r${run} heal`)
    }
    if (chaos && crashed && world.prng.chance(scenario.sourceChangeP)) {
      world.source.change(2400)
      trace.push(`r${run} source changed to version ${world.source.versions.length - 1}`)
    }
    if (!chaos && healedRuns >= healedRunsMax) {
      violations.push(`no completion after the world healed (${healedRunsMax} runs)`)
      break
    }
  }
  if (
    violations.length === 0 &&
    !outcome.startsWith("Completed") &&
    !outcome.startsWith("Cancelled") &&
    outcome !== "StreamTooLong" &&
    !outcome.includes("CannotResume")
  ) {
    violations.push(`scenario ended without completing: ${outcome}`)
  }
  const stats = new Map<string, number>()
  const count = (k: string) => stats.set(k, (stats.get(k) ?? 0) + 1)
  const patterns: ReadonlyArray<readonly [RegExp, string]> = [
    [/ crash$/, "crash"],
    [/ expire /, "expire"],
    [/ foreign write /, "foreign write"],
    [/ heal$/, "heal"],
    [/ source changed /, "source changed"],
    [/ request Pause$/, "pause requested"],
    [/ request Cancel$/, "cancel requested"],
    [/ disk after crash: (\w+)$/, "disk "]
  ]
  for (const line of trace) {
    for (const [pattern, key] of patterns) {
      const match = pattern.exec(line)
      if (match !== null) count(key === "disk " ? `disk ${match[1]}` : key)
    }
    const fate = / (Drop|LoseResponse|ServerError|Throttle)$/.exec(line)
    if (fate?.[1] !== undefined) count(fate[1])
  }
  for (const req of world.network.log) if (req.fate === "AbandonedApplied") count("AbandonedApplied")
  for (const notice of notices) count(notice)
  if (run > 0) count("multi-run scenarios")
  return { violations, trace, runs: run, outcome, stats }
}

/** Overwrites one stored part of a live upload with other bytes of the same size. */
const foreignWrite = (world: World, trace: Array<string>, at: string, current: RunTrace): void => {
  const live = world.model.liveUploads().filter((u) => u.partNumbers.length > 0)
  const victim = live[world.prng.int(live.length)]
  const partNumber = victim?.partNumbers[world.prng.int(victim.partNumbers.length)]
  if (victim === undefined || partNumber === undefined) return
  const listed = world.model.listParts({
    bucket: victim.bucket,
    key: victim.key,
    uploadId: victim.uploadId,
    partNumberMarker: partNumber - 1,
    maxParts: 1
  })
  const sizeBytes = listed.ok ? (listed.value.parts[0]?.sizeBytes ?? 0) : 0
  if (sizeBytes === 0) return
  world.model.uploadPart(
    {
      bucket: victim.bucket,
      key: victim.key,
      uploadId: victim.uploadId,
      partNumber,
      bytes: world.prng.bytes(sizeBytes)
    },
    world.clock.nowMs
  )
  trace.push(`${at} foreign write ${victim.uploadId}#${partNumber}`)
  forgetPart(current, victim.uploadId, partNumber, sizeBytes)
}

/** Settles one parked request or fires one timer; false when there is nothing to do. */
const advance = (world: World, scenario: Scenario, chaos: boolean, trace: Array<string>, at: string): boolean => {
  const { pending } = world.network
  const timers = world.clock.timers.length
  if (pending.length > 0 && (timers === 0 || world.prng.chance(0.8))) {
    // Sometimes several answers arrive before the client runs again, so their events queue up together.
    const burst = pending.length > 1 && world.prng.chance(0.25) ? Math.min(pending.length, 2 + world.prng.int(2)) : 1
    for (let n = 0; n < burst; n++) {
      const index = world.prng.int(pending.length)
      const fate = chaos ? pickFate(world, scenario) : "Deliver"
      const record = world.network.decide(index, fate)
      trace.push(
        `${at} ${record.operation}${record.partNumber === undefined ? "" : `#${record.partNumber}`} ${fate}${burst > 1 ? " (burst)" : ""}`
      )
    }
    return true
  }
  if (timers > 0) {
    world.clock.fireNext()
    return true
  }
  return false
}

const pickFate = (world: World, scenario: Scenario): Fate => {
  const { drop, loseResponse, serverError, throttle } = scenario.faults
  const r = world.prng.next()
  if (r < drop) return "Drop"
  if (r < drop + loseResponse) return "LoseResponse"
  if (r < drop + loseResponse + serverError) return "ServerError"
  if (r < drop + loseResponse + serverError + throttle) return "Throttle"
  return "Deliver"
}

const describe = (exit: Exit.Exit<Driver.UploadOutcome, Driver.UploadError>, crashed: boolean): string => {
  if (crashed) return "Crashed"
  if (Exit.isSuccess(exit)) return exit.value._tag
  const error = exit.cause.reasons.find((r) => r._tag === "Fail")
  return error?._tag === "Fail"
    ? `Failed:${error.error._tag}:${"reason" in error.error ? error.error.reason : ""}`
    : `Defect:${String(exit.cause)}`
}

/**
 * The bytes a stream was refused past, when the run failed because the stream is longer than the store's part
 * limit allows (every later run would too: an expected end of the story, whose claim the caller checks).
 */
const streamTooLong = (exit: Exit.Exit<unknown, Driver.UploadError>): number | undefined => {
  if (!Exit.isFailure(exit)) return undefined
  for (const reason of exit.cause.reasons) {
    if (reason._tag !== "Fail" || reason.error._tag !== "UploadFailed" || reason.error.reason !== "SourceUnreadable")
      continue
    const match = / goes on past (\d+) bytes/.exec(reason.error.message)
    if (match?.[1] !== undefined) return Number(match[1])
  }
  return undefined
}

/** A failure no later run can change: the caller asked to be told instead of a restart. */
const isFinal = (exit: Exit.Exit<unknown, Driver.UploadError>): boolean =>
  Exit.isFailure(exit) && exit.cause.reasons.some((r) => r._tag === "Fail" && r.error._tag === "CannotResumeUpload")
