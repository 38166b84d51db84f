/**
 * The routes of the demo option ({@link ./demoOption.ts}): the built page under `/_demo/`, its configuration at
 * `/_demo/config.json` (buckets, prefix, limits, where each dialect's store and signer are), and the signing
 * endpoints `/_sign/s3` (SigV4) and `/_sign/oss` (OSS V4), both `signerHandler`s with one policy. No bucket name
 * has an underscore, so these paths never shadow a path-style bucket.
 *
 * @since 0.2.0
 */
import { readFile } from "node:fs/promises"
import type { IncomingMessage, ServerResponse } from "node:http"
import * as path from "node:path"
import { signerHandler } from "@resumable-upload/signer/signerHandler"
import { type DemoOption, demoPaths } from "./demoOption.ts"
import { serveWeb } from "./webHandler.ts"

/** What the routes need of the running server. @category models */
export interface DemoServer {
  readonly url: string
  /** OSS V4 scope region. */
  readonly region: string
  /** A key pair the server accepts; `undefined` for an anonymous server (which ignores signatures). */
  readonly keys: { readonly accessKeyId: string; readonly secretAccessKey: string } | undefined
}

/** Answers a request when it is one of the demo's; `false` leaves it to the store. @category models */
export type DemoRoutes = (req: IncomingMessage, res: ServerResponse) => Promise<boolean>

const MiB = 1024 * 1024
const contentTypes: Readonly<Record<string, string>> = {
  ".html": "text/html; charset=utf-8",
  ".js": "text/javascript; charset=utf-8",
  ".css": "text/css; charset=utf-8",
  ".map": "application/json"
}
// Only plain names directly in the assets directory: nothing a `..` or a slash could lead out of it.
const assetName = /^[A-Za-z0-9][A-Za-z0-9_.-]{0,100}$/

const notBuilt = "The demo page is not built. Run `npm run build` (the CLI bundle builds it into dist/bundle/demo/).\n"

const sendAsset = async (res: ServerResponse, dir: string | undefined, name: string): Promise<void> => {
  const type = contentTypes[path.extname(name)]
  if (dir === undefined || type === undefined || !assetName.test(name)) {
    res.writeHead(404, { "content-type": "text/plain" }).end(dir === undefined ? notBuilt : "not found\n")
    return
  }
  try {
    const bytes = await readFile(path.join(dir, name))
    res.writeHead(200, { "content-type": type, "cache-control": "no-cache" }).end(bytes)
  } catch {
    res.writeHead(404, { "content-type": "text/plain" }).end(name === "index.html" ? notBuilt : "not found\n")
  }
}

/** @category constructors */
export const makeDemoRoutes = (demo: DemoOption, server: DemoServer): DemoRoutes => {
  const keys = demo.store ?? server.keys ?? { accessKeyId: "anonymous", secretAccessKey: "anonymous" }
  const storeUrl = demo.store?.endpoint ?? demo.publicUrl ?? server.url
  const policy = {
    buckets: demo.buckets,
    keyPrefix: demo.keyPrefix ?? "",
    maxObjectSizeBytes: demo.maxPartSizeBytes ?? 64 * MiB,
    maxExpiresInSeconds: demo.maxExpiresInSeconds ?? 900
  }
  const credentials = { accessKeyId: keys.accessKeyId, secretAccessKey: keys.secretAccessKey }
  const s3Region = demo.store?.region ?? "us-east-1"
  const signers: Record<string, (request: Request) => Promise<Response>> = {
    s3: signerHandler({ store: { dialect: "s3", endpoint: storeUrl, region: s3Region }, credentials, policy })
  }
  const dialects: Record<string, unknown> = {
    s3: { endpoint: storeUrl, region: s3Region, signUrl: `${demoPaths.sign}s3` }
  }
  // An external store is S3-compatible; this server also speaks OSS.
  if (demo.store === undefined) {
    signers.oss = signerHandler({
      store: { dialect: "oss", endpoint: storeUrl, region: server.region, addressing: "path" },
      credentials,
      policy
    })
    dialects.oss = { endpoint: storeUrl, region: server.region, signUrl: `${demoPaths.sign}oss` }
  }
  const config = JSON.stringify({ ...policy, dialects })

  return async (req, res) => {
    const pathname = new URL(req.url ?? "/", "http://demo").pathname
    if (pathname.startsWith(demoPaths.sign)) {
      const signer = signers[pathname.slice(demoPaths.sign.length)]
      if (signer === undefined) res.writeHead(404, { "content-type": "text/plain" }).end("no such signer\n")
      else await serveWeb(signer, req, res, server.url)
      return true
    }
    if (pathname === "/_demo") {
      res.writeHead(308, { location: demoPaths.page }).end()
      return true
    }
    if (!pathname.startsWith(demoPaths.page)) return false
    if (req.method !== "GET" && req.method !== "HEAD") {
      res.writeHead(405, { allow: "GET, HEAD" }).end()
    } else if (pathname === demoPaths.config) {
      res.writeHead(200, { "content-type": "application/json", "cache-control": "no-store" }).end(config)
    } else {
      const name = pathname.slice(demoPaths.page.length) || "index.html"
      await sendAsset(res, demo.assetsDir, name)
    }
    return true
  }
}
