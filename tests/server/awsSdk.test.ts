/**
 * An unmodified AWS SDK for JavaScript v3 (`@aws-sdk/client-s3`, path-style, SigV4, its default checksum settings)
 * against the local server: a whole multipart upload with 5 MiB parts (the S3 minimum, not lowered here), the list
 * calls, an abort and its NoSuchUpload, PutObject/DeleteObject, and a streaming body, which the SDK sends
 * aws-chunked with a CRC-32 trailer.
 */
import { Readable } from "node:stream"
import {
  AbortMultipartUploadCommand,
  CompleteMultipartUploadCommand,
  CreateBucketCommand,
  CreateMultipartUploadCommand,
  DeleteObjectCommand,
  GetObjectCommand,
  HeadObjectCommand,
  ListMultipartUploadsCommand,
  ListPartsCommand,
  PutObjectCommand,
  S3Client,
  S3ServiceException,
  UploadPartCommand
} from "@aws-sdk/client-s3"
import { assert, describe, it } from "@effect/vitest"
import { type LocalOssServer, start } from "../../adapters/server/LocalOssServer.ts"
import { accessKeyId, accessKeySecret, bucket, bytesOf } from "./serverSupport.ts"

const MiB = 1024 * 1024

/** The headers of every request the client sent, as they went on the wire (after signing). */
const recordHeaders = (client: S3Client): Array<Record<string, string>> => {
  const sent: Array<Record<string, string>> = []
  client.middlewareStack.add(
    (next) => async (args) => {
      const request = args.request as { headers?: Record<string, string> }
      if (request.headers !== undefined) sent.push({ ...request.headers })
      return next(args)
    },
    { step: "deserialize", name: "recordHeaders" }
  )
  return sent
}

/** A signed S3 server with the real S3 limits (5 MiB minimum part). */
const withS3Server = async (
  body: (server: LocalOssServer, client: S3Client, sent: Array<Record<string, string>>) => Promise<void>
): Promise<void> => {
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
    await body(server, client, recordHeaders(client))
  } finally {
    client.destroy()
    await server.close()
  }
}

/** The S3 error code of a failed SDK call. */
const failureOf = async (call: Promise<unknown>): Promise<S3ServiceException> => {
  try {
    await call
  } catch (error) {
    if (error instanceof S3ServiceException) return error
    throw error
  }
  throw new Error("expected the call to fail")
}

