/**
 * How the local OSS server finds the bucket (protocol.md §5, environment.md §2.3): path-style on its own host,
 * virtual-hosted from a bucket label in Host (`bucket.localhost`, ali-oss's `bucket.oss-cn-hangzhou.aliyuncs.com`
 * for IP endpoints), CNAME with a configured default bucket; and a signature that holds in every style.
 */
import { assert, describe, it } from "@effect/vitest"
import * as Effect from "effect/Effect"
import * as OssCredentials from "../../adapters/oss/OssCredentials.ts"
import * as SignatureV1 from "../../adapters/oss/OssSignatureV1.ts"
import { resolveTarget } from "../../adapters/server/requestTarget.ts"
import { accessKeyId, accessKeySecret, bucket, rawRequest, withServer } from "./serverSupport.ts"

const own: { ownHost: string; defaultBucket: string | undefined } = { ownHost: "127.0.0.1", defaultBucket: undefined }

describe("LocalOssServer addressing", () => {
  it("resolves path-style, virtual-hosted and CNAME targets", () => {
    const target = (url: string, host: string | undefined, config = own) => {
      const resolved = resolveTarget(url, host, config)
      return resolved.ok ? resolved.target : resolved.error.code
    }
    assert.deepStrictEqual(target("/b-1/a/b?uploads", "127.0.0.1:9000"), {
      bucket: "b-1",
      key: "a/b",
      query: { uploads: "" }
    })
    assert.deepStrictEqual(target("/b-1/", "localhost:9000"), { bucket: "b-1", query: {} })
    assert.deepStrictEqual(target("/", "localhost"), { query: {} })
    assert.deepStrictEqual(target("/a%20b+c?prefix=x+y", "b-1.oss-cn-hangzhou.aliyuncs.com"), {
      bucket: "b-1",
      key: "a b+c",
      query: { prefix: "x y" }
    })
    assert.deepStrictEqual(target("/k", "b-1.localhost:9000"), { bucket: "b-1", key: "k", query: {} })
    assert.deepStrictEqual(target("/b-1/k", "[::1]:9000"), { bucket: "b-1", key: "k", query: {} })
    assert.deepStrictEqual(target("/dir/k", "localhost:9000", { ownHost: "127.0.0.1", defaultBucket: "cname-b" }), {
      bucket: "cname-b",
      key: "dir/k",
      query: {}
    })
    assert.deepStrictEqual(target("http://localhost:9000/b-1/k", undefined), { bucket: "b-1", key: "k", query: {} })
    assert.strictEqual(target("/b-1/%ZZ", "localhost"), "InvalidURI")
    assert.strictEqual(target("/b-1/k?x=%ZZ", "localhost"), "InvalidURI")
    assert.strictEqual(target("/UPPER/k", "localhost"), "InvalidBucketName")
  })

  it("serves one object under every addressing style ali-oss uses", () =>
    withServer({}, async (server) => {
      const port = server.port
      const put = await rawRequest(server, { method: "PUT", path: `/${bucket}/dir/k`, body: "hello" })
      assert.strictEqual(put.status, 200)
      const styles = [
        { path: `/${bucket}/dir/k`, host: `127.0.0.1:${port}` },
        { path: `/${bucket}/dir/k`, host: `localhost:${port}` },
        { path: "/dir/k", host: `${bucket}.localhost:${port}` },
        { path: "/dir/k", host: `${bucket}.oss-cn-hangzhou.aliyuncs.com` }
      ]
      for (const { host, path } of styles) {
        const got = await rawRequest(server, { method: "GET", path, headers: { Host: host } })
        assert.strictEqual(got.body, "hello", host)
      }
    }))

  it("serves CNAME requests from the default bucket, signed over /bucket/key", () =>
    withServer({ defaultBucket: bucket, credentials: [{ accessKeyId, accessKeySecret }] }, async (server) => {
      const credentials = OssCredentials.make({ accessKeyId, accessKeySecret })
      const signed = await Effect.runPromise(
        SignatureV1.sign({ method: "PUT", bucket, key: "c/k", query: {}, headers: {}, date: Date.now() }, credentials)
      )
      const put = await rawRequest(server, {
        method: "PUT",
        path: "/c/k",
        headers: { ...signed, Host: `localhost:${server.port}` },
        body: "cname"
      })
      assert.strictEqual(put.status, 200, put.body)
      const object = await server.store.objectBytes(bucket, "c/k")
      assert.strictEqual(new TextDecoder().decode(object), "cname")
    }))
})
