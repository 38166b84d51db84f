/**
 * The Deno-native adapters under real Deno (`deno test -A tests/deno/`; not a vitest file, hence `_test.ts`):
 * file byte ranges, atomic KV writes that ignore stray temp files, the lock file (refusal, release, stale and
 * foreign locks), a full upload through `resumableUpload` with the Deno bundle and the simulated store, and a
 * pause and resume across two bundle instances sharing only the checkpoint directory; a reader and a file still
 * being written uploaded as streams.
 */
import assert from "node:assert/strict"
import * as Effect from "effect/Effect"
import * as Exit from "effect/Exit"
import * as Layer from "effect/Layer"
import * as Scope from "effect/Scope"
import * as DenoCheckpointStore from "../../adapters/deno/DenoCheckpointStore.ts"
import * as DenoFileKeyValueStore from "../../adapters/deno/DenoFileKeyValueStore.ts"
import * as DenoBundle from "../../adapters/deno/mod.ts"
import * as NodeFileKeyValueStore from "../../adapters/node/NodeFileKeyValueStore.ts"
import type { Services } from "../../core/Driver.ts"
import type { ByteSource } from "../../core/ports/ByteSource.ts"
import { ObjectStore } from "../../core/ports/ObjectStore.ts"
import type { StreamSource } from "../../core/ports/StreamSource.ts"
import { inspectResume, resumableUpload, startUpload } from "../../core/ResumableUpload.ts"
import type { UploadRequest } from "../../core/UploadRequest.ts"
import { bytesOf, makeStack } from "../support/simStack.ts"

/** Runs `f` with a fresh temporary directory, removed afterwards. */
const withDir = async (f: (dir: string) => Promise<void>) => {
  const dir = await Deno.makeTempDir({ prefix: "deno-adapters-" })
  try {
    await f(dir)
  } finally {
    await Deno.remove(dir, { recursive: true })
  }
}
const names = async (dir: string) => {
  const out: Array<string> = []
  for await (const entry of Deno.readDir(dir)) out.push(entry.name)
  return out.sort()
}

Deno.test("DenoFileByteSource reads exact ranges and fails on bad ranges and changed files", () =>
  withDir(async (dir) => {
    const content = bytesOf(100_003)
    const path = `${dir}/sample.bin`
    await Deno.writeFile(path, content)
    const source = await Effect.runPromise(DenoBundle.fileSource(path))
    assert.equal(source.sizeBytes, content.length)
    assert.equal(source.name, path)
    assert.equal(typeof source.lastModifiedMs, "number")
    const read = (offset: number, length: number) => Effect.runPromise(source.read(offset, length))
    assert.deepEqual(await read(0, 10), content.slice(0, 10))
    assert.deepEqual(await read(65_536, 4096), content.slice(65_536, 65_536 + 4096))
    assert.deepEqual(await read(98_304, 1699), content.slice(98_304))
    assert.equal((await read(content.length, 0)).length, 0)
    const parallel = await Promise.all([0, 7, 50_000, 99_000].map((o) => read(o, 1000)))
    for (const [i, o] of [0, 7, 50_000, 99_000].entries()) assert.deepEqual(parallel[i], content.slice(o, o + 1000))
    for (const [offset, length] of [
      [content.length - 1, 2],
      [-1, 1],
      [0.5, 1]
    ] as const) {
      const error = await Effect.runPromise(Effect.flip(source.read(offset, length)))
      assert.equal(error._tag, "SourceReadError")
      assert.equal(error.offsetBytes, offset)
    }
    await Deno.writeFile(path, content.slice(0, 50_000)) // truncated under the upload
    const error = await Effect.runPromise(Effect.flip(source.read(60_000, 100)))
    assert.equal(error._tag, "SourceReadError")
    assert.match(error.message, /changed/)
    const missing = await Effect.runPromise(Effect.flip(DenoBundle.fileSource(`${dir}/missing.bin`)))
    assert.equal(missing._tag, "SourceReadError")
  }))

