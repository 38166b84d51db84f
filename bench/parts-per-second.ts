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
/** The source: 16 pseudo-random parts repeated, each copy stamped with its index so no two parts are equal. */
const data = new Uint8Array(largest * partSizeBytes)
const block = Uint8Array.from({ length: 16 * partSizeBytes }, (_, i) => (Math.imul(i, 2654435761) >>> 13) & 255)
for (let n = 0; n < largest; n++) {
  data.set(block.subarray((n % 16) * partSizeBytes, (n % 16) * partSizeBytes + partSizeBytes), n * partSizeBytes)
  new DataView(data.buffer).setUint32(n * partSizeBytes, n)
}

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

/**
 * The local server in memory mode, in its own process so its work does not share the client's event loop. Its XML
 * cap is raised: a 10,000-part CompleteMultipartUpload from the OSS adapter is over the default 1 MiB.
 */
const startServer = async (): Promise<{ url: string; stop: () => void }> => {
  const script = `import { start } from ${JSON.stringify(new URL("../adapters/server/LocalOssServer.ts", import.meta.url).pathname)}
const server = await start({ storage: { kind: "memory" }, credentials: "anonymous", limits: { maxXmlBytes: 4 * 1024 * 1024 } })
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
  const cpuBefore = process.cpuUsage()
  let cpuAtPartsDone: NodeJS.CpuUsage | undefined
  // When every part is in: parts/s is measured up to here, so Complete (the store assembling the object, O(bytes)
  // once per upload) is not spread over the parts.
  let partsDoneAt: number | undefined
  const exit = await Effect.runPromiseExit(
    resumableUpload({
      bucket: "bench",
      key: `parts-${partCount}-${checkpoints}-${run}`,
      source: MemoryByteSource.make(data.subarray(0, partCount * partSizeBytes), { name: `bench-${run}` }),
      partSizeBytes,
      parallelism,
      onProgress: (progress) => {
        if (partsDoneAt === undefined && progress.partsCommitted === progress.partCount) {
          partsDoneAt = performance.now()
          cpuAtPartsDone = process.cpuUsage(cpuBefore)
        }
      }
    }).pipe(Effect.provide(layer))
  )
  const seconds = (performance.now() - started) / 1000
  const partSeconds = ((partsDoneAt ?? performance.now()) - started) / 1000
  if (directory !== undefined) await rm(directory, { recursive: true, force: true })
  // A refused Complete after every part is in still measures the parts (the local server's XML cap refuses the OSS
  // adapter's 10,000-part Complete); anything else is a broken run.
  const note =
    exit._tag === "Success"
      ? exit.value._tag === "Completed" && exit.value.partCount === partCount
        ? ""
        : `, ended ${exit.value._tag}`
      : `, Complete failed: ${String(exit.cause).split("\n")[0]}`
  if (partsDoneAt === undefined) throw new Error(`bench upload stopped before every part was in${note}`)
  const cpu = cpuAtPartsDone ?? process.cpuUsage(cpuBefore)
  // This process's CPU per part (client, plus the simulated store when it runs here): wall time on a busy machine
  // is noisy, CPU time much less so.
  const cpuMsPerPart = (cpu.user + cpu.system) / 1000 / partCount
  return {
    partsPerSecond: partCount / partSeconds,
    bytesPerPart: written.bytes / partCount,
    seconds,
    cpuMsPerPart,
    note
  }
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
            `${r.partsPerSecond.toFixed(0).padStart(5)} parts/s, ${r.cpuMsPerPart.toFixed(2)} CPU ms/part, ${r.bytesPerPart.toFixed(0).padStart(7)} checkpoint bytes/part, ${r.seconds.toFixed(2)} s in all (Complete included)${r.note}`
        )
      }
    }
  } finally {
    server?.stop()
  }
}
