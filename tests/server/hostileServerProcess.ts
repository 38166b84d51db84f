/**
 * The local server in its own process for the hostile-input test, so a crash shows as an exit and not as the test
 * runner dying: directory storage in `HOSTILE_DATA_DIR`, keys from `HOSTILE_KEY_ID`/`HOSTILE_KEY_SECRET` (auth
 * enforced), short header/body timeouts so slow clients are cut within a second, and small parts. Prints
 * `ready <port>` once listening; every internal error (what became a 500) goes to stderr as one `INTERNAL` line.
 */
import { start } from "../../adapters/server/LocalOssServer.ts"

const directory = process.env.HOSTILE_DATA_DIR
const accessKeyId = process.env.HOSTILE_KEY_ID
const accessKeySecret = process.env.HOSTILE_KEY_SECRET
if (directory === undefined || accessKeyId === undefined || accessKeySecret === undefined) {
  throw new Error("HOSTILE_DATA_DIR, HOSTILE_KEY_ID and HOSTILE_KEY_SECRET must be set")
}
const server = await start(
  {
    storage: { kind: "directory", path: directory },
    credentials: [{ accessKeyId, accessKeySecret }],
    storeLimits: { partSizeBytesMin: 64 * 1024 },
    limits: { headersTimeoutMs: 800, bodyIdleTimeoutMs: 800, keepAliveTimeoutMs: 800, requestTimeoutMs: 5_000 }
  },
  {
    onInternalError: (cause) => process.stderr.write(`INTERNAL ${String(cause).replace(/\s+/g, " ").slice(0, 500)}\n`)
  }
)
process.stdout.write(`ready ${server.port}\n`)
