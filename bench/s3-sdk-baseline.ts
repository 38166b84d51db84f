/**
 * A baseline for the CLI's S3 throughput: the same file uploaded with the AWS SDK (`@aws-sdk/client-s3`, a dev
 * dependency) to the same endpoint, as a plain multipart upload with no resume, no checkpoint and no client-side
 * hashing beyond what the SDK does by default (CRC-32 per part), `parallel` parts in flight.
 *
 * Usage: AWS_ACCESS_KEY_ID=… AWS_SECRET_ACCESS_KEY=… npx tsx bench/s3-sdk-baseline.ts <file> <endpoint> <bucket>
 *        [partSizeMiB=8] [parallel=3]
 * With `HASH=1` each part also gets what resumable-upload computes on the event loop: MD5 (sent as Content-MD5) and
 * CRC-64, to tell hashing cost apart from the rest.
 * Compare with: resumable-upload put <file> s3://<bucket>/<key> --endpoint <endpoint> (README, "Measured").
 */
import { createHash } from "node:crypto"
import { open, stat } from "node:fs/promises"
import {
  CompleteMultipartUploadCommand,
  CreateMultipartUploadCommand,
  S3Client,
  UploadPartCommand
} from "@aws-sdk/client-s3"
import * as Crc64 from "../core/Crc64.ts"

const [file, endpoint, bucket, partMiB = "8", parallelText = "3"] = process.argv.slice(2)
if (file === undefined || endpoint === undefined || bucket === undefined) {
  throw new Error("usage: s3-sdk-baseline.ts <file> <endpoint> <bucket> [partSizeMiB] [parallel]")
}
const partSizeBytes = Number(partMiB) * 1024 * 1024
const parallel = Number(parallelText)
const client = new S3Client({ endpoint, region: process.env.AWS_REGION ?? "us-east-1", forcePathStyle: true })
const key = `sdk-baseline/${Date.now()}`
const sizeBytes = (await stat(file)).size
const partCount = Math.max(1, Math.ceil(sizeBytes / partSizeBytes))
const handle = await open(file)

const started = performance.now()
const { UploadId } = await client.send(new CreateMultipartUploadCommand({ Bucket: bucket, Key: key }))
const etags: Array<string> = []
let next = 0
const worker = async () => {
  for (let n = next++; n < partCount; n = next++) {
    const length = Math.min(partSizeBytes, sizeBytes - n * partSizeBytes)
    const body = new Uint8Array(length)
    await handle.read(body, 0, length, n * partSizeBytes)
    const hashed = process.env.HASH === "1"
    const ContentMD5 = hashed ? createHash("md5").update(body).digest("base64") : undefined
    if (hashed) Crc64.compute(body)
    const answer = await client.send(
      new UploadPartCommand({ Bucket: bucket, Key: key, UploadId, PartNumber: n + 1, Body: body, ContentMD5 })
    )
    etags[n] = answer.ETag ?? ""
  }
}
await Promise.all(Array.from({ length: parallel }, worker))
await client.send(
  new CompleteMultipartUploadCommand({
    Bucket: bucket,
    Key: key,
    UploadId,
    MultipartUpload: { Parts: etags.map((ETag, i) => ({ ETag, PartNumber: i + 1 })) }
  })
)
const seconds = (performance.now() - started) / 1000
await handle.close()
const mib = sizeBytes / 1024 / 1024
console.log(
  `${mib.toFixed(0)} MiB in ${partCount} parts, ${parallel} in flight: ${seconds.toFixed(2)} s, ${(mib / seconds).toFixed(1)} MiB/s`
)
