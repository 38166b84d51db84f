/**
 * Two more peers' bugs (peers.md §c), replayed against the local server with keys:
 *
 * - Uppy #4985: a resumed upload "completed" as a 0-byte object. Here a run is paused, or killed (its runtime
 *   disposed, which interrupts it mid-part as a dying process would), and a new run resumes it; the object is then
 *   read back by HEAD and GET: its size and every byte.
 * - lib-storage #4257/#8286: memory that grows with the file. A child process (`--expose-gc`) uploads a generated
 *   source of two sizes and reports its peak live memory after gc, its peak RSS and the peak bytes of source reads
 *   not yet collected; the peak must not grow with the size. 32 MiB vs 256 MiB by default, `PEER_MEMORY_FULL=1` for
 *   128 MiB vs 1 GiB. No timing is asserted.
 */
import { spawn } from "node:child_process"
import { join } from "node:path"
import { fileURLToPath, pathToFileURL } from "node:url"
import * as Effect from "effect/Effect"
import * as FetchHttpClient from "effect/http/FetchHttpClient"
import * as Layer from "effect/Layer"
import { afterEach, describe, expect, it } from "vitest"
import * as NodeCheckpointStore from "../../adapters/node/NodeCheckpointStore.ts"
import * as NodeFileByteSource from "../../adapters/node/NodeFileByteSource.ts"
import * as NodeHasher from "../../adapters/node/NodeHasher.ts"
import { upload } from "../../adapters/node/upload.ts"
import { makeUploader } from "../../core/PromiseFacade.ts"
import { bucket, makePeerStack, type PeerStack, partSizeBytes } from "./peerStack.ts"
import type { Action } from "./ScriptedProxy.ts"

const stacks: Array<PeerStack> = []
afterEach(async () => {
  for (const stack of stacks.splice(0)) await stack.close()
})

const repo = fileURLToPath(new URL("../..", import.meta.url))
const MiB = 1024 * 1024

describe.each(["oss", "s3"] as const)(
  "Uppy #4985 (%s): a resumed upload is the whole object, not 0 bytes",
  (dialect) => {
    const readBack = async (stack: PeerStack, key: string) => {
      const info = await Effect.runPromise(stack.direct.head({ bucket, key }))
      return { sizeBytes: info?.sizeBytes, bytes: await stack.objectBytes(key) }
    }
    const everyStoredPartWhole = (stack: PeerStack, sizeBytes: number) => {
      for (const r of stack.proxy.of("UploadPart").filter((p) => p.status === 200)) {
        const n = Number(new URL(r.path, "http://x").searchParams.get("partNumber"))
        const last = Math.ceil(sizeBytes / partSizeBytes)
        expect(r.bodyBytes).toBe(n === last ? sizeBytes - (last - 1) * partSizeBytes : partSizeBytes)
      }
    }

    it("killed mid-part, then resumed by a new run", async () => {
      const kill: { now?: () => void } = {}
      let parts = 0
      const stack = await makePeerStack({
        dialect,
        // The third part's request dies with the process that sent it.
        decide: (r): Action => {
          if (r.operation !== "UploadPart" || ++parts !== 3) return { kind: "forward" }
          kill.now?.()
          return { kind: "cut" }
        }
      })
      stacks.push(stack)
      const { file, bytes } = stack.writeFile(6 * partSizeBytes + 17, 4985)
      const uploaderOf = () =>
        makeUploader(
          Layer.mergeAll(
            NodeHasher.layer,
            NodeCheckpointStore.layer(stack.checkpointDirectory),
            stack.proxied.pipe(Layer.provide(FetchHttpClient.layer))
          )
        )
      const source = await Effect.runPromise(NodeFileByteSource.make(file))
      const request = { bucket, key: "4985/killed.bin", source, partSizeBytes, parallelism: 1 }
      const first = uploaderOf()
      kill.now = () => void first.dispose()
      await first.upload(request).done.then(
        () => expect.unreachable("the killed run must not finish"),
        () => undefined
      )
      expect(stack.checkpointFiles().length).toBe(1)
      const second = uploaderOf()
      const outcome = await second.upload(request).done
      await second.dispose()
      expect(outcome).toMatchObject({ _tag: "Completed", sizeBytes: bytes.length, partCount: 7 })
      expect(stack.proxy.of("Initiate")).toHaveLength(1)
      everyStoredPartWhole(stack, bytes.length)
      expect(await readBack(stack, "4985/killed.bin")).toEqual({ sizeBytes: bytes.length, bytes })
    })

    it("paused halfway, then resumed", async () => {
      const stack = await makePeerStack({ dialect })
      stacks.push(stack)
      const { file, bytes } = stack.writeFile(6 * partSizeBytes + 17, 49850)
      const options = {
        store: stack.proxied,
        file,
        bucket,
        key: "4985/paused.bin",
        partSizeBytes,
        checkpointDirectory: stack.checkpointDirectory
      }
      const task: { pause?: () => void } = {}
      const first = upload({
        ...options,
        onProgress: (p) => (p.committedBytes * 2 >= bytes.length ? task.pause?.() : undefined)
      })
      task.pause = first.pause
      expect(await first.done).toMatchObject({ _tag: "Paused" })
      expect(await upload(options).done).toMatchObject({ _tag: "Completed", sizeBytes: bytes.length })
      everyStoredPartWhole(stack, bytes.length)
      expect(await readBack(stack, "4985/paused.bin")).toEqual({ sizeBytes: bytes.length, bytes })
    })
  }
)

