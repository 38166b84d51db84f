/**
 * The Node worker-thread hasher (adapters/node/NodeWorkerHasher.ts): its digests equal node:crypto's MD5 and core's
 * CRC-64 on random data and edge sizes, the pool never grows past its size, the caller's bytes are left intact,
 * failures are typed (`HashWorkerError` from the pool, `UploadFailed` with reason `HashFailed` from an upload, not a
 * hang), and closing the layer ends the workers.
 */
import { createHash, randomBytes } from "node:crypto"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import { afterAll, describe, expect, it } from "vitest"
import * as NodeCheckpointStore from "../../adapters/node/NodeCheckpointStore.ts"
import * as NodeFileByteSource from "../../adapters/node/NodeFileByteSource.ts"
import * as NodeWorkerHasher from "../../adapters/node/NodeWorkerHasher.ts"
import { makeUpload } from "../../adapters/portable/FileUpload.ts"
import * as Crc64 from "../../core/Crc64.ts"
import { digestPart, Hasher } from "../../core/ports/Hasher.ts"
import { bucket, makePeerStack, partSizeBytes } from "../http/peerStack.ts"

const md5Of = (bytes: Uint8Array) => new Uint8Array(createHash("md5").update(bytes).digest())
const pools: Array<ReturnType<typeof NodeWorkerHasher.makePool>> = []
const pool = (options: NodeWorkerHasher.NodeWorkerHasherOptions) => {
  const made = NodeWorkerHasher.makePool(options)
  pools.push(made)
  return made
}
afterAll(async () => {
  for (const p of pools) await p.close()
})

describe("NodeWorkerHasher", () => {
  it("digests equal node:crypto MD5 and core CRC-64 on random data and edge sizes; bytes come back intact", async () => {
    const hasher = pool({ workers: 2 })
    const sizes = [0, 1, 15, 16, 17, 63, 64, 65, 4095, 65_536 + 3, 1024 * 1024 + 7, 3 * 1024 * 1024]
    const inputs = sizes.map((n) => new Uint8Array(randomBytes(n)))
    // A view into a larger buffer: only its own bytes are hashed.
    const backing = new Uint8Array(randomBytes(10_000))
    inputs.push(backing.subarray(1234, 8765))
    const before = inputs.map((b) => Uint8Array.from(b))
    const digests = await Promise.all(inputs.map((b, i) => hasher.digestPart(b, { crc64: i % 2 === 0 })))
    for (const [i, original] of before.entries()) {
      const digest = digests[i]
      expect(digest?.md5).toEqual(md5Of(original))
      expect(digest?.crc64).toBe(i % 2 === 0 ? Crc64.compute(original) : undefined)
      // A buffer of its own travels to the worker and back (no copy) and is answered; a view is copied, left alone.
      if (i < sizes.length) {
        expect(inputs[i]?.byteLength).toBe(0) // detached
        expect(digest?.bytes).toEqual(original)
      } else {
        expect(inputs[i]).toEqual(original)
        expect(digest?.bytes).toBeUndefined()
      }
    }
    expect(hasher.partsHashed()).toBe(inputs.length)
  })

  it("the pool is bounded: many parts at once never start more workers than its size", async () => {
    const hasher = pool({ workers: 2 })
    const parts = Array.from({ length: 24 }, (_, i) => new Uint8Array(randomBytes(50_000 + i)))
    const expected = parts.map((b) => Crc64.compute(b))
    const digests = await Promise.all(parts.map((b) => hasher.digestPart(b, { crc64: true })))
    expect(hasher.liveWorkers()).toBe(2)
    expect(digests.map((d) => d.crc64)).toEqual(expected)
    expect(NodeWorkerHasher.poolSizeFor(3, 2)).toBe(1)
    expect(NodeWorkerHasher.poolSizeFor(3, 16)).toBe(3)
    expect(NodeWorkerHasher.poolSizeFor(64, 64)).toBe(NodeWorkerHasher.workersMax)
    expect(NodeWorkerHasher.poolSizeFor(3, 1)).toBe(1)
  })

  it("a worker that cannot start fails the part with a typed HashWorkerError, and is retried on next use", async () => {
    const hasher = pool({ workers: 1, workerUrl: new URL("./no-such-hash-worker.js", import.meta.url) })
    const error = await hasher.digestPart(new Uint8Array(10), { crc64: true }).catch((e: unknown) => e)
    expect(error).toBeInstanceOf(NodeWorkerHasher.HashWorkerError)
    expect(String((error as Error).message)).toMatch(/NodeHashWorker\.js must sit next to/)
    await expect(hasher.digestPart(new Uint8Array(10), { crc64: false })).rejects.toMatchObject({
      _tag: "HashWorkerError"
    })
  })

  it("closing the layer ends its workers; a closed pool refuses work", async () => {
    const hasher = pool({ workers: 2 })
    await Promise.all([
      hasher.digestPart(new Uint8Array(9), { crc64: true }),
      hasher.digestPart(new Uint8Array(9), { crc64: true })
    ])
    expect(hasher.liveWorkers()).toBe(2)
    await hasher.close()
    expect(hasher.liveWorkers()).toBe(0)
    await expect(hasher.digestPart(new Uint8Array(1), { crc64: true })).rejects.toMatchObject({
      _tag: "HashWorkerError"
    })

    // Through the layer: a scoped use hashes off-thread, and the scope's end terminates the pool.
    const { digest, service } = await Effect.runPromise(
      Effect.scoped(
        Effect.gen(function* () {
          const ctx = yield* Layer.build(NodeWorkerHasher.layer({ workers: 1 }))
          const digest = yield* digestPart(new Uint8Array([1, 2, 3]), { crc64: true }).pipe(Effect.provide(ctx))
          return { digest, service: yield* Effect.provide(Hasher, ctx) }
        })
      )
    )
    expect(digest.md5).toEqual(md5Of(new Uint8Array([1, 2, 3])))
    // The layer's finalizer closed (and so terminated) the pool behind the service it gave out.
    await expect(service.digestPart?.(new Uint8Array(1), { crc64: true })).rejects.toMatchObject({
      _tag: "HashWorkerError",
      message: "digestPart: the hasher's layer is closed"
    })
  })

  it("an upload whose hasher fails stops with UploadFailed reason HashFailed (typed, resumable), not a hang", async () => {
    const stack = await makePeerStack({ dialect: "s3" })
    try {
      const { file } = stack.writeFile(3 * partSizeBytes, 5)
      const upload = makeUpload({
        hasher: NodeWorkerHasher.layer({ workers: 1, workerUrl: new URL("./no-such-hash-worker.js", import.meta.url) }),
        checkpoints: NodeCheckpointStore.layer,
        fileSource: NodeFileByteSource.make
      })
      const error = await upload({
        store: stack.proxied,
        file,
        bucket,
        key: "hash-failed.bin",
        partSizeBytes,
        checkpointDirectory: stack.checkpointDirectory
      }).done.catch((e: unknown) => e)
      expect(error).toMatchObject({ _tag: "UploadFailed", reason: "HashFailed", resumable: true })
      expect((error as { cause?: { cause?: unknown } }).cause?.cause).toBeInstanceOf(NodeWorkerHasher.HashWorkerError)
    } finally {
      await stack.close()
    }
  })
})
