/**
 * Listing with the unmodified JavaScript S3 clients, against any {@link S3Target}: minio-js (with a region, and
 * without one, so that it asks `GET ?location` before anything else) lists with `listObjectsV2` recursively and by
 * folder, pages with `listObjectsV2Query`, and removes in a batch; @aws-sdk/client-s3 pages with
 * `paginateListObjectsV2`, lists buckets, deletes in a batch (the SDK's CRC-32 instead of Content-MD5) and finds
 * the deleted bucket gone.
 */
import {
  CreateBucketCommand,
  DeleteBucketCommand,
  DeleteObjectsCommand,
  HeadBucketCommand,
  ListBucketsCommand,
  PutObjectCommand,
  paginateListObjectsV2,
  S3Client
} from "@aws-sdk/client-s3"
import * as Minio from "minio"
import { assert } from "vitest"
import { freshBucket, type S3Target } from "./listingTools.ts"

const keys = [...Array.from({ length: 11 }, (_, i) => `k/${String(i).padStart(2, "0")}`), "k/sub/x", "top"]

const collect = <A>(stream: NodeJS.ReadableStream): Promise<Array<A>> =>
  new Promise((resolve, reject) => {
    const items: Array<A> = []
    stream.on("data", (item: A) => items.push(item))
    stream.on("error", reject)
    stream.on("end", () => resolve(items))
  })

export const minioScenario = async (target: S3Target, region: string | undefined): Promise<void> => {
  const url = new URL(target.endpoint)
  const client = new Minio.Client({
    endPoint: url.hostname,
    port: Number(url.port),
    useSSL: false,
    pathStyle: true,
    accessKey: target.accessKeyId,
    secretKey: target.secretAccessKey,
    ...(region === undefined ? {} : { region })
  })
  const bucket = freshBucket(region === undefined ? "minio-noregion" : "minio")
  await client.makeBucket(bucket)
  for (const key of keys) await client.putObject(bucket, key, Buffer.from(key))
  const all = await collect<Minio.BucketItem>(client.listObjectsV2(bucket, "", true))
  assert.deepStrictEqual(
    all.map((item) => item.name),
    keys
  )
  const folder = await collect<Minio.BucketItem>(client.listObjectsV2(bucket, "k/", false))
  assert.deepStrictEqual(
    folder.filter((item) => item.prefix !== undefined).map((item) => item.prefix),
    ["k/sub/"]
  )
  assert.strictEqual(folder.filter((item) => item.name !== undefined).length, 11)
  const paged: Array<string> = []
  let token = ""
  for (let pages = 0; pages < 10; pages++) {
    const page = await client.listObjectsV2Query(bucket, "", token, "", 4, "")
    paged.push(...page.objects.map((item) => item.name ?? ""))
    if (!page.isTruncated) break
    token = page.nextContinuationToken
  }
  assert.deepStrictEqual(paged, keys, "listObjectsV2Query pages of 4")
  await client.removeObjects(bucket, keys)
  assert.deepStrictEqual(await collect(client.listObjectsV2(bucket, "", true)), [])
  await client.removeBucket(bucket)
  assert.isFalse(await client.bucketExists(bucket))
}

export const awsSdkScenario = async (target: S3Target): Promise<void> => {
  const client = new S3Client({
    endpoint: target.endpoint,
    forcePathStyle: true,
    region: "us-east-1",
    credentials: { accessKeyId: target.accessKeyId, secretAccessKey: target.secretAccessKey }
  })
  try {
    const bucket = freshBucket("sdk")
    await client.send(new CreateBucketCommand({ Bucket: bucket }))
    for (const key of keys) await client.send(new PutObjectCommand({ Bucket: bucket, Key: key, Body: key }))
    const listed: Array<string> = []
    let pages = 0
    for await (const page of paginateListObjectsV2({ client, pageSize: 5 }, { Bucket: bucket })) {
      pages++
      listed.push(...(page.Contents ?? []).map((object) => object.Key ?? ""))
    }
    assert.deepStrictEqual(listed, keys)
    assert.strictEqual(pages, 3)
    const buckets = await client.send(new ListBucketsCommand({}))
    assert.include(
      (buckets.Buckets ?? []).map((b) => b.Name),
      bucket
    )
    const deleted = await client.send(
      new DeleteObjectsCommand({ Bucket: bucket, Delete: { Objects: keys.map((Key) => ({ Key })) } })
    )
    assert.deepStrictEqual((deleted.Deleted ?? []).map((d) => d.Key).sort(), [...keys].sort())
    await client.send(new DeleteBucketCommand({ Bucket: bucket }))
    const gone = await client.send(new HeadBucketCommand({ Bucket: bucket })).then(
      () => "exists",
      (error: { name?: string }) => error.name
    )
    assert.strictEqual(gone, "NotFound")
  } finally {
    client.destroy()
  }
}
