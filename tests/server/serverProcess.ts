/**
 * A local OSS server in its own process, for the kill test: serves the directory in `LOCAL_OSS_DIR` on a random
 * port, prints `ready <port>` once listening, and runs until killed.
 */
import { start } from "../../adapters/server/LocalOssServer.ts"

const directory = process.env.LOCAL_OSS_DIR
if (directory === undefined) throw new Error("LOCAL_OSS_DIR is not set")
const server = await start({
  storage: { kind: "directory", path: directory },
  credentials: "anonymous",
  storeLimits: { partSizeBytesMin: 4 }
})
process.stdout.write(`ready ${server.port}\n`)
if (process.env.LOCAL_OSS_MEMLOG === "1") {
  setInterval(() => {
    const m = process.memoryUsage()
    process.stderr.write(
      `mem rss=${(m.rss / 1e6).toFixed(0)} heap=${(m.heapUsed / 1e6).toFixed(0)}/${(m.heapTotal / 1e6).toFixed(0)} ext=${(m.external / 1e6).toFixed(0)} ab=${(m.arrayBuffers / 1e6).toFixed(0)}\n`
    )
  }, 1000).unref()
}
