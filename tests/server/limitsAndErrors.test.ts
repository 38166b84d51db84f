/**
 * The local OSS server under abuse: oversized or unframed bodies, oversized XML and headers, unparsable requests,
 * unsupported operations and failing storage all get an OSS `<Error>` (never a stack), and the server keeps
 * serving. Also CORS: preflights and the exposed headers browsers need.
 */
import { mkdtempSync, rmSync, writeFileSync } from "node:fs"
import { connect } from "node:net"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { afterAll, assert, describe, it } from "@effect/vitest"
import { start } from "../../adapters/server/LocalOssServer.ts"
import { bucket, bytesOf, initiate, rawRequest, urlOf, withServer, xmlField } from "./serverSupport.ts"

const root = mkdtempSync(join(tmpdir(), "local-oss-limits-"))
afterAll(() => rmSync(root, { recursive: true, force: true }))

const codeOf = async (response: Response) => xmlField(await response.text(), "Code")

/** Sends raw bytes on a fresh connection and returns everything the server wrote back. */
const rawSocket = (port: number, text: string): Promise<string> =>
  new Promise((resolve, reject) => {
    const socket = connect(port, "127.0.0.1", () => socket.end(text))
    const chunks: Array<Buffer> = []
    socket.on("data", (chunk: Buffer) => chunks.push(chunk))
    socket.on("end", () => resolve(Buffer.concat(chunks).toString("utf8")))
    socket.on("error", reject)
  })