Deno.test("DenoFileKeyValueStore: atomic set, stray temp and lock files ignored, safe names", () =>
  withDir(async (dir) => {
    const kv = DenoFileKeyValueStore.make(`${dir}/kv`) // not created yet: reads see an empty store
    const run = <A, E>(effect: Effect.Effect<A, E>) => Effect.runPromise(effect)
    assert.deepEqual(await run(kv.keys), [])
    assert.equal(await run(kv.get("a")), undefined)
    await run(kv.set("a", "one"))
    await run(kv.set("a", "two"))
    await run(kv.set("../up/Case.x", "three"))
    await Deno.writeTextFile(`${dir}/kv/.0123-stray.tmp`, "half a checkpoint") // a crash between write and rename
    await Deno.writeTextFile(`${dir}/kv/_a.lock`, "{}")
    assert.equal(await run(kv.get("a")), "two")
    assert.equal(await run(kv.get("../up/Case.x")), "three")
    assert.deepEqual([...(await run(kv.keys))].sort(), ["../up/Case.x", "a"])
    assert.equal(await run(kv.size), 2)
    // Every key file is a plain name inside the directory; no temp file of ours is left behind.
    assert.deepEqual(await names(`${dir}/kv`), [".0123-stray.tmp", "_%2E%2E%2Fup%2F%43ase%2Ex", "_a", "_a.lock"])
    assert.deepEqual(await names(dir), ["kv"])
    await run(kv.remove("a"))
    await run(kv.remove("never-there"))
    assert.equal(await run(kv.get("a")), undefined)
    await run(kv.clear)
    assert.deepEqual(await names(`${dir}/kv`), [".0123-stray.tmp", "_a.lock"])
    // Same file names as the Node store, so either runtime resumes the other's checkpoints.
    for (const key of ["a", "../up/Case.x", "", "con", "data/ü 1", "x".repeat(80)]) {
      assert.equal(DenoFileKeyValueStore.encodeFileName(key), NodeFileKeyValueStore.encodeFileName(key))
      assert.equal(DenoFileKeyValueStore.decodeFileName(DenoFileKeyValueStore.encodeFileName(key)), key)
    }
  }))

Deno.test("DenoCheckpointStore lock: refuses a second holder, releases on scope close, takes over stale locks", () =>
  withDir(async (dir) => {
    const storage = DenoCheckpointStore.makeStorage(dir)
    const lockFile = `${dir}/${DenoFileKeyValueStore.encodeFileName("up/1")}.lock`
    const scope = await Effect.runPromise(Scope.make())
    await Effect.runPromise(Scope.provide(storage.lock("up/1"), scope))
    const holder = JSON.parse(await Deno.readTextFile(lockFile))
    assert.equal(holder.pid, Deno.pid)
    assert.equal(holder.hostname, Deno.hostname())
    const second = await Effect.runPromise(Effect.flip(Effect.scoped(storage.lock("up/1"))))
    assert.equal(second._tag, "CheckpointLocked")
    assert.match(second.message, new RegExp(`pid ${Deno.pid}`))
    await Effect.runPromise(Scope.close(scope, Exit.void))
    assert.deepEqual(await names(dir), [])
    await Effect.runPromise(Effect.scoped(storage.lock("up/1"))) // free again

    // A lock from another host cannot be checked from here: it is honoured, and the message names the file.
    await Deno.writeTextFile(lockFile, JSON.stringify({ pid: 1, hostname: "elsewhere", acquiredAtMs: Date.now() }))
    const foreign = await Effect.runPromise(Effect.flip(Effect.scoped(storage.lock("up/1"))))
    assert.equal(foreign._tag, "CheckpointLocked")
    assert.ok(foreign.message.includes(lockFile))
    if (Deno.build.os === "linux") {
      // A pid above Linux's pid_max never exists: the holder is dead, so the lock is taken over.
      await Deno.writeTextFile(
        lockFile,
        JSON.stringify({ pid: 2_147_483_646, hostname: Deno.hostname(), acquiredAtMs: Date.now() })
      )
      await Effect.runPromise(Effect.scoped(storage.lock("up/1")))
      assert.deepEqual(await names(dir), [])
    }
  }))

Deno.test("a 300-byte upload through resumableUpload with the Deno bundle and the simulated store", () =>
  withDir(async (dir) => {
    const data = bytesOf(300, 3)
    await Deno.writeFile(`${dir}/source.bin`, data)
    const stack = makeStack()
    const layer = Layer.mergeAll(
      Layer.succeed(ObjectStore, stack.store),
      DenoBundle.layer({ checkpointDirectory: `${dir}/checkpoints` })
    )
    const outcome = await Effect.runPromise(
      Effect.gen(function* () {
        const source = yield* DenoBundle.fileSource(`${dir}/source.bin`)
        return yield* resumableUpload({ bucket: "bucket", key: "deno/source.bin", source, partSizeBytes: 64 })
      }).pipe(Effect.provide(layer))
    )
    assert.equal(outcome._tag === "Completed" && outcome.partCount, 5)
    assert.deepEqual(stack.model.objectBytes("bucket", "deno/source.bin"), data)
    assert.deepEqual(await names(`${dir}/checkpoints`), []) // checkpoint and lock removed at the end
  }))

