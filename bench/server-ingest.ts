/**
 * The local server's own throughput, without the upload engine: raw HTTP UploadParts from this process to a server
 * in this process, for the memory storage (temp directory, no fsync) and the directory storage (fsync per part).
 * Prints parts/s for many small parts and MiB/s for a few large ones, and the process's peak RSS.
 *
 * Usage: node --conditions=@resumable-upload/source --import tsx bench/server-ingest.ts
 *        [smallParts=2000] [smallPartKiB=100] [largeMiB=256] [parallelism=4]
 */
import { mkdtemp, rm } from "node:fs/promises"
import { Agent, request } from "node:http"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { type LocalOssServerOptions, start } from "../adapters/server/LocalOssServer.ts"

const [smallArg = "2000", smallKiBArg = "100", largeArg = "256", parallelArg = "4"] = process.argv.slice(2)
const smallParts = Number(smallArg)
const smallPartBytes = Number(smallKiBArg) * 1024
const largeBytes = Number(largeArg) * 1024 * 1024
const parallelism = Number(parallelArg)
const largePartBytes = 16 * 1024 * 1024

const run = async (label: string, storage: LocalOssServerOptions["storage"]) => {
  const server = await start({ storage, credentials: "anonymous", storeLimits: { partSizeBytesMin: 1 } })
  const agent = new Agent({ keepAlive: true, maxSockets: parallelism })
  const send = (path: string, method: string, body: Uint8Array | undefined) =>
    new Promise<string>((resolve, reject) => {
      const req = request(
        {
          host: "127.0.0.1",
          port: server.port,
          method,
          path,
          agent,
          headers: { "Content-Length": String(body?.length ?? 0) }
        },
        (res) => {
          let text = ""
          res.setEncoding("utf8")
          res.on("data", (chunk: string) => {
            text += chunk
          })
          res.on("end", () => (res.statusCode === 200 ? resolve(text) : reject(new Error(`${res.statusCode} ${text}`))))
        }
      )
      req.on("error", reject)
      req.end(body)
    })
  const initiate = async (key: string) =>
    /<UploadId>([^<]+)</.exec(await send(`/bench-bucket/${key}?uploads`, "POST", undefined))?.[1] ?? ""
  const parts = async (key: string, count: number, sizeBytes: number) => {
    const uploadId = await initiate(key)
    const body = new Uint8Array(sizeBytes).map((_, i) => (i * 31) & 255)
    let next = 1
    const started = performance.now()
    await Promise.all(
      Array.from({ length: parallelism }, async () => {
        while (next <= count) await send(`/bench-bucket/${key}?partNumber=${next++}&uploadId=${uploadId}`, "PUT", body)
      })
    )
    return (performance.now() - started) / 1000
  }
  const smallSeconds = await parts("small", smallParts, smallPartBytes)
  const largeCount = Math.max(1, Math.round(largeBytes / largePartBytes))
  const largeSeconds = await parts("large", largeCount, largePartBytes)
  console.log(
    `${label}: ${(smallParts / smallSeconds).toFixed(0)} parts/s (${smallParts} × ${smallPartBytes / 1024} KiB), ${((largeCount * largePartBytes) / 1024 / 1024 / largeSeconds).toFixed(0)} MiB/s (${largeCount} × 16 MiB), parallelism ${parallelism}`
  )
  agent.destroy()
  await server.close()
}

const dir = await mkdtemp(join(tmpdir(), "server-ingest-"))
try {
  await run("memory   ", { kind: "memory" })
  await run("directory", { kind: "directory", path: join(dir, "data") })
} finally {
  await rm(dir, { recursive: true, force: true })
}
console.log(`peak RSS of this process (server and client): ${(process.resourceUsage().maxRSS / 1024).toFixed(0)} MB`)