describe("LocalOssServer limits and errors", () => {
  it("refuses bodies over the cap, declared or chunked, and parts without a length", () =>
    withServer({ limits: { maxBodyBytes: 1024 } }, async (server) => {
      const declared = await fetch(urlOf(server, "big"), { method: "PUT", body: bytesOf(4096, 1) })
      assert.strictEqual(declared.status, 400)
      const xml = await declared.text()
      assert.strictEqual(xmlField(xml, "Code"), "EntityTooLarge")
      assert.notInclude(xml, "at ")
      const chunked = await rawRequest(server, {
        method: "PUT",
        path: `/${bucket}/big`,
        body: bytesOf(4096, 2),
        chunked: true
      })
      assert.strictEqual(xmlField(chunked.body, "Code"), "EntityTooLarge")
      const uploadId = await initiate(server, "p")
      const unframed = await rawRequest(server, {
        method: "PUT",
        path: `/${bucket}/p?partNumber=1&uploadId=${uploadId}`,
        body: "abc",
        chunked: true
      })
      assert.strictEqual(unframed.status, 411)
      assert.strictEqual(xmlField(unframed.body, "Code"), "MissingContentLength")
      const fine = await fetch(urlOf(server, "small"), { method: "PUT", body: bytesOf(1024, 3) })
      assert.strictEqual(fine.status, 200)
    }))

  it("answers 503 when the bodies in flight would exceed their shared budget", () =>
    withServer({ limits: { maxBodyBytes: 4096, maxInFlightBodyBytes: 1000 } }, async (server) => {
      const busy = await fetch(urlOf(server, "k"), { method: "PUT", body: bytesOf(2000, 1) })
      assert.strictEqual(busy.status, 503)
      assert.strictEqual(await codeOf(busy), "ServiceUnavailable")
      assert.strictEqual((await fetch(urlOf(server, "k"), { method: "PUT", body: bytesOf(900, 1) })).status, 200)
    }))

  it("refuses oversized Complete XML and oversized headers, and parses nothing it cannot", () =>
    withServer({ limits: { maxXmlBytes: 2048 } }, async (server) => {
      const uploadId = await initiate(server, "k")
      const huge = `<CompleteMultipartUpload>${"<Part><PartNumber>1</PartNumber><ETag>x</ETag></Part>".repeat(100)}</CompleteMultipartUpload>`
      const tooBig = await fetch(urlOf(server, "k", { uploadId }), { method: "POST", body: huge })
      assert.strictEqual(tooBig.status, 400)
      assert.strictEqual(await codeOf(tooBig), "MalformedXML")
      const headers = await rawRequest(server, {
        method: "GET",
        path: `/${bucket}/k`,
        headers: { "x-oss-meta-big": "x".repeat(32 * 1024) }
      })
      assert.strictEqual(headers.status, 431)
      assert.strictEqual(xmlField(headers.body, "Code"), "RequestHeaderFieldsTooLarge")
      const garbage = await rawSocket(server.port, "THIS IS NOT HTTP\r\n\r\n")
      assert.match(garbage, /^HTTP\/1\.1 400/)
      assert.include(garbage, "<Error>")
      assert.strictEqual((await fetch(urlOf(server, "k", { uploadId }))).status, 200)
    }))

  it("answers unsupported operations with 501 and unknown methods with 405", () =>
    withServer({}, async (server) => {
      const acl = await fetch(urlOf(server, "k", { acl: "" }))
      assert.strictEqual(acl.status, 501)
      assert.strictEqual(
        xmlField(await acl.text(), "Message"),
        'This local server does not implement the "acl" sub-resource.'
      )
      assert.strictEqual((await fetch(urlOf(server, undefined, { versioning: "" }))).status, 501)
      const patch = await fetch(urlOf(server, "k"), { method: "PATCH", body: "x" })
      assert.strictEqual(patch.status, 405)
      assert.strictEqual(await codeOf(patch), "MethodNotAllowed")
      assert.strictEqual((await fetch(urlOf(server, undefined), { method: "PUT" })).status, 200)
    }))

  it("turns a storage failure into 500 InternalError without a stack, and keeps serving", async () => {
    const dir = join(root, "broken")
    const failures: Array<unknown> = []
    const server = await start(
      { storage: { kind: "directory", path: dir }, credentials: "anonymous" },
      { onInternalError: (cause) => failures.push(cause) }
    )
    try {
      await fetch(urlOf(server, "before"), { method: "PUT", body: "ok" })
      // Bodies are received in tmp/; without it no body can be stored, while what is stored stays readable.
      rmSync(join(dir, "tmp"), { recursive: true })
      writeFileSync(join(dir, "tmp"), "not a directory")
      const failed = await fetch(urlOf(server, "k"), { method: "PUT", body: "x" })
      const xml = await failed.text()
      assert.strictEqual(failed.status, 500)
      assert.strictEqual(xmlField(xml, "Code"), "InternalError")
      assert.notInclude(xml, "ENOTDIR")
      assert.notInclude(xml, dir)
      assert.strictEqual(failures.length, 1)
      assert.strictEqual(await (await fetch(urlOf(server, "before"))).text(), "ok")
      assert.strictEqual((await fetch(urlOf(server, "p", { uploads: "" }), { method: "POST" })).status, 200)
    } finally {
      await server.close()
    }
  })

  it("answers CORS preflights and exposes ETag and the CRC header", () =>
    withServer({}, async (server) => {
      const origin = "http://localhost:8080"
      const preflight = await fetch(urlOf(server, "k"), {
        method: "OPTIONS",
        headers: {
          Origin: origin,
          "Access-Control-Request-Method": "PUT",
          "Access-Control-Request-Headers": "content-md5, x-oss-date, authorization"
        }
      })
      assert.strictEqual(preflight.status, 200)
      assert.match(preflight.headers.get("x-oss-request-id") ?? "", /^[0-9A-F]{24}$/)
      assert.strictEqual(preflight.headers.get("access-control-allow-origin"), origin)
      assert.include(preflight.headers.get("access-control-allow-methods") ?? "", "PUT")
      assert.include(preflight.headers.get("access-control-allow-headers") ?? "", "content-md5")
      const put = await fetch(urlOf(server, "k"), { method: "PUT", body: "x", headers: { Origin: origin } })
      assert.strictEqual(put.headers.get("access-control-allow-origin"), origin)
      const exposed = (put.headers.get("access-control-expose-headers") ?? "").toLowerCase()
      for (const name of ["etag", "x-oss-hash-crc64ecma", "x-oss-request-id", "x-oss-ec"]) assert.include(exposed, name)
      const error = await fetch(urlOf(server, "missing"), { headers: { Origin: origin } })
      assert.strictEqual(error.headers.get("access-control-allow-origin"), origin)
      assert.match(error.headers.get("x-oss-request-id") ?? "", /^[0-9A-F]{24}$/)
    }))
})
