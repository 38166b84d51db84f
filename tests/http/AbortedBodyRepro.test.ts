/**
 * Regression test for a local-server bug the HTTP fault simulation found. A client that drops its connection while
 * the server is still authenticating the request (V1 or V4: the check is asynchronous) left `readBody`
 * (adapters/node/server/requestBody.ts) listening on a request that had already emitted `close`: its promise never
 * settled, the bytes it reserved from the in-flight budget were never released, and `close()` waited out its grace.
 * Enough such drops and the server answered every body with 503 "Too many request bytes in flight" for good.
 */
import { createHash } from "node:crypto"
import { assert, describe, it } from "@effect/vitest"
import * as Effect from "effect/Effect"
import * as Crc64 from "../../core/Crc64.ts"
import { noFaults } from "./FaultProxy.ts"
import { makeStack } from "./httpStack.ts"

const ref = { bucket: "bkt", key: "k" }
const body = Uint8Array.from({ length: 70_000 }, (_, i) => i & 255)
const part = { bytes: body, md5Base64: createHash("md5").update(body).digest("base64"), crc64: Crc64.compute(body) }

describe("local server, a connection dropped before the body is read", () => {
  it.live(
    "releases what the request reserved, so a later part is accepted and close is prompt",
    () =>
      Effect.gen(function* () {
        const started = Date.now()
        yield* Effect.scoped(
          Effect.gen(function* () {
            // Room for one 70 kB body: a single leaked reservation refuses every later part.
            const { direct, proxied, proxy } = yield* makeStack({
              proxySeed: 1,
              signatureVersion: "v4",
              serverLimits: { maxInFlightBodyBytes: 100_000 },
              dropDelayMs: 0
            })
            const uploadId = yield* Effect.orDie(direct.initiate(ref))
            proxy.setRates({ ...noFaults, dropMidBody: 1 })
            for (let i = 0; i < 20; i++)
              yield* Effect.ignore(proxied.uploadPart({ ...ref, uploadId, partNumber: 1, body: part }))
            const clean = yield* Effect.result(direct.uploadPart({ ...ref, uploadId, partNumber: 2, body: part }))
            assert.strictEqual(clean._tag, "Success", clean._tag === "Failure" ? clean.failure.message : "")
          })
        )
        assert.isBelow(Date.now() - started, 5_000, "closing the server waited for a request handler that never ends")
      }),
    60_000
  )
})
