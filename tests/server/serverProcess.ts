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
