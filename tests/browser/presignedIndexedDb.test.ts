/**
 * A browser upload that holds no secret, in headless Chromium: the page's `upload()` uses `s3Store({ signer })`,
 * asking a signing endpoint (another origin, CORS) for every request's URL, and keeps its checkpoint in IndexedDB
 * (`upload()`'s default there). The page pauses after the first part; a fresh tab resumes from the IndexedDB
 * checkpoint and signs only the missing parts, against the local server's S3 dialect with keys only the endpoint
 * knows. Skips like the other Chromium suites when no Chromium is found.
 */
import * as http from "node:http"
import type { AddressInfo } from "node:net"
import * as path from "node:path"
import { fileURLToPath } from "node:url"
import { afterAll, assert, beforeAll, describe, it } from "@effect/vitest"
import * as esbuild from "esbuild"
import { type Browser, chromium } from "playwright-core"
import { type LocalOssServer, start } from "../../adapters/server/LocalOssServer.ts"
import { signerHandler } from "../../adapters/signer/signerHandler.ts"
import { type ServedHandler, serveHandler } from "../signer/serveHandler.ts"
import { createBucket } from "../signer/signedUploadScenario.ts"
import { chromiumArgs, chromiumPath } from "../support/chromium.ts"
import { chromiumGate } from "./chromiumPage.ts"
import type { PresignedArgs, PresignedPageApi, PresignedResult } from "./presignedPage.ts"

const MiB = 1024 * 1024
const keys = { accessKeyId: "presigned-ak", secretAccessKey: "presigned-sk" }
const bucket = "presigned-bucket"
const found = chromiumGate("the presigned IndexedDB browser test")
const entry = path.join(path.dirname(fileURLToPath(import.meta.url)), "presignedPage.ts")
const html = `<!doctype html><html><head><meta charset="utf-8"></head><body><script type="module" src="/entry.js"></script></body></html>`

describe.skipIf(!found)("browser upload with a signing endpoint and IndexedDB checkpoints, in Chromium", () => {
  let server: LocalOssServer
  let signer: ServedHandler
  let page: http.Server
  let browser: Browser
  let origin = ""
  const signed: Array<string> = []

  beforeAll(async () => {
    server = await start({
      storage: { kind: "memory" },
      credentials: [{ accessKeyId: keys.accessKeyId, accessKeySecret: keys.secretAccessKey }],
      dialect: "s3"
    })
    await createBucket(server.url, bucket, keys)
    const built = await esbuild.build({
      entryPoints: [entry],
      bundle: true,
      write: false,
      platform: "browser",
      format: "esm",
      target: "es2022",
      logLevel: "warning"
    })
    const script = built.outputFiles[0]?.contents ?? new Uint8Array()
    page = http.createServer((req, res) =>
      req.url === "/entry.js"
        ? res.writeHead(200, { "content-type": "text/javascript" }).end(script)
        : res.writeHead(200, { "content-type": "text/html" }).end(html)
    )
    await new Promise<void>((done) => page.listen(0, "127.0.0.1", done))
    origin = `http://127.0.0.1:${(page.address() as AddressInfo).port}`
    signer = await serveHandler(
      signerHandler({
        store: { dialect: "s3", endpoint: server.url },
        credentials: keys,
        policy: { buckets: [bucket], keyPrefix: "browser/", maxObjectSizeBytes: 6 * MiB },
        allowOrigin: origin,
        authorize: (_request, sign) => {
          signed.push(sign.operation)
          return true
        }
      })
    )
    browser = await chromium.launch({ executablePath: chromiumPath, headless: true, args: chromiumArgs })
  }, 60_000)

  afterAll(async () => {
    await browser?.close()
    await signer?.close()
    await new Promise((done) => page?.close(done))
    await server?.close()
  })

  it("pauses after a part, resumes in a fresh tab from IndexedDB, signing only the missing parts", async () => {
    const context = await browser.newContext()
    const runInTab = async (args: PresignedArgs): Promise<PresignedResult> => {
      const tab = await context.newPage()
      try {
        await tab.goto(`${origin}/`)
        await tab.waitForFunction(() => "__presigned" in globalThis, undefined, { timeout: 10_000 })
        return await tab.evaluate(
          (a) => (globalThis as unknown as { __presigned: PresignedPageApi }).__presigned.run(a),
          args
        )
      } finally {
        await tab.close()
      }
    }
    const args = {
      endpoint: server.url,
      signUrl: signer.url,
      bucket,
      key: "browser/presigned.bin",
      sizeBytes: 11 * MiB,
      seed: 7,
      partSizeBytes: 5 * MiB
    }
    const first = await runInTab({ ...args, pauseAtBytes: 1 })
    assert.strictEqual(first.outcome, "Paused", first.message)
    assert.isTrue(
      first.indexedDbKeys.some((k) => k.startsWith("resumable-upload/data/")),
      String(first.indexedDbKeys)
    )
    assert.isFalse(
      first.localStorageKeys.some((k) => k.includes("/data/")),
      String(first.localStorageKeys)
    )
    const partsFirst = signed.filter((op) => op === "UploadPart").length
    assert.isAtLeast(partsFirst, 1)
    const second = await runInTab(args)
    assert.strictEqual(second.outcome, "Completed", second.message)
    const partsSecond = signed.filter((op) => op === "UploadPart").length - partsFirst
    // Three parts in all: the resumed tab signs only those the first one did not commit.
    assert.isAtMost(partsSecond, 3 - 1)
    assert.isAtLeast(partsSecond, 1)
    assert.strictEqual(signed.filter((op) => op === "InitiateMultipartUpload").length, 1)
    await context.close()
  }, 60_000)
})
