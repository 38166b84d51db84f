/**
 * CopyObject and UploadPartCopy against the local server through `@aws-sdk/client-s3` (the checks are in
 * s3CopySuite.ts; s3CopyRgw.test.ts runs the same against RGW). Signed, S3 dialect, the real 5 MiB minimum part.
 */
import { CreateBucketCommand, S3Client } from "@aws-sdk/client-s3"
import { describe, it } from "@effect/vitest"
import { start } from "../../adapters/server/LocalOssServer.ts"
import { runCopyChecks } from "./s3CopySuite.ts"
import { accessKeyId, accessKeySecret, bucket } from "./serverSupport.ts"

describe("CopyObject and UploadPartCopy on the local server", () => {
  it("copies objects and part ranges, streaming on disk", async () => {
    const server = await start(
      { storage: { kind: "memory" }, credentials: [{ accessKeyId, accessKeySecret }], dialect: "s3" },
      { onInternalError: (cause) => console.error("server internal error", cause) }
    )
    const client = new S3Client({
      endpoint: server.url,
      region: "us-east-1",
      forcePathStyle: true,
      credentials: { accessKeyId, secretAccessKey: accessKeySecret },
      maxAttempts: 1
    })
    try {
      await client.send(new CreateBucketCommand({ Bucket: bucket }))
      await runCopyChecks({ client, bucket, multipartCopyEtag: "content-md5", badRangeCode: "InvalidArgument" })
    } finally {
      client.destroy()
      await server.close()
    }
  })
})