Deno.test("a paused upload resumes from its checkpoint file with a fresh Deno bundle", () =>
  withDir(async (dir) => {
    const data = bytesOf(300, 5)
    await Deno.writeFile(`${dir}/source.bin`, data)
    const stack = makeStack()
    let partsDelivered = 0
    // Two parts reach the store; later ones stay in flight until the pause abandons them.
    stack.network.autoFate = (r) =>
      r.operation !== "UploadPart" ? "Deliver" : partsDelivered++ < 2 ? "Deliver" : undefined
    const run = <A, E>(program: (source: ByteSource) => Effect.Effect<A, E, Services | Scope.Scope>) =>
      Effect.runPromise(
        Effect.flatMap(DenoBundle.fileSource(`${dir}/source.bin`), program).pipe(
          Effect.scoped,
          // A fresh layer per run: nothing but the checkpoint directory carries over, as between two processes.
          Effect.provide(
            Layer.mergeAll(
              Layer.succeed(ObjectStore, stack.store),
              DenoBundle.layer({ checkpointDirectory: `${dir}/checkpoints` })
            )
          )
        )
      )
    const request = (source: ByteSource, extra: Partial<UploadRequest> = {}): UploadRequest => ({
      bucket: "bucket",
      key: "deno/resumed.bin",
      source,
      partSizeBytes: 64,
      ...extra
    })

    let committed = 0
    const paused = await run((source) =>
      Effect.gen(function* () {
        const handle = yield* startUpload(
          request(source, {
            onProgress: (p) => {
              committed = p.committedBytes
            }
          })
        )
        for (let i = 0; committed < 128 || stack.network.pending.length < 3; i++) {
          if (i > 5000) return yield* Effect.die(new Error("the upload never reached two committed parts"))
          yield* Effect.sleep(1)
        }
        yield* handle.pause
        return yield* handle.outcome
      })
    )
    assert.equal(paused._tag === "Paused" && paused.committedBytes, 128)
    assert.equal((await names(`${dir}/checkpoints`)).length, 1) // the checkpoint, no lock
    const report = await run((source) => inspectResume(request(source)))
    assert.equal(report._tag === "Resumable" && report.committedBytes, 128)

    stack.network.autoFate = "Deliver"
    const notices: Array<string> = []
    const done = await run((source) => resumableUpload(request(source, { onNotice: (n) => void notices.push(n._tag) })))
    assert.equal(done._tag, "Completed")
    assert.ok(notices.includes("Resumed"), notices.join())
    assert.deepEqual(stack.model.objectBytes("bucket", "deno/resumed.bin"), data)
    assert.deepEqual(await names(`${dir}/checkpoints`), [])
  }))

Deno.test("Deno streams: a reader and a followed file upload byte for byte through the Deno bundle", () =>
  withDir(async (dir) => {
    const data = bytesOf(1000, 9)
    await Deno.writeFile(`${dir}/growing.bin`, data.subarray(0, 400))
    const stack = makeStack()
    const layer = Layer.mergeAll(
      Layer.succeed(ObjectStore, stack.store),
      DenoBundle.layer({ checkpointDirectory: `${dir}/checkpoints` })
    )
    const file = await Deno.open(`${dir}/growing.bin`)
    const fromReader = DenoBundle.streamSource.fromReader(file, { name: "reader", chunkBytes: 37 })
    const followed = DenoBundle.streamSource.follow(`${dir}/growing.bin`, { idleTimeoutMs: 300, pollIntervalMs: 20 })
    // The writer appends the rest while the followed upload runs.
    setTimeout(() => void Deno.writeFile(`${dir}/growing.bin`, data.subarray(400), { append: true }), 100)
    const run = (key: string, source: StreamSource) =>
      Effect.runPromise(
        resumableUpload({ bucket: "bucket", key, source, partSizeBytes: 64 }).pipe(Effect.provide(layer))
      )
    const first = await run("deno/reader.bin", fromReader)
    file.close()
    assert.equal(first._tag, "Completed")
    assert.deepEqual(stack.model.objectBytes("bucket", "deno/reader.bin"), data.subarray(0, 400))
    const second = await run("deno/followed.bin", followed)
    assert.equal(second._tag === "Completed" && second.sizeBytes, 1000)
    assert.deepEqual(stack.model.objectBytes("bucket", "deno/followed.bin"), data)
  }))
