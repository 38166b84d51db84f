/**
 * The HTTP fault simulation of HttpFaults.test.ts against Ceph RGW, a real S3 server, through `S3ObjectStore`:
 * the same fault proxy (its own 500/503 answers S3-shaped) in front of RGW, the same crashes, pauses and cancels,
 * the same invariants, read back from RGW itself: a completed upload's object equals the source byte for byte, a
 * resumed run sends only the parts RGW does not already hold, a cancel that deletes leaves no upload, and Complete
 * goes at most once per run. Parts are 5 MiB and more (RGW enforces S3's minimum), so there are fewer scenarios:
 * `HTTP_SIM_RGW_SCENARIOS` (default 12) raises the count; `HTTP_SIM_SEED` and `HTTP_SIM_PATH` replay a failure.
 *
 * The file's tests share one fresh bucket, each scenario under its own key, cleaned up after it; the bucket goes at
 * the end. Skips with a message when RGW does not answer at `RGW_ENDPOINT`; fails instead under `RGW_REQUIRED=1`.
 */
import { createHash } from "node:crypto"
import { afterAll, assert, beforeAll, describe, it } from "@effect/vitest"
import * as Effect from "effect/Effect"
import * as Exit from "effect/Exit"
import * as Scope from "effect/Scope"
import * as Crc64 from "../../core/Crc64.ts"
import { isRetryable } from "../../core/ports/ObjectStore.ts"
import { rgwGate } from "../support/rgw.ts"
import { checkScenarios } from "./checkScenarios.ts"
import * as FaultProxy from "./FaultProxy.ts"
import { scenarioArbitrary } from "./HttpScenario.ts"
import { makeStack } from "./httpStack.ts"
import { forgetKey } from "./httpTargets.ts"
import { rgwBucket, rgwProfile, rgwTarget } from "./rgwHttpTarget.ts"
import { defaultKey, runHttpScenario } from "./runHttpScenario.ts"

const up = await rgwGate("the HTTP fault simulation against Ceph RGW")

const scenarios = Number(process.env.HTTP_SIM_RGW_SCENARIOS ?? 12)
const seed = Number(process.env.HTTP_SIM_SEED ?? 20260311)

const scope = Scope.makeUnsafe()
const keys = new Set<string>()
let bucket = ""
/** A key no other test or scenario of the file uses; forgotten again when the bucket goes. */
const nextKey = (label: string) => {
  const key = `${label}-${keys.size}/${defaultKey}`
  keys.add(key)
  return key
}

const body = Uint8Array.from({ length: 70_000 }, (_, i) => i & 255)
const part = { bytes: body, md5Base64: createHash("md5").update(body).digest("base64"), crc64: Crc64.compute(body) }
const only = (fate: keyof FaultProxy.FaultRates): FaultProxy.FaultRates => ({ ...FaultProxy.noFaults, [fate]: 1 })

