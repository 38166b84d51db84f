/**
 * Node side of the demo page tests: builds examples/browser-demo (once per process, into a temporary directory),
 * starts the real local server with its demo option (page at /_demo/, signing endpoints at /_sign/*) and a counting
 * proxy in front of the store the endpoint signs for (this server, or RGW), and opens the page in headless Chromium.
 *
 * The signed URLs point at the proxy (the demo option's `publicUrl`, or its `store.endpoint` for RGW), so every store
 * request the page makes crosses it and is counted; the proxy keeps the `Host` header, which the signature covers.
 * Headless Chromium cannot click a file picker, so files are written into the page's origin-private file system
 * (OPFS) and their `FileSystemFileHandle`s handed to the page's test hook, `__demo.addHandles`: they are handles as
 * a picker gives, stored in IndexedDB and readable after a reload without asking.
 */
import { mkdtempSync } from "node:fs"
import { createServer } from "node:net"
import { tmpdir } from "node:os"
import * as path from "node:path"
import { type Browser, type BrowserContext, chromium, type Page } from "playwright-core"
import type { DemoOption } from "../../adapters/server/demoOption.ts"
import { type LocalOssServer, start } from "../../adapters/server/LocalOssServer.ts"
import { buildDemo } from "../../examples/browser-demo/build.mjs"
import { chromiumArgs, chromiumPath } from "../support/chromium.ts"
import { type CountingProxy, startCountingProxy } from "../support/countingProxy.ts"

export const MiB = 1024 * 1024
export const keys = { accessKeyId: "demo-ak", secretAccessKey: "demo-sk" }

/** What the page's `__demo.rows()` answers. */
export interface DemoRow {
  readonly id: string
  readonly key: string
  readonly state: string
  readonly committedBytes: number
  readonly error: string
}

/** The byte at `index` of generated file `seed`, the same in the page and here. */
export const byteAt = (seed: number, index: number): number => Math.imul(index ^ seed, 2654435761) >>> 24

export const expectedBytes = (seed: number, sizeBytes: number): Uint8Array => {
  const bytes = new Uint8Array(sizeBytes)
  for (let i = 0; i < sizeBytes; i++) bytes[i] = byteAt(seed, i)
  return bytes
}

let built: Promise<string> | undefined
const demoAssets = (): Promise<string> => {
  built ??= (async () => {
    const dir = mkdtempSync(path.join(tmpdir(), "demo-page-"))
    await buildDemo(dir, { minify: false })
    return dir
  })()
  return built
}

const freePort = (): Promise<number> =>
  new Promise((resolve, reject) => {
    const probe = createServer()
    probe.once("error", reject)
    probe.listen(0, "127.0.0.1", () => {
      const address = probe.address()
      const port = typeof address === "object" && address !== null ? address.port : 0
      probe.close(() => resolve(port))
    })
  })

export interface DemoSession {
  readonly server: LocalOssServer
  readonly proxy: CountingProxy
  /** A fresh browser context (its own IndexedDB and OPFS) with the demo page loaded. */
  readonly openPage: () => Promise<{ readonly context: BrowserContext; readonly page: Page }>
  readonly close: () => Promise<void>
}

/** `policy`: the demo option without assets and store; `rgw`: sign for that store (through the proxy) instead. */
export const openDemoSession = async (
  policy: Omit<DemoOption, "assetsDir" | "store" | "publicUrl">,
  rgw?: { readonly endpoint: string; readonly accessKeyId: string; readonly secretAccessKey: string }
): Promise<DemoSession> => {
  const assetsDir = await demoAssets()
  const port = await freePort()
  const proxy = await startCountingProxy(rgw?.endpoint ?? `http://127.0.0.1:${port}`)
  const server = await start({
    storage: { kind: "memory" },
    credentials: [{ accessKeyId: keys.accessKeyId, accessKeySecret: keys.secretAccessKey }],
    dialect: "s3",
    port,
    demo: {
      ...policy,
      assetsDir,
      ...(rgw === undefined ? { publicUrl: proxy.url } : { store: { ...rgw, endpoint: proxy.url } })
    }
  })
  let browser: Browser
  try {
    browser = await chromium.launch({ executablePath: chromiumPath, headless: true, args: chromiumArgs })
  } catch (error) {
    await server.close()
    await proxy.close()
    throw error
  }
  const openPage = async () => {
    const context = await browser.newContext()
    const page = await context.newPage()
    page.on("pageerror", (e) => console.error(`[demo page error] ${e.message}`))
    await page.goto(`${server.url}/_demo/`)
    await waitReady(page)
    return { context, page }
  }
  const close = async () => {
    await browser.close()
    await server.close()
    await proxy.close()
  }
  return { server, proxy, openPage, close }
}

export const waitReady = (page: Page) =>
  page.waitForFunction(() => "__demo" in globalThis, undefined, { timeout: 15_000 })

/** Writes generated files into the page's OPFS and hands their handles to the page, which starts uploading them. */
export const addOpfsFiles = (page: Page, files: ReadonlyArray<{ name: string; sizeBytes: number; seed: number }>) =>
  page.evaluate(async (list) => {
    const root = await navigator.storage.getDirectory()
    const handles: Array<FileSystemFileHandle> = []
    for (const { name, sizeBytes, seed } of list) {
      const handle = await root.getFileHandle(name, { create: true })
      const writable = await handle.createWritable()
      const chunk = new Uint8Array(1024 * 1024)
      for (let offset = 0; offset < sizeBytes; offset += chunk.length) {
        const length = Math.min(chunk.length, sizeBytes - offset)
        for (let i = 0; i < length; i++) chunk[i] = Math.imul((offset + i) ^ seed, 2654435761) >>> 24
        await writable.write(chunk.subarray(0, length))
      }
      await writable.close()
      handles.push(handle)
    }
    const demo = (globalThis as unknown as { __demo: { addHandles: (h: unknown) => Promise<void> } }).__demo
    await demo.addHandles(handles)
  }, files)

export const rows = (page: Page): Promise<Array<DemoRow>> =>
  page.evaluate(() => (globalThis as unknown as { __demo: { rows: () => Array<DemoRow> } }).__demo.rows())

/** Polls the page's rows until they satisfy `ok`, returning them; fails with the last rows seen. */
export const waitRows = async (page: Page, ok: (rows: Array<DemoRow>) => boolean, timeoutMs = 60_000) => {
  const deadline = Date.now() + timeoutMs
  for (;;) {
    const list = await rows(page)
    if (ok(list)) return list
    if (Date.now() > deadline) throw new Error(`timed out waiting for the page's rows: ${JSON.stringify(list)}`)
    await new Promise((resolve) => setTimeout(resolve, 25))
  }
}