interface ProbeResult {
  readonly outcome: string
  readonly sizeBytes: number
  readonly readBytes: number
  readonly baselineLiveBytes: number
  readonly rssBytes: number
  readonly liveBytesAfterGc: number
  readonly uncollectedReadBytes: number
}

const probe = (url: string, sizeBytes: number, partBytes: number, parallelism: number): Promise<ProbeResult> =>
  new Promise((resolve, reject) => {
    const child = spawn(
      process.execPath,
      [
        "--expose-gc",
        "--conditions=@resumable-upload/source",
        "--import",
        pathToFileURL(join(repo, "node_modules/tsx/dist/loader.mjs")).href,
        join(repo, "tests/http/memoryProbe.ts")
      ],
      {
        env: {
          ...process.env,
          PROBE_URL: url,
          PROBE_SIZE_BYTES: String(sizeBytes),
          PROBE_PART_BYTES: String(partBytes),
          PROBE_PARALLELISM: String(parallelism)
        },
        stdio: ["ignore", "pipe", "pipe"]
      }
    )
    let out = ""
    let err = ""
    child.stdout.on("data", (c: Buffer) => (out += c.toString()))
    child.stderr.on("data", (c: Buffer) => (err += c.toString()))
    child.once("exit", (code) =>
      code === 0
        ? resolve(JSON.parse(out.trim().split("\n").at(-1) ?? "{}"))
        : reject(new Error(`probe exited ${code}: ${err}`))
    )
  })

describe("lib-storage #4257/#8286: the engine's memory does not grow with the file", () => {
  const full = process.env.PEER_MEMORY_FULL === "1"
  const [smallBytes, largeBytes] = full ? [128 * MiB, 1024 * MiB] : [32 * MiB, 256 * MiB]
  const partBytes = 8 * MiB
  const parallelism = 4

  it(`${smallBytes / MiB} MiB and ${largeBytes / MiB} MiB sources, ${partBytes / MiB} MiB parts, ${parallelism} in flight`, async () => {
    const stack = await makePeerStack({ dialect: "s3", server: { limits: { maxInFlightBodyBytes: 4096 * MiB } } })
    stacks.push(stack)
    const small = await probe(stack.server.url, smallBytes, partBytes, parallelism)
    const large = await probe(stack.server.url, largeBytes, partBytes, parallelism)
    const mib = (n: number) => `${(n / MiB).toFixed(1)} MiB`
    for (const r of [small, large]) {
      console.log(
        `memory: ${mib(r.sizeBytes)} source: peak live after gc ${mib(r.liveBytesAfterGc)} (baseline ${mib(r.baselineLiveBytes)}), peak RSS ${mib(r.rssBytes)}, peak uncollected reads ${mib(r.uncollectedReadBytes)}`
      )
    }
    expect([small.outcome, large.outcome]).toEqual(["Completed", "Completed"])
    // Every byte read once; the few KiB more are the engine's sample of the source for its identity.
    expect(large.readBytes).toBeGreaterThanOrEqual(largeBytes)
    expect(large.readBytes).toBeLessThan(largeBytes + partBytes)
    const window = parallelism * partBytes
    // Reads alive at once: the parts in flight and the next ones being read and hashed, never the file.
    expect(large.uncollectedReadBytes).toBeLessThanOrEqual(2 * window)
    // Eight times the bytes, and the peak grows by less than one window of parts in flight.
    expect(large.liveBytesAfterGc - small.liveBytesAfterGc).toBeLessThan(window)
  }, 600_000)
})
