/**
 * The fault proxy does what the HTTP simulation relies on, one fate at a time against the local server: a body
 * cut mid-way is never applied, a lost response's request is, a 5xx from the proxy never reaches the server and
 * reads as a retryable OSS error; and the invariant checks flag what they are meant to, so they are not vacuous.
 */
import { createHash } from "node:crypto"
import { assert, describe, it } from "@effect/vitest"
import * as Effect from "effect/Effect"
import * as Exit from "effect/Exit"
import * as Crc64 from "../../core/Crc64.ts"
import { isRetryable } from "../../core/ports/ObjectStore.ts"
import * as FaultProxy from "./FaultProxy.ts"
import { checkRun, type RunFacts } from "./httpInvariants.ts"
import { makeStack, type Stack } from "./httpStack.ts"

const ref = { bucket: "bkt", key: "k" }
const body = Uint8Array.from({ length: 70_000 }, (_, i) => i & 255)
const md5Base64 = createHash("md5").update(body).digest("base64")
const part = { bytes: body, md5Base64, crc64: Crc64.compute(body) }

/**
 * A server, the proxy in front of it, and a store through each; all closed afterwards. A cut body stays open
 * 200 ms, so the server is surely reading it when the connection dies (see AbortedBodyRepro.test.ts for why).
 */
const withProxy = <A>(use: (stack: Stack) => Effect.Effect<A>) =>
  Effect.scoped(Effect.flatMap(makeStack({ proxySeed: 7, signatureVersion: "v4", dropDelayMs: 200 }), use))

const only = (fate: keyof FaultProxy.FaultRates): FaultProxy.FaultRates => ({ ...FaultProxy.noFaults, [fate]: 1 })

describe("fault proxy", () => {
  for (const [fate, applied] of [
    ["dropMidBody", false],
    ["loseResponse", true],
    ["internalError", false],
    ["slowDown", false]
  ] as const) {
    it.live(
      `${fate}: the client sees a retryable failure; the server ${applied ? "applied" : "did not apply"} it`,
      () =>
        withProxy(({ direct, proxied, proxy }) =>
          Effect.gen(function* () {
            const uploadId = yield* Effect.orDie(direct.initiate(ref))
            proxy.setRates(only(fate))
            const error = yield* Effect.orDie(
              Effect.flip(proxied.uploadPart({ ...ref, uploadId, partNumber: 1, body: part }))
            )
            assert.isTrue(isRetryable(error), error.message)
            if (fate === "internalError") assert.strictEqual(error.code, "InternalError")
            if (fate === "slowDown") {
              assert.strictEqual(error.code, "SlowDown")
              const head = yield* Effect.orDie(Effect.flip(proxied.head(ref)))
              assert.strictEqual(head.code, "SlowDown", "a HEAD reads the code from x-oss-err")
            }
            const listed = yield* Effect.orDie(direct.listParts({ ...ref, uploadId }))
            assert.strictEqual(listed.parts.length, applied ? 1 : 0)
            const logged = proxy.log[0]
            assert.strictEqual(logged?.method, "PUT")
            assert.match(logged?.path ?? "", /partNumber=1/)
            assert.strictEqual(logged?.fate, fate.charAt(0).toUpperCase() + fate.slice(1))
          })
        )
    )
  }

  it.live("the invariant checks flag a repeated Complete, a re-sent confirmed part and progress going back", () =>
    withProxy(({ direct }) =>
      Effect.gen(function* () {
        const at = (seq: number, method: string, path: string, answeredAt?: number): FaultProxy.LoggedRequest => ({
          seq,
          tag: "r0",
          method,
          path,
          fate: "Forward",
          status: 200,
          arrivedAt: seq * 10,
          answeredAt
        })
        const facts: RunFacts = {
          run: 0,
          ...ref,
          source: new Uint8Array(0),
          parallelism: 1,
          deleteUploadIdOnCancelling: true,
          end: Exit.succeed({ _tag: "Paused", checkpointId: "c", committedBytes: 0, byCancel: false }),
          requests: [
            at(0, "PUT", "/bkt/k?partNumber=1&uploadId=u", 5),
            at(1, "PUT", "/bkt/k?partNumber=1&uploadId=u"),
            at(2, "POST", "/bkt/k?uploadId=u"),
            at(3, "POST", "/bkt/k?uploadId=u")
          ],
          maxPartsInFlight: 2,
          progress: [
            { restarts: 0, committedBytes: 10 },
            { restarts: 0, committedBytes: 5 }
          ],
          namedUploadIds: new Set(),
          checkpointsLeft: 1,
          atStart: undefined,
          previousCommittedBytes: undefined
        }
        const violations = (yield* checkRun(direct, facts)).join("\n")
        assert.match(violations, /sent Complete 2 times for u/)
        assert.match(violations, /sent part u#1 again/)
        assert.match(violations, /2 parts in flight, parallelism 1/)
        assert.match(violations, /committed progress went back from 10 to 5/)
      })
    )
  )
})
