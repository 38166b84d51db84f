/**
 * What docs/clients.md says about ali-oss addressing, checked with ali-oss 6.23 itself. With an IP endpoint, ali-oss
 * (Node) rewrites `Host` to `<bucket>.oss-<region>.aliyuncs.com`: `cname: true` then works with V1 and V4, while
 * `sldEnable: true` also puts the bucket in the path, so the server (reading the bucket from `Host`, as OSS does)
 * sees the key `<bucket>/<key>` and the signature fails. With a host name endpoint, `sldEnable: true` works.
 */
import { createRequire } from "node:module"
import { afterEach, assert, describe, it } from "vitest"
import { type LocalOssServer, start } from "../../adapters/server/LocalOssServer.ts"

interface OssClient {
  put(name: string, body: Buffer): Promise<unknown>
  get(name: string): Promise<{ readonly content: Buffer }>
}
type OssConstructor = new (options: Readonly<Record<string, unknown>>) => OssClient
const OSS = createRequire(import.meta.url)("ali-oss") as OssConstructor

const keys = { accessKeyId: "dev", accessKeySecret: "dev-secret" }
const bucket = "demo"
const body = Buffer.from("hello from ali-oss")

let server: LocalOssServer | undefined
afterEach(async () => {
  await server?.close()
  server = undefined
})

const startServer = async (signed: boolean): Promise<LocalOssServer> => {
  server = await start(
    { storage: { kind: "memory" }, credentials: signed ? [keys] : "anonymous" },
    { onInternalError: (cause) => console.error("server internal error", cause) }
  )
  return server
}

const clientOf = (endpoint: string, addressing: "cname" | "sldEnable", authorizationV4: boolean): OssClient =>
  new OSS({ endpoint, [addressing]: true, bucket, region: "oss-cn-hangzhou", ...keys, authorizationV4 })

/** The OSS error code of a failed call. */
const failureCode = async (call: Promise<unknown>): Promise<string> => {
  try {
    await call
  } catch (error) {
    return String((error as { code?: unknown }).code)
  }
  throw new Error("expected the call to fail")
}

describe("ali-oss addressing against the local server", () => {
  for (const v4 of [true, false]) {
    const signature = v4 ? "V4" : "V1"

    it(`IP endpoint with cname: true works (${signature})`, async () => {
      const { url } = await startServer(true)
      const client = clientOf(url, "cname", v4)
      await client.put("dir/object.txt", body)
      assert.deepStrictEqual((await client.get("dir/object.txt")).content, body)
      assert.deepStrictEqual(await server?.store.objectBytes(bucket, "dir/object.txt"), Uint8Array.from(body))
    })

    it(`IP endpoint with sldEnable: true is refused with SignatureDoesNotMatch (${signature})`, async () => {
      const { url } = await startServer(true)
      assert.strictEqual(
        await failureCode(clientOf(url, "sldEnable", v4).put("object.txt", body)),
        "SignatureDoesNotMatch"
      )
      assert.isUndefined(await server?.store.objectBytes(bucket, "object.txt"))
    })

    it(`host name endpoint with sldEnable: true works (${signature})`, async () => {
      const { port } = await startServer(true)
      const client = clientOf(`http://localhost:${port}`, "sldEnable", v4)
      await client.put("dir/object.txt", body)
      assert.deepStrictEqual((await client.get("dir/object.txt")).content, body)
      assert.deepStrictEqual(await server?.store.objectBytes(bucket, "dir/object.txt"), Uint8Array.from(body))
    })
  }

  it("IP endpoint with sldEnable: true names the bucket twice, so the key gains a bucket prefix", async () => {
    // Unsigned checks are off on an anonymous server, which shows where the request landed.
    const { url } = await startServer(false)
    await clientOf(url, "sldEnable", true).put("object.txt", body)
    assert.deepStrictEqual(await server?.store.objectBytes(bucket, `${bucket}/object.txt`), Uint8Array.from(body))
    assert.isUndefined(await server?.store.objectBytes(bucket, "object.txt"))
  })
})
