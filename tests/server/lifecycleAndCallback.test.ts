/**
 * The lifecycle rule (incomplete uploads older than the configured age are aborted, on disk too) and the upload
 * callback of protocol.md §4 (success relays the callback server's JSON; failure is 203 CallbackFailed with the
 * object kept).
 */
import { existsSync, mkdtempSync, rmSync } from "node:fs"
import { createServer, type IncomingMessage, type ServerResponse } from "node:http"
import type { AddressInfo } from "node:net"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { afterAll, assert, describe, it } from "@effect/vitest"
import { bytesOf, initiate, putPart, urlOf, withServer, xmlField } from "./serverSupport.ts"

const root = mkdtempSync(join(tmpdir(), "local-oss-lifecycle-"))
afterAll(() => rmSync(root, { recursive: true, force: true }))

const base64Json = (value: unknown) => Buffer.from(JSON.stringify(value), "utf8").toString("base64")

/** A callback receiver on 127.0.0.1 that records each POST and answers with `reply`. */
const withReceiver = async <A>(
  reply: (req: IncomingMessage, res: ServerResponse, body: string) => void,
  body: (url: string, received: Array<{ readonly body: string; readonly contentType: string }>) => Promise<A>
): Promise<A> => {
  const received: Array<{ body: string; contentType: string }> = []
  const receiver = createServer((req, res) => {
    const chunks: Array<Buffer> = []
    req.on("data", (chunk: Buffer) => chunks.push(chunk))
    req.on("end", () => {
      const text = Buffer.concat(chunks).toString("utf8")
      received.push({ body: text, contentType: req.headers["content-type"] ?? "" })
      reply(req, res, text)
    })
  })
  await new Promise<void>((resolve) => receiver.listen(0, "127.0.0.1", resolve))
  try {
    return await body(`http://127.0.0.1:${(receiver.address() as AddressInfo).port}/cb`, received)
  } finally {
    await new Promise((resolve) => receiver.close(resolve))
  }
}

const json = (res: ServerResponse, status: number, value: unknown) => {
  res.writeHead(status, { "Content-Type": "application/json" })
  res.end(JSON.stringify(value))
}

describe("LocalOssServer lifecycle rule", () => {
  it("aborts uploads older than the configured age, parts and files included", async () => {
    let nowMs = Date.UTC(2030, 0, 1)
    const dir = join(root, "rule")
    await withServer(
      {
        storage: { kind: "directory", path: dir },
        now: () => nowMs,
        lifecycle: { abortIncompleteAfterMs: 60_000, sweepEveryMs: 3_600_000 }
      },
      async (server) => {
        const old = await initiate(server, "old")
        await putPart(server, "old", old, 1, "data")
        nowMs += 30_000
        const young = await initiate(server, "young")
        nowMs += 40_000
        assert.deepStrictEqual(await server.sweepLifecycle(), [old])
        const gone = await fetch(urlOf(server, "old", { uploadId: old }))
        assert.strictEqual(xmlField(await gone.text(), "Code"), "NoSuchUpload")
        assert.isFalse(existsSync(join(dir, "uploads", old)))
        assert.strictEqual((await fetch(urlOf(server, "young", { uploadId: young }))).status, 200)
        assert.deepStrictEqual(await server.sweepLifecycle(), [])
      }
    )
  })

  it("sweeps on its own timer", () =>
    withServer({ lifecycle: { abortIncompleteAfterMs: 30, sweepEveryMs: 10 } }, async (server) => {
      const uploadId = await initiate(server, "k")
      let status = 200
      for (let waitedMs = 0; status === 200 && waitedMs < 5000; waitedMs += 20) {
        await new Promise((resolve) => setTimeout(resolve, 20))
        status = (await fetch(urlOf(server, "k", { uploadId }))).status
      }
      assert.strictEqual(status, 404)
    }))
})

