/**
 * ali-oss 6.23, unmodified, lists the local server in the OSS dialect: GetBucket (`list`) paged by `nextMarker`
 * with a delimiter, ListObjectsV2 (`listV2`) paged by continuation token, `deleteMulti` (DeleteMultipleObjects with
 * Content-MD5), `putBucket`, `deleteBucket` and `listBuckets`, both with an IP endpoint and `cname: true` (bucket from the rewritten Host,
 * signature V4) and with a `localhost` endpoint and `sldEnable: true` (path style, signature V1).
 */
import { createRequire } from "node:module"
import { afterAll, assert, beforeAll, describe, it } from "vitest"
import { type LocalOssServer, start } from "../../adapters/server/LocalOssServer.ts"

interface Listed {
  readonly objects: ReadonlyArray<{ readonly name: string; readonly size: number }>
  readonly prefixes: ReadonlyArray<string> | null
  readonly nextMarker?: string | null
  readonly nextContinuationToken?: string | null
  readonly isTruncated: boolean
}
interface OssClient {
  put(name: string, body: Buffer): Promise<unknown>
  putBucket(name: string): Promise<unknown>
  deleteBucket(name: string): Promise<unknown>
  list(query: Readonly<Record<string, unknown>>, options?: object): Promise<Listed>
  listV2(query: Readonly<Record<string, unknown>>, options?: object): Promise<Listed>
  deleteMulti(names: ReadonlyArray<string>, options?: object): Promise<{ readonly deleted: ReadonlyArray<unknown> }>
  listBuckets(query?: object): Promise<{ readonly buckets: ReadonlyArray<{ readonly name: string }> | null }>
}
type OssConstructor = new (options: Readonly<Record<string, unknown>>) => OssClient
const OSS = createRequire(import.meta.url)("ali-oss") as OssConstructor

const keys = { accessKeyId: "dev", accessKeySecret: "dev-secret" }
const stored = ["a/1", "a/2", "b", "c/x", "d \u00e9"]

let server: LocalOssServer
beforeAll(async () => {
  server = await start(
    { storage: { kind: "memory" }, credentials: [keys] },
    { onInternalError: (cause) => console.error("server internal error", cause) }
  )
})
afterAll(() => server?.close())

const addressings = [
  {
    name: "IP endpoint, cname: true, V4",
    bucket: "ali-cname",
    client: (bucket: string) =>
      new OSS({ endpoint: server.url, cname: true, bucket, region: "oss-cn-hangzhou", ...keys, authorizationV4: true })
  },
  {
    name: "localhost endpoint, sldEnable: true, V1",
    bucket: "ali-path",
    client: (bucket: string) =>
      new OSS({
        endpoint: `http://localhost:${server.port}`,
        sldEnable: true,
        bucket,
        region: "oss-cn-hangzhou",
        ...keys
      })
  }
]

describe("ali-oss lists the local server", () => {
  for (const addressing of addressings) {
    it(`list, listV2, deleteMulti, listBuckets (${addressing.name})`, async () => {
      const client = addressing.client(addressing.bucket)
      // Created explicitly, so it outlives its objects (a bucket that only writes made vanishes when emptied).
      await client.putBucket(addressing.bucket)
      for (const key of stored) await client.put(key, Buffer.from(key))
      const objects: Array<string> = []
      const prefixes: Array<string> = []
      let marker: string | undefined
      for (let pages = 0; pages < 10; pages++) {
        const page = await client.list({ delimiter: "/", "max-keys": 2, ...(marker === undefined ? {} : { marker }) })
        objects.push(...page.objects.map((object) => object.name))
        prefixes.push(...(page.prefixes ?? []))
        if (!page.isTruncated) break
        marker = page.nextMarker ?? undefined
      }
      assert.deepStrictEqual(objects, ["b", "d \u00e9"])
      assert.deepStrictEqual(prefixes, ["a/", "c/"])
      const all: Array<string> = []
      let token: string | undefined
      for (let pages = 0; pages < 10; pages++) {
        const page = await client.listV2({
          "max-keys": 2,
          ...(token === undefined ? {} : { "continuation-token": token })
        })
        all.push(...page.objects.map((object) => object.name))
        if (!page.isTruncated) break
        token = page.nextContinuationToken ?? undefined
      }
      assert.deepStrictEqual(all, stored)
      const deleted = await client.deleteMulti(stored, { quiet: false })
      assert.strictEqual(deleted.deleted.length, stored.length)
      assert.deepStrictEqual((await client.listV2({})).objects, [])
      const service = new OSS({
        endpoint: `http://localhost:${server.port}`,
        sldEnable: true,
        region: "oss-cn-hangzhou",
        ...keys
      })
      const buckets = await service.listBuckets()
      assert.include(
        (buckets.buckets ?? []).map((b) => b.name),
        addressing.bucket
      )
    })
  }
})
