/**
 * One upload by one library client, for the side-by-side benchmark (run.mjs runs it under /usr/bin/time):
 *   node clientScript.mjs <client> <dialect> <endpoint> <bucket> <key> <file> <partMiB> <parallel>
 * Keys come from BENCH_KEY_ID / BENCH_SECRET. Each client gets the same part size and parallelism; each does what
 * its users get by default otherwise (lib-storage: no Content-MD5; ours: MD5 per part checked, object verified).
 */
import { createReadStream } from "node:fs"

const [client, dialect, endpoint, bucket, key, file, partMiB, parallelText] = process.argv.slice(2)
const partSizeBytes = Number(partMiB) * 1024 * 1024
const parallel = Number(parallelText)
const accessKeyId = process.env.BENCH_KEY_ID ?? ""
const secret = process.env.BENCH_SECRET ?? ""
const url = new URL(endpoint)

const clients = {
  "ours-lib": async () => {
    const { upload } = await import("@resumable-upload/node")
    const { s3Store } = await import("@resumable-upload/s3")
    const { ossStore } = await import("@resumable-upload/oss")
    const NodeHttpClient = await import("@effect/platform-node/NodeHttpClient")
    const store =
      dialect === "oss"
        ? ossStore({ endpoint, region: "cn-hangzhou", accessKeyId, accessKeySecret: secret })
        : s3Store({ endpoint, accessKeyId, secretAccessKey: secret })
    const checkpointDirectory = process.env.BENCH_CHECKPOINTS ?? ".cache/bench/checkpoints"
    const options = { store, file, bucket, key, partSizeBytes, parallelism: parallel, checkpointDirectory }
    const outcome = await upload({ ...options, httpClient: NodeHttpClient.layerNodeHttp }).done
    if (outcome._tag !== "Completed") throw new Error(`ended ${outcome._tag}`)
  },
  "lib-storage": async () => {
    const { S3Client } = await import("@aws-sdk/client-s3")
    const { Upload } = await import("@aws-sdk/lib-storage")
    const s3 = new S3Client({
      endpoint,
      region: "us-east-1",
      forcePathStyle: true,
      credentials: { accessKeyId, secretAccessKey: secret }
    })
    const body = createReadStream(file)
    await new Upload({
      client: s3,
      params: { Bucket: bucket, Key: key, Body: body },
      partSize: partSizeBytes,
      queueSize: parallel
    }).done()
  },
  minio: async () => {
    const Minio = await import("minio")
    const minio = new Minio.Client({
      endPoint: url.hostname,
      port: Number(url.port),
      useSSL: false,
      accessKey: accessKeyId,
      secretKey: secret,
      region: "us-east-1",
      partSize: partSizeBytes
    })
    await minio.fPutObject(bucket, key, file)
  },
  "ali-oss": async () => {
    const OSS = (await import("ali-oss")).default
    const oss = new OSS({
      endpoint,
      cname: true,
      bucket,
      region: "oss-cn-hangzhou",
      accessKeyId,
      accessKeySecret: secret
    })
    await oss.multipartUpload(key, file, { partSize: partSizeBytes, parallel })
  }
}

const run = clients[client]
if (run === undefined) throw new Error(`unknown client ${client}; one of ${Object.keys(clients).join(", ")}`)
await run()
