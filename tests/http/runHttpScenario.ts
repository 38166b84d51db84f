/**
 * Runs one HTTP scenario: a target store (a fresh local OSS server by default, or RGW) behind the fault proxy, and
 * a sequence of runs of the same upload request sharing one persistent checkpoint store, as successive processes
 * would. Chaos runs see faults and crashes; then the network heals and the upload must finish. Invariants are
 * checked after every run. On a store scenarios share, the scenario's key is cleaned up when it ends.
 */
import * as Effect from "effect/Effect"
import * as Exit from "effect/Exit"
import * as FetchHttpClient from "effect/http/FetchHttpClient"
import * as Option from "effect/Option"
import * as NodeHasher from "../../adapters/node/NodeHasher.ts"
import * as MemoryByteSource from "../../adapters/portable/MemoryByteSource.ts"
import type * as Driver from "../../core/Driver.ts"
import { CheckpointStore } from "../../core/ports/CheckpointStore.ts"
import { ObjectStore, type ObjectStoreShape } from "../../core/ports/ObjectStore.ts"
import { startUpload } from "../../core/ResumableUpload.ts"
import type { UploadRequest } from "../../core/UploadRequest.ts"
import * as FaultProxy from "./FaultProxy.ts"
import { chaosRuns, type HttpScenario, healedRunsMax, sourceOf } from "./HttpScenario.ts"
import { checkRun, heldParts, type RunEnd } from "./httpInvariants.ts"
import { describeEnd, makeStack, taggedFetch } from "./httpStack.ts"
import { forgetKey, type HttpTarget, localTarget } from "./httpTargets.ts"
import { makeRecordingCheckpoints } from "./recordingCheckpoints.ts"
import { operationOf } from "./wireInvariants.ts"

export interface ScenarioResult {
  readonly violations: ReadonlyArray<string>
  readonly trace: ReadonlyArray<string>
  readonly outcomes: ReadonlyArray<string>
  /** `operation fate` of every request, for the suite's coverage line. */
  readonly fates: ReadonlyArray<string>
  /** Per run that found a checkpoint: how many of its recorded parts the store still held, which it must not resend. */
  readonly heldAtStart: ReadonlyArray<number>
}

/** The default key: a folder, a space, non-ASCII and characters that need encoding in a URL. */
export const defaultKey = "dir/http sim ключ+?.bin"
/** Turns a hang into a reported failure long before vitest's own timeout. */
const runTimeoutMs = 20_000

/** One run: the upload, raced against its crash point, with the pause or cancel sent when its time comes. */
const attempt = (
  request: UploadRequest,
  reached: (count: number) => Promise<void>,
  crashAfter: number | null,
  stop: HttpScenario["stop"]
): Effect.Effect<RunEnd, never, Driver.Services> =>
  Effect.scoped(
    Effect.gen(function* () {
      const handle = yield* startUpload(request)
      const crash =
        crashAfter === null
          ? Effect.never
          : Effect.as(
              Effect.promise(() => reached(crashAfter)),
              "Crashed" as const
            )
      const stopper =
        stop === null
          ? Effect.never
          : Effect.promise(() => reached(stop.afterRequests)).pipe(
              Effect.andThen(stop.kind === "Pause" ? handle.pause : handle.cancel),
              Effect.andThen(Effect.never)
            )
      // Leaving the scope on a crash interrupts the upload fiber, as a killed process would stop.
      return yield* Effect.raceFirst(Effect.exit(handle.outcome), Effect.raceFirst(crash, stopper))
    })
  )

