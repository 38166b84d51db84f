/**
 * Runs the local OSS server from a shell until Ctrl-C:
 *
 * ```sh
 * node --import tsx adapters/node/server/serve.ts --dir ./oss-data --port 9000 --default-bucket my-bucket
 * OSS_ACCESS_KEY_ID=ak OSS_ACCESS_KEY_SECRET=sk node --import tsx adapters/node/server/serve.ts --memory
 * ```
 *
 * Without `OSS_ACCESS_KEY_ID`/`OSS_ACCESS_KEY_SECRET` it accepts unsigned requests. It prints the URL and an ali-oss
 * configuration that works against it, then serves; SIGINT/SIGTERM close it cleanly (a kill loses nothing either).
 *
 * @since 0.1.0
 */
import { parseArgs } from "node:util"
import { start } from "./LocalOssServer.ts"

const { values } = parseArgs({
  options: {
    dir: { type: "string", default: "./oss-data" },
    memory: { type: "boolean", default: false },
    host: { type: "string", default: "127.0.0.1" },
    port: { type: "string", default: "0" },
    region: { type: "string", default: "cn-hangzhou" },
    "default-bucket": { type: "string" },
    "abort-incomplete-after-ms": { type: "string" }
  }
})

const accessKeyId = process.env.OSS_ACCESS_KEY_ID
const accessKeySecret = process.env.OSS_ACCESS_KEY_SECRET
const abortAfterMs = values["abort-incomplete-after-ms"]
const defaultBucket = values["default-bucket"]

const server = await start(
  {
    host: values.host,
    port: Number(values.port),
    storage: values.memory ? { kind: "memory" } : { kind: "directory", path: values.dir },
    credentials:
      accessKeyId !== undefined && accessKeySecret !== undefined ? [{ accessKeyId, accessKeySecret }] : "anonymous",
    region: values.region,
    ...(defaultBucket === undefined ? {} : { defaultBucket }),
    ...(abortAfterMs === undefined
      ? {}
      : { lifecycle: { abortIncompleteAfterMs: Number(abortAfterMs), sweepEveryMs: 60_000 } })
  },
  { onInternalError: (cause) => console.error("internal error:", cause) }
)

// `localhost`, not the IP: for IP endpoints ali-oss rewrites Host to `<bucket>.oss-<region>.aliyuncs.com`.
const endpoint = server.url.replace("127.0.0.1", "localhost")
const aliOss =
  defaultBucket === undefined
    ? `endpoint: "${endpoint}", sldEnable: true, bucket: "<bucket>"`
    : `endpoint: "${endpoint}", cname: true, bucket: "${defaultBucket}"`
console.log(`local OSS server at ${server.url} (${values.memory ? "memory" : `data in ${values.dir}`})`)
console.log(`ali-oss: new OSS({ ...credentials, ${aliOss}, region: "oss-${values.region}" })`)

const stop = () => {
  server.close().then(
    () => process.exit(0),
    () => process.exit(1)
  )
}
process.once("SIGINT", stop)
process.once("SIGTERM", stop)
