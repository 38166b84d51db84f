/**
 * Runs the CheckpointStore contract against every adapter, plus what only the Node store does: pid-checked lock
 * files, crash-safe writes and file names that cannot leave the directory.
 */
import { spawn, spawnSync } from "node:child_process"
import { mkdtempSync, readdirSync, readFileSync, rmSync, utimesSync, writeFileSync } from "node:fs"
import { hostname, tmpdir } from "node:os"
import { join } from "node:path"
import { fileURLToPath } from "node:url"
import { afterAll, assert, describe, it } from "@effect/vitest"
import * as Effect from "effect/Effect"
import * as Exit from "effect/Exit"
import * as Layer from "effect/Layer"
import * as KeyValueStore from "effect/persistence/KeyValueStore"
import * as Scope from "effect/Scope"
import * as TestClock from "effect/testing/TestClock"
import * as NodeCheckpointStore from "../../adapters/node/NodeCheckpointStore.ts"
import * as NodeFileKeyValueStore from "../../adapters/node/NodeFileKeyValueStore.ts"
import * as NodeFileLock from "../../adapters/node/NodeFileLock.ts"
import * as KvCheckpointStore from "../../adapters/portable/KvCheckpointStore.ts"
import * as MemoryCheckpointStore from "../../adapters/portable/MemoryCheckpointStore.ts"
import * as Checkpoint from "../../core/Checkpoint.ts"
import { CheckpointStore } from "../../core/ports/CheckpointStore.ts"
import { checkpointStoreContract, layerFromStorage, sampleCheckpoint } from "../contracts/CheckpointStoreContract.ts"

const root = mkdtempSync(join(tmpdir(), "checkpoint-stores-"))
afterAll(() => rmSync(root, { recursive: true, force: true }))
const freshDir = () => mkdtempSync(join(root, "store-"))

checkpointStoreContract("memory", () => layerFromStorage(Effect.sync(MemoryCheckpointStore.makeStorage)))
checkpointStoreContract("kv over layerMemory", () =>
  layerFromStorage(
    Effect.map(KeyValueStore.KeyValueStore, (kv) => KvCheckpointStore.makeStorage(kv, { persistent: false }))
  ).pipe(Layer.provide(KeyValueStore.layerMemory))
)
/** The Web Storage interface over a Map, standing in for `localStorage` (there is none in Node). */
const fakeLocalStorage = (): Storage => {
  const items = new Map<string, string>()
  return {
    get length() {
      return items.size
    },
    key: (i) => [...items.keys()][i] ?? null,
    getItem: (key) => items.get(key) ?? null,
    setItem: (key, value) => void items.set(key, String(value)),
    removeItem: (key) => void items.delete(key),
    clear: () => items.clear()
  }
}
checkpointStoreContract("kv over layerStorage", () =>
  layerFromStorage(
    Effect.map(KeyValueStore.KeyValueStore, (kv) => KvCheckpointStore.makeStorage(kv, { persistent: true }))
  ).pipe(Layer.provide(KeyValueStore.layerStorage(fakeLocalStorage)))
)
checkpointStoreContract("node files", () =>
  layerFromStorage(Effect.sync(() => NodeCheckpointStore.makeStorage(freshDir())))
)

describe("persistence flags", () => {
  it.effect("memory is not persistent, node is", () =>
    Effect.gen(function* () {
      assert.isFalse(MemoryCheckpointStore.make().persistent)
      const node = yield* CheckpointStore.pipe(Effect.provide(NodeCheckpointStore.layer(freshDir())))
      assert.isTrue(node.persistent)
    })
  )
})

describe("KvCheckpointStore lease across processes", () => {
  // A `prefix("")` view is a different KeyValueStore value over the same data: the in-process table does not
  // see it, so only the lease record stands between the two, as between two processes.
  const twoProcesses = Effect.map(KeyValueStore.KeyValueStore, (kv) => ({
    kv,
    a: KvCheckpointStore.make(kv, { persistent: true, leaseTtlMs: 30_000 }),
    b: KvCheckpointStore.make(KeyValueStore.prefix(kv, ""), { persistent: true, leaseTtlMs: 30_000 })
  })).pipe(Effect.provide(KeyValueStore.layerMemory))

  it.effect("a live lease refuses; renewal keeps it alive past its TTL; release frees it", () =>
    Effect.gen(function* () {
      const { a, b } = yield* twoProcesses
      const scope = yield* Scope.make()
      yield* Scope.provide(a.lock("job"), scope)
      assert.strictEqual((yield* Effect.flip(Effect.scoped(b.lock("job"))))._tag, "CheckpointLocked")
      yield* TestClock.adjust("2 minutes") // four TTLs: only renewal can keep the lease alive
      const stillLocked = yield* Effect.flip(Effect.scoped(b.lock("job")))
      assert.include(stillLocked.message, "leased by another uploader")
      yield* Scope.close(scope, Exit.void)
      yield* Effect.scoped(b.lock("job"))
    })
  )

  it.effect("an expired lease (crashed holder) is taken over; an unreadable one too", () =>
    Effect.gen(function* () {
      const { kv, b } = yield* twoProcesses
      yield* TestClock.adjust("1 hour")
      yield* kv.set("checkpoint/lock/job", JSON.stringify({ owner: "dead", expiresAtMs: 1000 }))
      yield* Effect.scoped(b.lock("job"))
      assert.isUndefined(yield* kv.get("checkpoint/lock/job"))
      yield* kv.set("checkpoint/lock/job", "{torn")
      yield* Effect.scoped(b.lock("job"))
    })
  )
})