describe("AWS SDK v3 against the local server", () => {
  it("runs a multipart upload of two 5 MiB parts and a small last part", () =>
    withS3Server(async (_server, client, sent) => {
      const key = "sdk/multi part.bin"
      await client.send(new CreateBucketCommand({ Bucket: bucket }))
      const parts = [bytesOf(5 * MiB, 1), bytesOf(5 * MiB, 2), bytesOf(1234, 3)]
      const created = await client.send(new CreateMultipartUploadCommand({ Bucket: bucket, Key: key }))
      const uploadId = created.UploadId ?? ""
      assert.isTrue(uploadId.length > 0)
      const etags: Array<string> = []
      const crcs: Array<string | undefined> = []
      for (const [i, bytes] of parts.entries()) {
        const answer = await client.send(
          new UploadPartCommand({ Bucket: bucket, Key: key, UploadId: uploadId, PartNumber: i + 1, Body: bytes })
        )
        assert.match(answer.ETag ?? "", /^"[0-9a-f]{32}"$/)
        // The SDK sent x-amz-checksum-crc32 (WHEN_SUPPORTED); the server verified and echoed it.
        assert.strictEqual(answer.ChecksumCRC32, sent.at(-1)?.["x-amz-checksum-crc32"])
        assert.match(sent.at(-1)?.authorization ?? "", /^AWS4-HMAC-SHA256 /)
        // Over plain HTTP the SDK signs the payload: the hex SHA-256 the server checks against the body.
        assert.match(sent.at(-1)?.["x-amz-content-sha256"] ?? "", /^[0-9a-f]{64}$/)
        etags.push(answer.ETag ?? "")
        crcs.push(answer.ChecksumCRC32)
      }
      const listed = await client.send(new ListPartsCommand({ Bucket: bucket, Key: key, UploadId: uploadId }))
      assert.deepStrictEqual(
        listed.Parts?.map((p) => [p.PartNumber, p.ETag, p.Size]),
        parts.map((p, i) => [i + 1, etags[i], p.length])
      )
      const uploads = await client.send(new ListMultipartUploadsCommand({ Bucket: bucket, Prefix: "sdk/" }))
      assert.deepStrictEqual(
        uploads.Uploads?.map((u) => [u.Key, u.UploadId]),
        [[key, uploadId]]
      )
      const done = await client.send(
        new CompleteMultipartUploadCommand({
          Bucket: bucket,
          Key: key,
          UploadId: uploadId,
          // Per-part checksums in the body are accepted (and not re-checked) beside the ETags.
          MultipartUpload: { Parts: etags.map((ETag, i) => ({ ETag, PartNumber: i + 1, ChecksumCRC32: crcs[i] })) }
        })
      )
      assert.match(done.ETag ?? "", /^"[0-9a-f]{32}-3"$/)
      assert.strictEqual(done.Key, key)
      assert.strictEqual(done.Bucket, bucket)
      const got = await client.send(new GetObjectCommand({ Bucket: bucket, Key: key }))
      const bytes = await got.Body?.transformToByteArray()
      assert.deepStrictEqual(bytes, Uint8Array.from(Buffer.concat(parts)))
      const head = await client.send(new HeadObjectCommand({ Bucket: bucket, Key: key }))
      assert.strictEqual(head.ETag, done.ETag)
      assert.strictEqual(head.ContentLength, 10 * MiB + 1234)
    }))

  it("aborts an upload, after which its calls fail with NoSuchUpload", () =>
    withS3Server(async (_server, client) => {
      const key = "sdk/aborted"
      const { UploadId } = await client.send(new CreateMultipartUploadCommand({ Bucket: bucket, Key: key }))
      const at = { Bucket: bucket, Key: key, UploadId }
      await client.send(new UploadPartCommand({ ...at, PartNumber: 1, Body: bytesOf(100, 1) }))
      const aborted = await client.send(new AbortMultipartUploadCommand(at))
      assert.strictEqual(aborted.$metadata.httpStatusCode, 204)
      const part = await failureOf(client.send(new UploadPartCommand({ ...at, PartNumber: 2, Body: bytesOf(10, 2) })))
      assert.strictEqual(part.name, "NoSuchUpload")
      assert.strictEqual(part.$metadata.httpStatusCode, 404)
      assert.isString(part.$metadata.requestId)
      assert.strictEqual((await failureOf(client.send(new ListPartsCommand(at)))).name, "NoSuchUpload")
      assert.strictEqual((await failureOf(client.send(new AbortMultipartUploadCommand(at)))).name, "NoSuchUpload")
      const complete = new CompleteMultipartUploadCommand({
        ...at,
        MultipartUpload: { Parts: [{ PartNumber: 1, ETag: '"0"' }] }
      })
      assert.strictEqual((await failureOf(client.send(complete))).name, "NoSuchUpload")
    }))

  it("refuses a Complete whose first part is below 5 MiB with EntityTooSmall", () =>
    withS3Server(async (_server, client) => {
      const key = "sdk/small"
      const { UploadId } = await client.send(new CreateMultipartUploadCommand({ Bucket: bucket, Key: key }))
      const at = { Bucket: bucket, Key: key, UploadId }
      const one = await client.send(new UploadPartCommand({ ...at, PartNumber: 1, Body: bytesOf(5 * MiB - 1, 1) }))
      const two = await client.send(new UploadPartCommand({ ...at, PartNumber: 2, Body: bytesOf(10, 2) }))
      const parts = [
        { PartNumber: 1, ETag: one.ETag },
        { PartNumber: 2, ETag: two.ETag }
      ]
      const failure = await failureOf(
        client.send(new CompleteMultipartUploadCommand({ ...at, MultipartUpload: { Parts: parts } }))
      )
      assert.strictEqual(failure.name, "EntityTooSmall")
    }))

  it("puts, heads and deletes a simple object, also from a streaming body (aws-chunked)", () =>
    withS3Server(async (_server, client, sent) => {
      const body = bytesOf(70_000, 4)
      const put = await client.send(
        new PutObjectCommand({ Bucket: bucket, Key: "sdk/simple", Body: body, Metadata: { colour: "blue" } })
      )
      assert.match(put.ETag ?? "", /^"[0-9a-f]{32}"$/)
      const head = await client.send(new HeadObjectCommand({ Bucket: bucket, Key: "sdk/simple" }))
      assert.strictEqual(head.ETag, put.ETag)
      assert.deepStrictEqual(head.Metadata, { colour: "blue" })
      await client.send(new DeleteObjectCommand({ Bucket: bucket, Key: "sdk/simple" }))
      const missing = await failureOf(client.send(new HeadObjectCommand({ Bucket: bucket, Key: "sdk/simple" })))
      assert.strictEqual(missing.$metadata.httpStatusCode, 404)

      const streamed = await client.send(
        new PutObjectCommand({
          Bucket: bucket,
          Key: "sdk/streamed",
          Body: Readable.from([body.subarray(0, 30_000), body.subarray(30_000)]),
          ContentLength: body.length
        })
      )
      const streamedHeaders = sent.at(-1) ?? {}
      assert.strictEqual(streamedHeaders["x-amz-content-sha256"], "STREAMING-UNSIGNED-PAYLOAD-TRAILER")
      assert.strictEqual(streamedHeaders["x-amz-trailer"], "x-amz-checksum-crc32")
      assert.isString(streamed.ChecksumCRC32)
      const got = await client.send(new GetObjectCommand({ Bucket: bucket, Key: "sdk/streamed" }))
      assert.deepStrictEqual(await got.Body?.transformToByteArray(), Uint8Array.from(body))
    }))
})
