/**
 * The copy checks of s3CopySuite.ts against Ceph RGW, to show where the local server and a real store differ (RGW
 * keeps a multipart source's ETag on CopyObject, answers a bad copy range with InvalidRange, and leaves copy
 * ETags unquoted). Skips without RGW unless `RGW_REQUIRED=1`.
 */
import { CreateBucketCommand, DeleteBucketCommand, DeleteObjectCommand, S3Client } from "@aws-sdk/client-s3"
import { describe, it } from "@effect/vitest"
import { rgwCredentials, rgwEndpoint, rgwGate, uniqueBucket } from "../support/rgw.ts"
import { copyKeys, runCopyChecks } from "./s3CopySuite.ts"

const up = await rgwGate("the RGW copy checks")

describe.skipIf(!up)("CopyObject and UploadPartCopy on RGW", () => {
  it("copies objects and part ranges", async () => {
    const client = new S3Client({
      endpoint: rgwEndpoint,
      region: "us-east-1",
      forcePathStyle: true,
      credentials: rgwCredentials,
      maxAttempts: 1
    })
    const bucket = uniqueBucket("copy")
    await client.send(new CreateBucketCommand({ Bucket: bucket }))
    try {
      await runCopyChecks({ client, bucket, multipartCopyEtag: "source", badRangeCode: "InvalidRange" })
    } finally {
      for (const key of copyKeys)
        await client.send(new DeleteObjectCommand({ Bucket: bucket, Key: key })).catch(() => undefined)
      await client.send(new DeleteBucketCommand({ Bucket: bucket })).catch(() => undefined)
      client.destroy()
    }
  })
})