describe("NodeCheckpointStore specifics", () => {
  const withNodeStore = <A, E>(f: (store: CheckpointStore["Service"], dir: string) => Effect.Effect<A, E>) => {
    const dir = freshDir()
    return Effect.flatMap(CheckpointStore, (store) => f(store, dir)).pipe(
      Effect.provide(NodeCheckpointStore.layer(dir))
    )
  }
  const writeLock = (dir: string, id: string, pid: number, host = hostname()) =>
    writeFileSync(NodeFileLock.lockFilePath(dir, id), JSON.stringify({ pid, hostname: host, acquiredAtMs: Date.now() }))

  it.effect("a lock file whose pid is dead is taken over, and removed on release", () =>
    withNodeStore((store, dir) =>
      Effect.gen(function* () {
        const child = spawnSync(process.execPath, ["-e", ""])
        assert.isNumber(child.pid)
        writeLock(dir, "job", child.pid ?? 0)
        const scope = yield* Scope.make()
        yield* Scope.provide(store.lock("job"), scope)
        const holder = JSON.parse(readFileSync(NodeFileLock.lockFilePath(dir, "job"), "utf8"))
        assert.strictEqual(holder.pid, process.pid)
        yield* Scope.close(scope, Exit.void)
        assert.deepStrictEqual(readdirSync(dir), [])
      })
    )
  )

  it.effect("a lock file naming a live pid (or another host) is refused and left alone", () =>
    withNodeStore((store, dir) =>
      Effect.gen(function* () {
        writeLock(dir, "live", process.pid)
        const live = yield* Effect.flip(Effect.scoped(store.lock("live")))
        assert.strictEqual(live._tag, "CheckpointLocked")
        assert.include(live.message, `pid ${process.pid}`)
        writeLock(dir, "remote", 1, "some-other-host")
        assert.include((yield* Effect.flip(Effect.scoped(store.lock("remote")))).message, "some-other-host")
        assert.deepStrictEqual(readdirSync(dir).sort(), ["_live.lock", "_remote.lock"])
      })
    )
  )

  it.effect("an unreadable lock is honoured while fresh, taken over once old; a pre-boot lock is stale", () =>
    withNodeStore((store, dir) =>
      Effect.gen(function* () {
        const torn = NodeFileLock.lockFilePath(dir, "torn")
        writeFileSync(torn, "") // creator killed between O_EXCL create and write, or still writing
        assert.include((yield* Effect.flip(Effect.scoped(store.lock("torn")))).message, "unreadable")
        utimesSync(torn, new Date(Date.now() - 60_000), new Date(Date.now() - 60_000))
        yield* Effect.scoped(store.lock("torn"))
        writeFileSync(
          NodeFileLock.lockFilePath(dir, "old"),
          JSON.stringify({ pid: process.pid, hostname: hostname(), acquiredAtMs: 0 })
        )
        yield* Effect.scoped(store.lock("old")) // our pid is alive, but the lock predates this boot
        assert.deepStrictEqual(readdirSync(dir), [])
      })
    )
  )

  it.effect("a crash between temp write and rename leaves the old checkpoint intact", () =>
    withNodeStore((store, dir) =>
      Effect.gen(function* () {
        yield* store.save("job", sampleCheckpoint("old"))
        const before = readdirSync(dir)
        const target = NodeFileKeyValueStore.encodeFileName("data/job")
        assert.deepStrictEqual(before, [target])
        // What a process killed after writing (part of) the temp file leaves behind.
        const half = Checkpoint.encode(sampleCheckpoint("new")).slice(0, 100)
        writeFileSync(join(dir, ".0b5c2a7e-dead-4bad-beef-000000000000.tmp"), half)
        assert.strictEqual((yield* store.load("job"))?.uploadId, "old")
        assert.deepStrictEqual(
          (yield* store.list).map((x) => x.id),
          ["job"]
        )
        const kv = NodeFileKeyValueStore.make(dir)
        assert.deepStrictEqual(yield* kv.keys, ["data/job"])
        yield* store.save("job", sampleCheckpoint("new")) // a later save still works next to the debris
        assert.strictEqual((yield* store.load("job"))?.uploadId, "new")
      })
    )
  )

  it.effect("the first write removes temp files a crash left over an hour ago, and leaves younger ones alone", () =>
    Effect.gen(function* () {
      const dir = freshDir()
      const stale = join(dir, ".0b5c2a7e-dead-4bad-beef-000000000001.tmp")
      const young = join(dir, ".0b5c2a7e-dead-4bad-beef-000000000002.tmp")
      const foreign = join(dir, "notes.tmp") // not a name the store writes: never touched
      for (const file of [stale, young, foreign]) writeFileSync(file, "half a checkpoint")
      const hoursAgo = new Date(Date.now() - NodeFileKeyValueStore.staleTempAgeMs - 60_000)
      utimesSync(stale, hoursAgo, hoursAgo)
      utimesSync(foreign, hoursAgo, hoursAgo)
      const kv = NodeFileKeyValueStore.make(dir)
      yield* kv.set("a", "1")
      assert.deepStrictEqual(readdirSync(dir).sort(), [".0b5c2a7e-dead-4bad-beef-000000000002.tmp", "_a", "notes.tmp"])
    })
  )
})

