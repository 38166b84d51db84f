/**
 * The client's cost per part: how many 100 KiB parts a second the engine drives, and how many checkpoint bytes it
 * writes per part, for 100, 1,000 and 10,000 parts. A flat parts/s from 100 to 10,000 parts means no per-part cost
 * grows with the number of parts (checkpoint rewrites, progress sums, sorts).
 *
 * Stores: `sim` is the in-memory simulated store answering at once (only the client's work is measured); `server`
 * is the local OSS server in memory mode in a child process, over HTTP. Checkpoints: `memory` (the port's codec and
 * compaction, no disk) or `file` (the Node file store in a temp directory: fsync per part).
 *
 * Usage: node --conditions=@resumable-upload/source --import tsx bench/parts-per-second.ts
 *        [stores=sim,server] [checkpoints=memory,file] [counts=100,1000,10000] [parallelism=4]
 */
import { spawn } from "node:child_process"
import { mkdtemp, rm } from "node:fs/promises"
import { tmpdir } from "node:os"
import { join } from "node:path"
import * as Effect from "effect/Effect"
import * as FetchHttpClient from "effect/http/FetchHttpClient"
import * as Layer from "effect/Layer"
import * as NodeCheckpointStore from "../adapters/node/NodeCheckpointStore.ts"
import * as NodeHasher from "../adapters/node/NodeHasher.ts"
import * as OssEndpoint from "../adapters/oss/OssEndpoint.ts"
import * as OssObjectStore from "../adapters/oss/OssObjectStore.ts"
import * as MemoryByteSource from "../adapters/portable/MemoryByteSource.ts"
import * as MemoryCheckpointStore from "../adapters/portable/MemoryCheckpointStore.ts"
import { MultipartModel } from "../adapters/sim/MultipartModel.ts"
import { SimNetwork } from "../adapters/sim/SimNetwork.ts"
import * as SimObjectStore from "../adapters/sim/SimObjectStore.ts"
import { ossLimits } from "../core/Limits.ts"
import * as CheckpointStore from "../core/ports/CheckpointStore.ts"
import { ObjectStore } from "../core/ports/ObjectStore.ts"
import { resumableUpload } from "../core/ResumableUpload.ts"

const partSizeBytes = 100 * 1024
const [storesArg = "sim,server", checkpointsArg = "memory,file", countsArg = "100,1000,10000", parallelArg = "4"] =
  process.argv.slice(2)
const counts = countsArg.split(",").map(Number)
const parallelism = Number(parallelArg)
const largest = Math.max(...counts)
const data = Uint8Array.from({ length: largest * partSizeBytes }, (_, i) => (i * 131 + (i >>> 12)) & 255)

/** Counts every byte the checkpoint port hands to its storage, whatever primitives the storage has. */
const counting = (storage: CheckpointStore.CheckpointStorage) => {
  const written = { bytes: 0 }
  const wrapped: Record<string, unknown> = { ...storage }
  for (const method of ["set", "append"]) {
    const f = (storage as unknown as Record<string, unknown>)[method]
    if (typeof f !== "function") continue
    wrapped[method] = (id: string, text: string) => {
      written.bytes += text.length
      return f(id, text)
    }
  }
  return { storage: wrapped as unknown as CheckpointStore.CheckpointStorage, written }
}

const simStore = () => {
  const network = new SimNetwork()
  network.autoFate = "Deliver"
  return Layer.succeed(
    ObjectStore,
    SimObjectStore.make(new MultipartModel({ dialect: "oss", limits: ossLimits }), network, { nowMs: Date.now })
  )
}

const serverStore = (url: string) =>
  OssObjectStore.layer({
    endpoint: OssEndpoint.make(url),
    region: "cn-hangzhou",
    signatureVersion: "v4",
    credentials: undefined
  }).pipe(Layer.provide(FetchHttpClient.layer))

/** The local server in memory mode, in its own process so its work does not share the client's event loop. */
const startServer = async (): Promise<{ url: string; stop: () => void }> => {
  const script = `import { start } from ${JSON.stringify(new URL("../adapters/server/LocalOssServer.ts", import.meta.url).pathname)}
const server = await start({ storage: { kind: "memory" }, credentials: "anonymous" })
process.stdout.write("ready " + server.port + "\\n")`
  const child = spawn(
    process.execPath,
    ["--conditions=@resumable-upload/source", "--import", "tsx", "--input-type=module", "-e", script],
    { stdio: ["ignore", "pipe", "inherit"] }
  )
  const port = await new Promise<string>((resolve, reject) => {
    child.once("exit", (code) => reject(new Error(`server exited with ${code}`)))
    child.stdout.on("data", (chunk: Buffer) => {
      const match = /ready (\d+)/.exec(chunk.toString())
      if (match?.[1] !== undefined) resolve(match[1])
    })
  })
  return { url: `http://127.0.0.1:${port}`, stop: () => void child.kill() }
}

const runOnce = async (
  store: Layer.Layer<ObjectStore>,
  checkpoints: "memory" | "file",
  partCount: number,
  run: number
) => {
  const directory = checkpoints === "file" ? await mkdtemp(join(tmpdir(), "parts-bench-")) : undefined
  const base =
    directory === undefined ? MemoryCheckpointStore.makeStorage() : NodeCheckpointStore.makeStorage(directory)
  const { storage, written } = counting(base)
  const layer = Layer.mergeAll(
    store,
    Layer.succeed(CheckpointStore.CheckpointStore, CheckpointStore.make(storage)),
    NodeHasher.layer
  )
  const started = performance.now()
  const outcome = await Effect.runPromise(
    resumableUpload({
      bucket: "bench",
      key: `parts-${partCount}-${checkpoints}-${run}`,
      source: MemoryByteSource.make(data.subarray(0, partCount * partSizeBytes), { name: `bench-${run}` }),
      partSizeBytes,
      parallelism
    }).pipe(Effect.provide(layer))
  )
  const seconds = (performance.now() - started) / 1000
  if (directory !== undefined) await rm(directory, { recursive: true, force: true })
  if (outcome._tag !== "Completed" || outcome.partCount !== partCount) throw new Error(`bench upload: ${outcome._tag}`)
  return { partsPerSecond: partCount / seconds, bytesPerPart: written.bytes / partCount, seconds }
}

let run = 0
for (const storeKind of storesArg.split(",")) {
  const server = storeKind === "server" ? await startServer() : undefined
  try {
    for (const checkpoints of checkpointsArg.split(",") as Array<"memory" | "file">) {
      for (const partCount of counts) {
        const store = server === undefined ? simStore() : serverStore(server.url)
        const r = await runOnce(store, checkpoints, partCount, run++)
        console.log(
          `${storeKind.padEnd(6)} checkpoints=${checkpoints.padEnd(6)} parts=${String(partCount).padStart(5)}: ` +
            `${r.partsPerSecond.toFixed(0).padStart(5)} parts/s, ${r.bytesPerPart.toFixed(0).padStart(7)} checkpoint bytes/part, ${r.seconds.toFixed(2)} s`
        )
      }
    }
  } finally {
    server?.stop()
  }
}