export const runHttpScenario = (
  scenario: HttpScenario,
  options: { readonly target?: HttpTarget; readonly key?: string } = {}
): Effect.Effect<ScenarioResult> =>
  Effect.scoped(
    Effect.gen(function* () {
      const target = options.target ?? localTarget
      const bucket = target.bucket
      const key = options.key ?? defaultKey
      const { proxy, direct, proxied } = yield* makeStack({
        ...scenario,
        target,
        ...(target.shared ? { afterClose: (store: ObjectStoreShape) => forgetKey(store, bucket, key) } : {})
      })
      const checkpoints = makeRecordingCheckpoints()
      const source = sourceOf(scenario)
      const violations: Array<string> = []
      const trace: Array<string> = []
      const outcomes: Array<string> = []
      const heldAtStart: Array<number> = []
      let completed = false
      let previousCommittedBytes: number | undefined

      for (let run = 0; run < chaosRuns + healedRunsMax && !completed && violations.length === 0; run++) {
        const chaos = run < chaosRuns
        const tag = `r${run}`
        proxy.setRates(chaos ? scenario.faults : FaultProxy.noFaults)
        const found = (yield* checkpoints.startRun)[0]
        const atStart = found === undefined ? undefined : yield* heldParts(direct, { bucket, key }, found)
        if (atStart !== undefined) heldAtStart.push(atStart.parts.size)
        const progress: Array<{ restarts: number; committedBytes: number }> = []
        const request: UploadRequest = {
          bucket,
          key,
          source: MemoryByteSource.make(source, { name: "http-sim-source" }),
          partSizeBytes: scenario.partSizeBytes,
          parallelism: scenario.parallelism,
          deleteUploadIdOnCancelling: scenario.deleteUploadIdOnCancelling,
          retry: { retriesMax: scenario.retriesMax, baseDelayMs: 5, maxDelayMs: 50 },
          onProgress: (p) => void progress.push({ restarts: p.restarts, committedBytes: p.committedBytes })
        }
        const crashAfter = chaos ? (scenario.crashAfter[run] ?? null) : null
        const stop = scenario.stop?.run === run ? scenario.stop : null
        const ended = yield* attempt(request, (n) => proxy.reached(tag, n), crashAfter, stop).pipe(
          Effect.provideService(FetchHttpClient.Fetch, taggedFetch(tag)),
          Effect.provideService(ObjectStore, proxied),
          Effect.provideService(CheckpointStore, checkpoints.store),
          Effect.provide(NodeHasher.layer),
          Effect.timeoutOption(runTimeoutMs)
        )
        const requests = proxy.log.filter((r) => r.tag === tag)
        trace.push(
          `${tag}${chaos ? "" : " (healed)"}: crashAfter=${crashAfter} stop=${stop?.kind ?? "-"}@${stop?.afterRequests ?? "-"} held=${atStart?.parts.size ?? "-"}`,
          ...requests.map(
            (r) => `  #${r.seq} ${operationOf(r)} ${r.path.split("?")[1] ?? ""} ${r.fate} ${r.status ?? "-"}`
          )
        )
        if (Option.isNone(ended)) {
          violations.push(`run ${run} did not end within ${runTimeoutMs} ms`)
          break
        }
        const end = ended.value
        outcomes.push(describeEnd(end))
        trace.push(`${tag} end: ${describeEnd(end)}`)
        completed = end !== "Crashed" && Exit.isSuccess(end) && end.value._tag === "Completed"
        const broken = yield* checkRun(direct, {
          run,
          bucket,
          key,
          source,
          parallelism: scenario.parallelism,
          deleteUploadIdOnCancelling: scenario.deleteUploadIdOnCancelling,
          end,
          requests,
          maxPartsInFlight: proxy.maxPartsInFlight(tag),
          progress,
          namedUploadIds: checkpoints.namedUploadIds,
          checkpointsLeft: yield* checkpoints.count,
          atStart,
          previousCommittedBytes
        })
        violations.push(...broken)
        // A restarted upload's progress starts again from zero, so it says nothing about the checkpoint.
        previousCommittedBytes = progress.some((p) => p.restarts > 0) ? undefined : progress.at(-1)?.committedBytes
      }
      if (violations.length === 0 && !completed)
        violations.push(`no completion within ${healedRunsMax} healed runs: ${outcomes.join(" | ")}`)
      const fates = proxy.log.map((r) => `${operationOf(r)} ${r.fate}`)
      return { violations, trace, outcomes, fates, heldAtStart }
    })
  )