describe("NodeFileKeyValueStore", () => {
  it.effect("keys with '/', '..', '', case and unicode stay inside the directory and stay distinct", () =>
    Effect.gen(function* () {
      const parent = freshDir()
      const dir = join(parent, "kv") // not created yet: the first set creates it
      const kv = NodeFileKeyValueStore.make(dir)
      const keys = [
        "../x",
        "../../etc/passwd",
        "a/b",
        "",
        ".",
        "..",
        "*",
        "CON",
        "con",
        "A",
        "a",
        "日本/ü",
        "x.lock",
        "~1"
      ]
      for (const key of keys) yield* kv.set(key, `value of ${key}`)
      for (const key of keys) assert.strictEqual(yield* kv.get(key), `value of ${key}`)
      assert.deepStrictEqual([...(yield* kv.keys)].sort(), [...keys].sort())
      assert.deepStrictEqual(readdirSync(parent), ["kv"]) // nothing escaped upwards
      const names = readdirSync(dir, { withFileTypes: true })
      assert.strictEqual(names.length, keys.length)
      assert.isTrue(names.every((entry) => entry.isFile() && /^_[a-z0-9_%A-F-]*$/.test(entry.name)))
      // Distinct even on a case-insensitive file system.
      assert.strictEqual(new Set(names.map((entry) => entry.name.toLowerCase())).size, keys.length)
      yield* kv.remove("../x")
      assert.isUndefined(yield* kv.get("../x"))
      assert.strictEqual(yield* kv.size, keys.length - 1)
      yield* kv.clear
      assert.deepStrictEqual(readdirSync(dir), [])
    })
  )

  it.effect("binary values, missing keys, and unencodable keys fail typed", () =>
    Effect.gen(function* () {
      const kv = NodeFileKeyValueStore.make(freshDir())
      yield* kv.set("bin", Uint8Array.of(0, 255, 1))
      assert.deepStrictEqual(yield* kv.getUint8Array("bin"), Uint8Array.of(0, 255, 1))
      assert.isUndefined(yield* kv.get("missing"))
      assert.isUndefined(yield* kv.getUint8Array("missing"))
      assert.deepStrictEqual(yield* NodeFileKeyValueStore.make(join(freshDir(), "absent")).keys, [])
      const error = yield* Effect.flip(kv.set("\uD800", "lone surrogate"))
      assert.strictEqual(error._tag, "KeyValueStoreError")
    })
  )
})

describe("NodeFileKeyValueStore crash safety", () => {
  // A child process overwrites one key with 4 MiB values in a loop and is SIGKILLed mid-stream: the key must hold
  // one complete value, never a torn one. (A plain writeFile fails this almost every run.)
  const writer = `
    import * as Effect from "effect/Effect"
    import { make } from "./adapters/node/NodeFileKeyValueStore.ts"
    const kv = make(process.env.KV_DIR)
    const values = ["a".repeat(4 << 20), "b".repeat(4 << 20)]
    for (let i = 0; ; i++) {
      await Effect.runPromise(kv.set("k", values[i % 2]))
      if (i === 1) console.log("ready")
    }`

  it("SIGKILL during a stream of sets leaves a complete old or new value", async () => {
    const dir = freshDir()
    // The source condition: like vitest, run the workspace packages' TypeScript sources, not their (unbuilt) dist/.
    const args = ["--conditions=@resumable-upload/source", "--import", "tsx", "--input-type=module", "-e", writer]
    const child = spawn(process.execPath, args, {
      cwd: fileURLToPath(new URL("../..", import.meta.url)),
      env: { ...process.env, KV_DIR: dir },
      stdio: ["ignore", "pipe", "inherit"]
    })
    const exited = new Promise((resolve) => child.once("exit", resolve))
    await new Promise<void>((resolve, reject) => {
      child.stdout.on("data", (chunk: Buffer) => chunk.toString().includes("ready") && resolve())
      child.once("exit", (code) => reject(new Error(`writer exited early with ${code}`)))
    })
    await new Promise((resolve) => setTimeout(resolve, 150))
    child.kill("SIGKILL")
    await exited
    const text = readFileSync(join(dir, NodeFileKeyValueStore.encodeFileName("k")), "utf8")
    assert.strictEqual(text.length, 4 << 20)
    assert.isTrue(text === "a".repeat(4 << 20) || text === "b".repeat(4 << 20))
    assert.deepStrictEqual(await Effect.runPromise(NodeFileKeyValueStore.make(dir).keys), ["k"])
  })
})
