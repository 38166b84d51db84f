/**
 * The stream sources: a Node `Readable`, a web `ReadableStream` and an async generator each pull their bytes in
 * order and end; a text-mode stream is refused; `upload({ stream })` on Node stores a stream byte for byte and
 * refuses `file` and `stream` together. A followed file (FollowFileSource) hands on bytes as they are appended and
 * ends after the idle timeout or at the marker, on Effect's `TestClock`.
 */
import { appendFileSync, mkdtempSync, writeFileSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { Readable } from "node:stream"
import { assert, describe, it } from "@effect/vitest"
import * as Effect from "effect/Effect"
import * as Fiber from "effect/Fiber"
import * as Layer from "effect/Layer"
import { TestClock } from "effect/testing"
import { NodeFileHost } from "../../adapters/node/NodeFileHost.ts"
import { upload } from "../../adapters/node/upload.ts"
import * as ChunkedStreamSource from "../../adapters/portable/ChunkedStreamSource.ts"
import * as FollowFileSource from "../../adapters/portable/FollowFileSource.ts"
import { MultipartModel } from "../../adapters/sim/MultipartModel.ts"
import { SimNetwork } from "../../adapters/sim/SimNetwork.ts"
import * as SimObjectStore from "../../adapters/sim/SimObjectStore.ts"
import { ObjectStore } from "../../core/ports/ObjectStore.ts"
import type { StreamSource } from "../../core/ports/StreamSource.ts"
import { bytesOf, testLimits } from "../support/simStack.ts"

const drain = (source: StreamSource) =>
  Effect.gen(function* () {
    const chunks: Array<number> = []
    for (let i = 0; i < 1000; i++) {
      const chunk = yield* source.pull
      if (chunk === undefined) return chunks
      chunks.push(...chunk)
    }
    return yield* Effect.die(new Error("stream never ended"))
  })

describe("stream sources", () => {
  it.effect("a Node Readable, a ReadableStream and an async generator give their bytes in order, then end", () =>
    Effect.gen(function* () {
      const parts = [Uint8Array.of(1, 2), Uint8Array.of(3), Uint8Array.of(4, 5, 6)]
      const generator = async function* () {
        yield* parts
      }
      const web = new ReadableStream<Uint8Array>({
        start: (controller) => {
          for (const part of parts) controller.enqueue(part)
          controller.close()
        }
      })
      for (const source of [
        ChunkedStreamSource.fromAsyncIterable(Readable.from(parts.map((p) => Buffer.from(p))), { name: "node" }),
        ChunkedStreamSource.fromReadableStream(web, { name: "web" }),
        ChunkedStreamSource.from(generator(), { name: "generator" })
      ]) {
        assert.deepStrictEqual(yield* drain(source), [1, 2, 3, 4, 5, 6], source.name)
        assert.strictEqual(yield* source.pull, undefined, "stays ended")
        assert.isFalse(source.replayable)
      }
    })
  )

  it.effect("a stream in text mode is refused, not encoded by guess", () =>
    Effect.gen(function* () {
      const source = ChunkedStreamSource.fromAsyncIterable(Readable.from(["text"]), { name: "text" })
      const error = yield* Effect.flip(source.pull)
      assert.include(error.message, "string chunk, not bytes")
    })
  )

  it("upload({ stream }) stores the stream byte for byte; file and stream together are refused", async () => {
    const model = new MultipartModel({ dialect: "s3", limits: testLimits })
    const network = new SimNetwork()
    network.autoFate = "Deliver"
    const store = Layer.succeed(ObjectStore, SimObjectStore.make(model, network, { nowMs: () => 0 }))
    const checkpointDirectory = join(mkdtempSync(join(tmpdir(), "stream-upload-")), "checkpoints")
    const bytes = bytesOf(1000, 5)
    const stream = Readable.from([Buffer.from(bytes.subarray(0, 333)), Buffer.from(bytes.subarray(333))])
    const outcome = await upload({ store, stream, bucket: "b", key: "s.bin", partSizeBytes: 64, checkpointDirectory })
      .done
    assert.strictEqual(outcome._tag, "Completed")
    assert.deepStrictEqual(model.objectBytes("b", "s.bin"), bytes)
    const both = upload({ store, stream, file: "x", bucket: "b", key: "s.bin", checkpointDirectory })
    await both.done.then(
      () => assert.fail("should reject"),
      (e: unknown) => assert.strictEqual((e as { _tag: string })._tag, "InvalidUploadRequest")
    )
  })
})

/**
 * Moves the test clock in poll-sized steps, letting the real file reads between them finish, so each step finds
 * the reader asleep again (the reads are real I/O; only time is simulated).
 */
const advance = (ms: number) =>
  Effect.gen(function* () {
    for (let left = ms; left > 0; left -= 100) {
      yield* Effect.promise(() => new Promise((resolve) => setTimeout(resolve, 5)))
      yield* TestClock.adjust(Math.min(100, left))
    }
    yield* Effect.promise(() => new Promise((resolve) => setTimeout(resolve, 5)))
  })

describe("FollowFileSource", () => {
  const setup = () => {
    const dir = mkdtempSync(join(tmpdir(), "follow-"))
    const file = join(dir, "rec.bin")
    writeFileSync(file, Uint8Array.of(1, 2, 3))
    return { dir, file }
  }

  it.effect("hands on appended bytes as they come and ends after the idle timeout", () =>
    Effect.gen(function* () {
      const { file } = setup()
      const source = FollowFileSource.make(NodeFileHost, file, { idleTimeoutMs: 1000, pollIntervalMs: 100 })
      assert.deepStrictEqual([...((yield* source.pull) ?? [])], [1, 2, 3])
      const waiting = yield* Effect.forkChild(source.pull)
      yield* advance(500) // quiet for less than the idle timeout: still waiting
      assert.isUndefined(waiting.pollUnsafe())
      appendFileSync(file, Uint8Array.of(4, 5))
      yield* advance(100)
      assert.deepStrictEqual([...((yield* Fiber.join(waiting)) ?? [])], [4, 5])
      const end = yield* Effect.forkChild(source.pull)
      yield* advance(800)
      assert.isUndefined(end.pollUnsafe(), "not idle long enough yet")
      yield* advance(300)
      assert.isUndefined(yield* Fiber.join(end))
    })
  )

  it.effect("with a marker, ends once it exists, after reading what was appended before it", () =>
    Effect.gen(function* () {
      const { dir, file } = setup()
      const marker = join(dir, "rec.done")
      const source = FollowFileSource.make(NodeFileHost, file, { idleTimeoutMs: undefined, untilExists: marker })
      assert.deepStrictEqual([...((yield* source.pull) ?? [])], [1, 2, 3])
      const next = yield* Effect.forkChild(source.pull)
      yield* TestClock.adjust(60_000) // no idle timeout: a quiet writer is waited for
      yield* advance(200)
      assert.isUndefined(next.pollUnsafe())
      appendFileSync(file, Uint8Array.of(9))
      writeFileSync(marker, "")
      yield* advance(1000)
      assert.deepStrictEqual([...((yield* Fiber.join(next)) ?? [])], [9])
      assert.isUndefined(yield* source.pull)
    })
  )

  it.effect("a file that shrinks is an error, not a different object", () =>
    Effect.gen(function* () {
      const { file } = setup()
      const source = FollowFileSource.make(NodeFileHost, file, { idleTimeoutMs: 1000 })
      yield* source.pull
      writeFileSync(file, Uint8Array.of(1))
      const error = yield* Effect.flip(source.pull)
      assert.include(error.message, "shrank")
    })
  )
})