describe("LocalOssServer upload callback", () => {
  const completeWithCallback = async (callback: unknown, variables?: unknown) =>
    withServer({}, async (server) => {
      const uploadId = await initiate(server, "dir/photo.jpg")
      await putPart(server, "dir/photo.jpg", uploadId, 1, bytesOf(7, 1))
      const response = await fetch(urlOf(server, "dir/photo.jpg", { uploadId }), {
        method: "POST",
        headers: {
          "x-oss-complete-all": "yes",
          "x-oss-callback": base64Json(callback),
          ...(variables === undefined ? {} : { "x-oss-callback-var": base64Json(variables) })
        }
      })
      const exists = (await fetch(urlOf(server, "dir/photo.jpg"), { method: "HEAD" })).status === 200
      return { response, text: await response.text(), exists }
    })

  it("POSTs the filled template and relays the JSON reply", () =>
    withReceiver(
      (_req, res, body) => json(res, 200, { ok: true, echoed: body }),
      async (url, received) => {
        // biome-ignore lint/suspicious/noTemplateCurlyInString: OSS callback templates are written with ${name}
        const template = "bucket=${bucket}&object=${object}&size=${size}&etag=${etag}&mime=${mimeType}&my=${x:my}"
        const { exists, response, text } = await completeWithCallback(
          { callbackUrl: url, callbackBody: template },
          { "x:my": "a b&c" }
        )
        assert.strictEqual(response.status, 200)
        assert.strictEqual(response.headers.get("content-type"), "application/json")
        assert.isNotNull(response.headers.get("x-oss-hash-crc64ecma"))
        const etag = (response.headers.get("etag") ?? "").replace(/"/g, "")
        const expected = `bucket=test-bucket&object=dir%2Fphoto.jpg&size=7&etag=${encodeURIComponent(etag)}&mime=application%2Foctet-stream&my=a%20b%26c`
        assert.strictEqual(received[0]?.body, expected)
        assert.strictEqual(received[0]?.contentType, "application/x-www-form-urlencoded")
        assert.deepStrictEqual(JSON.parse(text), { ok: true, echoed: expected })
        assert.isTrue(exists)
      }
    ))

  it("fills JSON templates with JSON strings", () =>
    withReceiver(
      (_req, res) => json(res, 200, {}),
      async (url, received) => {
        // biome-ignore lint/suspicious/noTemplateCurlyInString: OSS callback templates are written with ${name}
        const callbackBody = '{"object":${object},"size":${size}}'
        await completeWithCallback({ callbackUrl: url, callbackBody, callbackBodyType: "application/json" })
        assert.deepStrictEqual(JSON.parse(received[0]?.body ?? ""), { object: "dir/photo.jpg", size: "7" })
      }
    ))

  it("answers 203 CallbackFailed when the callback fails, and keeps the object", async () => {
    await withReceiver(
      (_req, res) => json(res, 500, { error: "nope" }),
      async (url) => {
        const { exists, response, text } = await completeWithCallback({ callbackUrl: url, callbackBody: "x=1" })
        assert.strictEqual(response.status, 203)
        assert.strictEqual(xmlField(text, "Code"), "CallbackFailed")
        assert.strictEqual(xmlField(text, "EC"), "0007-00000203")
        assert.isNotNull(response.headers.get("etag"))
        assert.isTrue(exists)
      }
    )
    const closedPort = await completeWithCallback({ callbackUrl: "http://127.0.0.1:1/cb", callbackBody: "x=1" })
    assert.strictEqual(closedPort.response.status, 203)
    assert.isTrue(closedPort.exists)
  })

  it("refuses callbacks it will not make before completing anything", async () => {
    for (const callback of [
      { callbackUrl: "http://example.com/cb", callbackBody: "x" },
      { callbackUrl: "https://127.0.0.1/cb", callbackBody: "x" },
      { callbackBody: "x" },
      "not an object"
    ]) {
      const { exists, response, text } = await completeWithCallback(callback)
      assert.strictEqual(response.status, 400, JSON.stringify(callback))
      assert.strictEqual(xmlField(text, "Code"), "InvalidArgument")
      assert.isFalse(exists)
    }
    const badVar = await completeWithCallback({ callbackUrl: "http://127.0.0.1:1/", callbackBody: "x" }, { My: "x" })
    assert.strictEqual(badVar.response.status, 400)
  })
})
