/**
 * The bucket API and listings of the local server over HTTP, in both dialects (unsigned requests, answered in the
 * server's `dialect`): NoSuchBucket for a bucket that was never created and holds nothing, CreateBucket / HeadBucket
 * / DeleteBucket (BucketNotEmpty while objects or uploads remain), ListBuckets, GetBucketLocation, ListObjects V1
 * and V2 paging with delimiter, `encoding-type=url`, DeleteObjects (Content-MD5, Quiet), and created buckets
 * surviving a restart of a directory-backed server.
 */
import { createHash } from "node:crypto"
import { mkdtempSync, rmSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { afterAll, assert, describe, it } from "vitest"
import type { LocalOssServer } from "../../adapters/server/LocalOssServer.ts"
import { initiate, startServer, withServer, xmlField, xmlFields } from "./serverSupport.ts"

const root = mkdtempSync(join(tmpdir(), "bucket-api-"))
afterAll(() => rmSync(root, { recursive: true, force: true }))

const call = (server: LocalOssServer, method: string, path: string, init: RequestInit = {}) =>
  fetch(`${server.url}${path}`, { method, ...init })
const codeOf = async (response: Response) => xmlField(await response.text(), "Code")
const put = async (server: LocalOssServer, bucket: string, key: string) =>
  assert.strictEqual((await call(server, "PUT", `/${bucket}/${encodeURI(key)}`, { body: key })).status, 200)
const md5 = (text: string) => createHash("md5").update(text).digest("base64")
const deleteBody = (keys: ReadonlyArray<string>, quiet = false) =>
  `<Delete><Quiet>${quiet}</Quiet>${keys.map((k) => `<Object><Key>${k}</Key></Object>`).join("")}</Delete>`

describe("bucket API (OSS dialect)", () => {
  it("answers NoSuchBucket for a bucket nobody created or wrote to, and creates buckets", () =>
    withServer({}, async (server) => {
      const missing = await call(server, "GET", "/never-made/")
      assert.strictEqual(missing.status, 404)
      assert.strictEqual(await codeOf(missing), "NoSuchBucket")
      assert.strictEqual((await call(server, "HEAD", "/never-made")).status, 404)
      assert.strictEqual((await call(server, "PUT", "/made-empty")).status, 200)
      assert.strictEqual((await call(server, "PUT", "/made-empty")).status, 200, "creating again is idempotent")
      assert.strictEqual((await call(server, "HEAD", "/made-empty")).status, 200)
      const empty = await (await call(server, "GET", "/made-empty/")).text()
      assert.strictEqual(xmlField(empty, "Name"), "made-empty")
      assert.deepStrictEqual(xmlFields(empty, "Key"), [])
      await put(server, "written-to", "k")
      assert.strictEqual((await call(server, "HEAD", "/written-to")).status, 200, "a write brings a bucket about")
      const buckets = await (await call(server, "GET", "/")).text()
      assert.include(buckets, "<ListAllMyBucketsResult>")
      assert.deepStrictEqual(xmlFields(buckets, "Name"), ["made-empty", "written-to"])
      assert.strictEqual(xmlField(buckets, "Location"), "oss-cn-hangzhou")
      const location = await (await call(server, "GET", "/written-to/?location")).text()
      assert.strictEqual(xmlField(location, "LocationConstraint"), "oss-cn-hangzhou")
    }))

  it("pages V1 by marker and V2 by continuation token, rolling keys up by delimiter", () =>
    withServer({}, async (server) => {
      for (const key of ["a/1", "a/2", "b", "c/x/1", "d"]) await put(server, "list-me", key)
      const v1 = await (await call(server, "GET", "/list-me/?delimiter=/&max-keys=2")).text()
      assert.deepStrictEqual(xmlFields(v1, "Prefix").slice(1), ["a/"], "CommonPrefixes after the echoed Prefix")
      assert.deepStrictEqual(xmlFields(v1, "Key"), ["b"])
      assert.strictEqual(xmlField(v1, "IsTruncated"), "true")
      assert.strictEqual(xmlField(v1, "NextMarker"), "b")
      const rest = await (await call(server, "GET", "/list-me/?delimiter=/&marker=b")).text()
      assert.deepStrictEqual(xmlFields(rest, "Key"), ["d"])
      assert.deepStrictEqual(xmlFields(rest, "Prefix").slice(1), ["c/"])
      assert.strictEqual(xmlField(rest, "IsTruncated"), "false")
      const keys: Array<string> = []
      let token: string | undefined
      do {
        const query = `list-type=2&max-keys=2${token === undefined ? "" : `&continuation-token=${encodeURIComponent(token)}`}`
        const page = await (await call(server, "GET", `/list-me/?${query}`)).text()
        keys.push(...xmlFields(page, "Key"))
        assert.strictEqual(xmlField(page, "KeyCount"), String(xmlFields(page, "Key").length))
        token = xmlField(page, "NextContinuationToken")
      } while (token !== undefined)
      assert.deepStrictEqual(keys, ["a/1", "a/2", "b", "c/x/1", "d"])
      // Listings follow writes at once (the model caches a bucket's sorted listing until its next write).
      await put(server, "list-me", "0-first")
      assert.strictEqual((await call(server, "DELETE", "/list-me/b")).status, 204)
      const after = await (await call(server, "GET", "/list-me/?list-type=2")).text()
      assert.deepStrictEqual(xmlFields(after, "Key"), ["0-first", "a/1", "a/2", "c/x/1", "d"])
      const bad = await call(server, "GET", "/list-me/?list-type=2&continuation-token=nonsense")
      assert.strictEqual(bad.status, 400)
      assert.strictEqual(await codeOf(bad), "InvalidArgument")
    }))

  it("URL-encodes keys and prefixes under encoding-type=url", () =>
    withServer({}, async (server) => {
      await put(server, "encoded", "sp ace/\u00e9")
      const page = await (await call(server, "GET", "/encoded/?encoding-type=url&prefix=sp%20")).text()
      assert.strictEqual(xmlField(page, "EncodingType"), "url")
      assert.strictEqual(xmlField(page, "Prefix"), "sp%20")
      assert.strictEqual(xmlField(page, "Key"), "sp%20ace%2F%C3%A9")
    }))

  it("deletes in batches with Content-MD5, quietly or not, and deletes only empty buckets", () =>
    withServer({}, async (server) => {
      for (const key of ["x", "y", "z"]) await put(server, "batch", key)
      const loud = deleteBody(["x", "gone"])
      const answer = await call(server, "POST", "/batch/?delete", { body: loud, headers: { "Content-MD5": md5(loud) } })
      assert.strictEqual(answer.status, 200)
      assert.deepStrictEqual(xmlFields(await answer.text(), "Key"), ["x", "gone"])
      const quiet = deleteBody(["y"], true)
      const silent = await call(server, "POST", "/batch/?delete", {
        body: quiet,
        headers: { "Content-MD5": md5(quiet) }
      })
      assert.deepStrictEqual(xmlFields(await silent.text(), "Key"), [])
      const unsigned = await call(server, "POST", "/batch/?delete", { body: quiet })
      assert.strictEqual(unsigned.status, 400)
      const wrong = await call(server, "POST", "/batch/?delete", { body: quiet, headers: { "Content-MD5": md5("x") } })
      assert.strictEqual(await codeOf(wrong), "InvalidDigest")
      const notXml = "<Nope/>"
      const malformed = await call(server, "POST", "/batch/?delete", {
        body: notXml,
        headers: { "Content-MD5": md5(notXml) }
      })
      assert.strictEqual(await codeOf(malformed), "MalformedXML")
      assert.strictEqual((await call(server, "DELETE", "/batch?uploads")).status, 501, "no bucket delete by accident")
      const full = await call(server, "DELETE", "/batch")
      assert.strictEqual(full.status, 409)
      assert.strictEqual(await codeOf(full), "BucketNotEmpty")
      assert.strictEqual((await call(server, "DELETE", "/batch/z")).status, 204)
      // Never created, now empty: it no longer exists, so there is nothing to delete.
      assert.strictEqual(await codeOf(await call(server, "DELETE", "/batch")), "NoSuchBucket")
      // A bucket holding only a multipart upload is not empty either.
      await initiate(server, "k")
      assert.strictEqual((await call(server, "PUT", "/test-bucket")).status, 200)
      assert.strictEqual(await codeOf(await call(server, "DELETE", "/test-bucket")), "BucketNotEmpty")
      assert.strictEqual((await call(server, "PUT", "/made-then-dropped")).status, 200)
      assert.strictEqual((await call(server, "DELETE", "/made-then-dropped")).status, 204)
      assert.strictEqual((await call(server, "HEAD", "/made-then-dropped")).status, 404)
    }))

  it("remembers created buckets across restarts of a directory-backed server", async () => {
    const storage = { kind: "directory" as const, path: join(root, "data") }
    const first = await startServer({ storage })
    assert.strictEqual((await call(first, "PUT", "/kept")).status, 200)
    assert.strictEqual((await call(first, "PUT", "/dropped")).status, 200)
    assert.strictEqual((await call(first, "DELETE", "/dropped")).status, 204)
    await first.close()
    const second = await startServer({ storage })
    try {
      assert.strictEqual((await call(second, "HEAD", "/kept")).status, 200)
      assert.strictEqual((await call(second, "HEAD", "/dropped")).status, 404)
      assert.deepStrictEqual(xmlFields(await (await call(second, "GET", "/")).text(), "Name"), ["kept"])
    } finally {
      await second.close()
    }
  })
})

describe("bucket API (S3 dialect)", () => {
  it("answers in S3's documents, with errors that do not name OSS", () =>
    withServer({ dialect: "s3" }, async (server) => {
      await put(server, "s3-bucket", "a/1")
      await put(server, "s3-bucket", "b")
      const buckets = await (await call(server, "GET", "/")).text()
      assert.include(buckets, '<ListAllMyBucketsResult xmlns="http://s3.amazonaws.com/doc/2006-03-01/">')
      assert.deepStrictEqual(xmlFields(buckets, "Name"), ["s3-bucket"])
      const location = await (await call(server, "GET", "/s3-bucket/?location")).text()
      assert.include(
        location,
        '<LocationConstraint xmlns="http://s3.amazonaws.com/doc/2006-03-01/"></LocationConstraint>'
      )
      const v1 = await (await call(server, "GET", "/s3-bucket/?max-keys=1")).text()
      assert.strictEqual(xmlField(v1, "IsTruncated"), "true")
      assert.isUndefined(xmlField(v1, "NextMarker"), "S3 sends NextMarker only with a delimiter")
      assert.strictEqual(xmlField(v1, "ETag"), `"${createHash("md5").update("a/1").digest("hex")}"`)
      const unsupported = await (await call(server, "GET", "/s3-bucket/?versioning")).text()
      assert.strictEqual(xmlField(unsupported, "Code"), "NotImplemented")
      assert.notInclude(xmlField(unsupported, "Message") ?? "", "OSS")
      assert.strictEqual(await codeOf(await call(server, "GET", "/no-such-one/?list-type=2")), "NoSuchBucket")
    }))
})