const suite = () => {
  // Creating and deleting a bucket can take RGW several seconds when it is busy (rgwBucket gives up after 30 s).
  beforeAll(async () => {
    bucket = await Effect.runPromise(Scope.provide(rgwBucket(keys), scope))
  }, 60_000)
  afterAll(() => Effect.runPromise(Scope.close(scope, Exit.void)), 60_000)

  for (const [fate, applied] of [
    ["dropMidBody", false],
    ["loseResponse", true],
    ["internalError", false],
    ["slowDown", false]
  ] as const) {
    it.live(
      `the proxy in front of RGW, ${fate}: a retryable S3 error; RGW ${applied ? "applied" : "did not apply"} it`,
      () =>
        Effect.scoped(
          Effect.gen(function* () {
            const ref = { bucket, key: nextKey(fate) }
            // A cut body stays open 200 ms, so RGW is surely reading it when the connection dies.
            const { direct, proxied, proxy } = yield* makeStack({
              proxySeed: 7,
              signatureVersion: "v4",
              dropDelayMs: 200,
              target: rgwTarget(bucket),
              afterClose: (store) => forgetKey(store, ref.bucket, ref.key)
            })
            const uploadId = yield* Effect.orDie(direct.initiate(ref))
            // Forwarded untouched, a SigV4 request signed for the proxy's address verifies at RGW.
            const forwarded = yield* Effect.orDie(proxied.uploadPart({ ...ref, uploadId, partNumber: 1, body: part }))
            assert.strictEqual(forwarded.etag.replaceAll('"', ""), createHash("md5").update(body).digest("hex"))
            proxy.setRates(only(fate))
            const error = yield* Effect.orDie(
              Effect.flip(proxied.uploadPart({ ...ref, uploadId, partNumber: 2, body: part }))
            )
            assert.isTrue(isRetryable(error), error.message)
            if (fate === "internalError" || fate === "slowDown") {
              assert.strictEqual(error.code, fate === "internalError" ? "InternalError" : "SlowDown")
              assert.strictEqual(error.requestId, "fault-1", "the S3 <RequestId>")
              const head = yield* Effect.orDie(Effect.flip(proxied.head(ref)))
              assert.isTrue(isRetryable(head), head.message)
              assert.strictEqual(head.requestId, "fault-2", "a bodiless HEAD answer's x-amz-request-id")
            }
            const listed = yield* Effect.orDie(direct.listParts({ ...ref, uploadId }))
            assert.deepStrictEqual(
              listed.parts.map((p) => p.partNumber),
              applied ? [1, 2] : [1]
            )
            assert.strictEqual(proxy.log[1]?.fate, fate.charAt(0).toUpperCase() + fate.slice(1))
          })
        )
    )
  }

  // Drawn scenarios rarely cancel with delete before a crash or completion comes first; this one always does,
  // with responses lost (the seed loses Abort's answers too, so a retried Abort meets RGW's NoSuchUpload).
  it.live("a cancel that deletes leaves no upload on RGW, and the next run uploads afresh", () =>
    Effect.gen(function* () {
      const result = yield* runHttpScenario(
        {
          sizeBytes: 11 * 1024 * 1024,
          partSizeBytes: rgwProfile.partSizeBytesMin,
          parallelism: 1,
          retriesMax: 3,
          signatureVersion: "v4",
          deleteUploadIdOnCancelling: true,
          faults: { ...FaultProxy.noFaults, loseResponse: 0.3 },
          crashAfter: [null, null, null],
          stop: { run: 0, kind: "Cancel", afterRequests: 3 },
          proxySeed: 4,
          contentSeed: 3
        },
        { target: rgwTarget(bucket), key: nextKey("cancel") }
      )
      assert.deepStrictEqual(result.violations, [], result.trace.join("\n"))
      assert.deepStrictEqual(result.outcomes, ["Cancelled", "Completed"], result.trace.join("\n"))
    })
  )

  it.live(
    `invariants hold across ${scenarios} scenarios (seed ${seed})`,
    () =>
      Effect.gen(function* () {
        const target = rgwTarget(bucket)
        const summary = yield* checkScenarios({
          arbitrary: scenarioArbitrary(rgwProfile),
          // Its own key, so no scenario sees another's object or uploads.
          run: (scenario) => runHttpScenario(scenario, { target, key: nextKey("sim") }),
          count: scenarios,
          seed,
          path: process.env.HTTP_SIM_PATH,
          traceLines: Number(process.env.HTTP_SIM_TRACE_LINES ?? 120),
          label: "rgw http sim"
        })
        assert.isUndefined(summary.failure, summary.failure)
        assert.strictEqual(summary.numRuns, scenarios)
      }),
    // A few seconds a scenario; the margin absorbs a loaded machine.
    Math.max(120_000, scenarios * 10_000)
  )
}

if (up) describe("upload to Ceph RGW over HTTP with injected faults", suite)
else describe.skip("upload to Ceph RGW over HTTP with injected faults (RGW not running)", suite)
