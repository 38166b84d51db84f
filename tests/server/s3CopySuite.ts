/**
 * CopyObject and UploadPartCopy through an unmodified `@aws-sdk/client-s3`, written once and run against the local
 * server (s3Copy.test.ts) and against Ceph RGW (s3CopyRgw.test.ts), so any difference shows. Where the two differ
 * on purpose, the target says so in {@link CopyTarget.multipartCopyEtag}.
 */
import { createHash, randomBytes } from "node:crypto"
import {
  CompleteMultipartUploadCommand,
  CopyObjectCommand,
  CreateMultipartUploadCommand,
  GetObjectCommand,
  HeadObjectCommand,
  PutObjectCommand,
  type S3Client,
  S3ServiceException,
  UploadPartCopyCommand
} from "@aws-sdk/client-s3"
import { assert } from "@effect/vitest"

const MiB = 1024 * 1024

export interface CopyTarget {
  readonly client: S3Client
  readonly bucket: string
  /**
   * The ETag a CopyObject of a multipart object gets: `"content-md5"` (the local server: the copy is a new single-part
   * object, as on AWS S3) or `"source"` (RGW keeps the source's multipart ETag).
   */
  readonly multipartCopyEtag: "content-md5" | "source"
  /** A copy range past the source's end: AWS (and the local server) say `InvalidArgument`, RGW `InvalidRange`. */
  readonly badRangeCode: "InvalidArgument" | "InvalidRange"
}

const md5Hex = (bytes: Uint8Array) => createHash("md5").update(bytes).digest("hex")
/** RGW answers the copy results' ETags without quotes (the local server quotes them, as AWS does): compare bare. */
const bare = (etag: string | undefined) => (etag ?? "").replace(/"/g, "")

const bodyOf = async (client: S3Client, bucket: string, key: string): Promise<Buffer> => {
  const got = await client.send(new GetObjectCommand({ Bucket: bucket, Key: key }))
  return Buffer.from((await got.Body?.transformToByteArray()) ?? [])
}

const codeOf = async (call: Promise<unknown>): Promise<string> => {
  try {
    await call
  } catch (error) {
    if (error instanceof S3ServiceException) return error.name
    throw error
  }
  return "no error"
}

/** Copies a plain object (metadata kept, then replaced), refuses what S3 refuses, and copies parts by range. */
export const runCopyChecks = async ({ badRangeCode, bucket, client, multipartCopyEtag }: CopyTarget): Promise<void> => {
  const source = randomBytes(6 * MiB + 12345)
  const sourceKey = "copy/source é.bin"
  await client.send(
    new PutObjectCommand({
      Bucket: bucket,
      Key: sourceKey,
      Body: source,
      ContentType: "application/x-test",
      Metadata: { origin: "suite" }
    })
  )

  const copied = await client.send(
    new CopyObjectCommand({
      Bucket: bucket,
      Key: "copy/plain",
      CopySource: `${bucket}/${encodeURIComponent(sourceKey)}`
    })
  )
  assert.strictEqual(bare(copied.CopyObjectResult?.ETag), md5Hex(source))
  assert.isTrue((await bodyOf(client, bucket, "copy/plain")).equals(source))
  const head = await client.send(new HeadObjectCommand({ Bucket: bucket, Key: "copy/plain" }))
  assert.strictEqual(head.ContentType, "application/x-test")
  assert.deepStrictEqual(head.Metadata, { origin: "suite" })

  await client.send(
    new CopyObjectCommand({
      Bucket: bucket,
      Key: "copy/replaced",
      CopySource: `${bucket}/${encodeURIComponent(sourceKey)}`,
      MetadataDirective: "REPLACE",
      ContentType: "text/plain",
      Metadata: { fresh: "yes" }
    })
  )
  const replaced = await client.send(new HeadObjectCommand({ Bucket: bucket, Key: "copy/replaced" }))
  assert.strictEqual(replaced.ContentType, "text/plain")
  assert.deepStrictEqual(replaced.Metadata, { fresh: "yes" })

  const self = { Bucket: bucket, Key: "copy/plain", CopySource: `${bucket}/copy/plain` }
  assert.strictEqual(await codeOf(client.send(new CopyObjectCommand(self))), "InvalidRequest")
  const missing = { Bucket: bucket, Key: "copy/x", CopySource: `${bucket}/copy/missing` }
  assert.strictEqual(await codeOf(client.send(new CopyObjectCommand(missing))), "NoSuchKey")

  // UploadPartCopy: the source in two ranges, 5 MiB and the rest, then Complete.
  const created = await client.send(new CreateMultipartUploadCommand({ Bucket: bucket, Key: "copy/multipart" }))
  const UploadId = created.UploadId ?? ""
  const ranges = [
    [0, 5 * MiB - 1],
    [5 * MiB, source.length - 1]
  ] as const
  const parts: Array<{ PartNumber: number; ETag: string }> = []
  for (const [i, [first, last]] of ranges.entries()) {
    const part = await client.send(
      new UploadPartCopyCommand({
        Bucket: bucket,
        Key: "copy/multipart",
        UploadId,
        PartNumber: i + 1,
        CopySource: `${bucket}/${encodeURIComponent(sourceKey)}`,
        CopySourceRange: `bytes=${first}-${last}`
      })
    )
    const etag = part.CopyPartResult?.ETag ?? ""
    assert.strictEqual(bare(etag), md5Hex(source.subarray(first, last + 1)))
    parts.push({ PartNumber: i + 1, ETag: etag })
  }
  const badRange = new UploadPartCopyCommand({
    Bucket: bucket,
    Key: "copy/multipart",
    UploadId,
    PartNumber: 3,
    CopySource: `${bucket}/${encodeURIComponent(sourceKey)}`,
    CopySourceRange: `bytes=0-${source.length}`
  })
  assert.strictEqual(await codeOf(client.send(badRange)), badRangeCode)
  const done = await client.send(
    new CompleteMultipartUploadCommand({
      Bucket: bucket,
      Key: "copy/multipart",
      UploadId,
      MultipartUpload: { Parts: parts }
    })
  )
  const digests = Buffer.concat(
    ranges.map(([first, last]) =>
      createHash("md5")
        .update(source.subarray(first, last + 1))
        .digest()
    )
  )
  const multipartEtag = `"${md5Hex(digests)}-2"`
  // RGW answers this Complete with an empty ETag (its parts were named by the unquoted copy ETags): HEAD tells.
  const completed = await client.send(new HeadObjectCommand({ Bucket: bucket, Key: "copy/multipart" }))
  assert.strictEqual(completed.ETag, multipartEtag)
  if (done.ETag !== "") assert.strictEqual(done.ETag, multipartEtag)
  assert.isTrue((await bodyOf(client, bucket, "copy/multipart")).equals(source))

  // A copy of the multipart object.
  const again = await client.send(
    new CopyObjectCommand({ Bucket: bucket, Key: "copy/of-multipart", CopySource: `${bucket}/copy/multipart` })
  )
  assert.strictEqual(
    bare(again.CopyObjectResult?.ETag),
    bare(multipartCopyEtag === "source" ? multipartEtag : md5Hex(source))
  )
  assert.isTrue((await bodyOf(client, bucket, "copy/of-multipart")).equals(source))
}

/** The keys {@link runCopyChecks} writes, for a target's clean-up. */
export const copyKeys = ["copy/source é.bin", "copy/plain", "copy/replaced", "copy/multipart", "copy/of-multipart"]
