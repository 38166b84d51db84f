/**
 * The local server's demo option over HTTP: the page's files from the assets directory (and nothing outside it),
 * a hint when the page is not built, its configuration, and the signing endpoints, whose S3 and OSS URLs the server
 * itself accepts; without the option those paths are the store's as before.
 */
import { mkdtempSync, writeFileSync } from "node:fs"
import { tmpdir } from "node:os"
import * as path from "node:path"
import { assert, describe, it } from "@effect/vitest"
import { start } from "../../adapters/server/LocalOssServer.ts"

const keys = { accessKeyId: "demo-ak", accessKeySecret: "demo-sk" }
const credentials = [keys]

const withServer = async (demo: Parameters<typeof start>[0]["demo"], body: (url: string) => Promise<void>) => {
  const server = await start({ storage: { kind: "memory" }, credentials, ...(demo ? { demo } : {}) })
  try {
    await body(server.url)
  } finally {
    await server.close()
  }
}

const sign = (url: string, dialect: string, request: Record<string, unknown>) =>
  fetch(`${url}/_sign/${dialect}`, { method: "POST", body: JSON.stringify(request) })

describe("the local server's demo page and signing endpoints", () => {
  it("serves the page's files and its config, and nothing outside the assets directory", async () => {
    const dir = mkdtempSync(path.join(tmpdir(), "demo-assets-"))
    writeFileSync(path.join(dir, "index.html"), "<!doctype html><p>demo</p>")
    writeFileSync(path.join(dir, "demo.js"), "export {}")
    writeFileSync(path.join(path.dirname(dir), "secret.js"), "TOPSECRET")
    await withServer({ assetsDir: dir, buckets: ["demo"], keyPrefix: "in/" }, async (url) => {
      const page = await fetch(`${url}/_demo/`)
      assert.strictEqual(page.status, 200)
      assert.include(page.headers.get("content-type"), "text/html")
      assert.include(await page.text(), "demo")
      assert.strictEqual(
        (await fetch(`${url}/_demo/demo.js`)).headers.get("content-type"),
        "text/javascript; charset=utf-8"
      )
      assert.strictEqual((await fetch(`${url}/_demo`, { redirect: "manual" })).status, 308)
      for (const bad of ["/_demo/..%2Fsecret.js", "/_demo/../secret.js", "/_demo/missing.js", "/_demo/x.txt"]) {
        const answer = await fetch(`${url}${bad}`)
        assert.notStrictEqual(answer.status, 200, bad)
        assert.notInclude(await answer.text(), "TOPSECRET", bad)
      }
      const config = (await (await fetch(`${url}/_demo/config.json`)).json()) as Record<string, unknown>
      assert.deepStrictEqual(config.buckets, ["demo"])
      assert.strictEqual(config.keyPrefix, "in/")
      assert.strictEqual(config.maxExpiresInSeconds, 900)
      assert.deepStrictEqual(Object.keys(config.dialects as object), ["s3", "oss"])
    })
  })

  it("says how to build the page when it is not built", async () => {
    await withServer({ assetsDir: path.join(tmpdir(), "no-such-demo-dir"), buckets: ["demo"] }, async (url) => {
      const answer = await fetch(`${url}/_demo/`)
      assert.strictEqual(answer.status, 404)
      assert.include(await answer.text(), "npm run build")
    })
  })

  it("signs S3 and OSS URLs the server accepts, and refuses outside the policy", async () => {
    await withServer({ buckets: ["demo"], maxPartSizeBytes: 1024 }, async (url) => {
      for (const dialect of ["s3", "oss"]) {
        const key = `signed-${dialect}.txt`
        const answer = await sign(url, dialect, { operation: "PutObject", bucket: "demo", key, sizeBytes: 5 })
        assert.strictEqual(answer.status, 200)
        const signed = (await answer.json()) as { url: string; method: string; headers: Record<string, string> }
        const put = await fetch(signed.url, {
          method: signed.method,
          headers: signed.headers,
          body: new TextEncoder().encode("hello")
        })
        assert.strictEqual(put.status, 200, `${dialect}: ${await put.text()}`)
        const refused = await sign(url, dialect, { operation: "PutObject", bucket: "demo", key, sizeBytes: 2048 })
        assert.strictEqual(refused.status, 403)
        assert.strictEqual(((await refused.json()) as { rule: string }).rule, "maxObjectSize")
      }
      assert.strictEqual((await sign(url, "gcs", { operation: "PutObject" })).status, 404)
    })
  })

  it("leaves /_demo/ and /_sign/ to the store without the option", async () => {
    await withServer(undefined, async (url) => {
      const answer = await fetch(`${url}/_demo/`)
      assert.notStrictEqual(answer.status, 200)
      assert.notInclude(await answer.text(), "npm run build")
    })
  })
})
