/**
 * The signing endpoint under workerd (npm `workerd`, the Cloudflare Workers runtime, offline): the worker module is
 * bundled with esbuild, served by `workerd serve` on a loopback port, and a presigned multipart upload in both
 * dialects runs through URLs it signs, against the local server, plus a policy refusal.
 */
import { type ChildProcess, spawn } from "node:child_process"
import { mkdtempSync, rmSync, writeFileSync } from "node:fs"
import { createServer } from "node:net"
import { tmpdir } from "node:os"
import { dirname, join, resolve } from "node:path"
import { fileURLToPath } from "node:url"
import { assert, describe, it } from "@effect/vitest"
import { build } from "esbuild"
import { accessKeyId, accessKeySecret, withServer } from "../server/serverSupport.ts"
import { createBucket, refusedRule, signedUpload } from "./signedUploadScenario.ts"

const repo = resolve(dirname(fileURLToPath(import.meta.url)), "../..")
const workerd = join(repo, "node_modules/workerd/bin/workerd")
const keys = { accessKeyId, secretAccessKey: accessKeySecret }
const bucket = "workerd-bucket"
const startupLimitMs = 15_000

const freePort = (): Promise<number> =>
  new Promise((done, fail) => {
    const probe = createServer().listen(0, "127.0.0.1", () => {
      const address = probe.address()
      probe.close(() => (typeof address === "object" && address !== null ? done(address.port) : fail(address)))
    })
  })

const capnp = (port: number) => `using Workerd = import "/workerd/workerd.capnp";
const config :Workerd.Config = (
  services = [ (name = "main", worker = .signer) ],
  sockets = [ (name = "http", address = "127.0.0.1:${port}", http = (), service = "main") ],
);
const signer :Workerd.Worker = (
  modules = [ (name = "worker.js", esModule = embed "worker.js") ],
  compatibilityDate = "2025-01-01",
  bindings = [ (name = "CONFIG", text = embed "config.json") ],
);
`

/** Serves the bundled worker with `config` until `body` settles. */
const withWorker = async (config: unknown, body: (signUrl: string) => Promise<void>) => {
  const dir = mkdtempSync(join(tmpdir(), "signer-workerd-"))
  let child: ChildProcess | undefined
  try {
    await build({
      entryPoints: [join(repo, "tests/signer/workerd/signerWorker.ts")],
      bundle: true,
      format: "esm",
      platform: "neutral",
      mainFields: ["module", "main"],
      conditions: ["@resumable-upload/source"],
      outfile: join(dir, "worker.js"),
      logLevel: "error"
    })
    writeFileSync(join(dir, "config.json"), JSON.stringify(config))
    const port = await freePort()
    writeFileSync(join(dir, "config.capnp"), capnp(port))
    let stderr = ""
    child = spawn(workerd, ["serve", join(dir, "config.capnp")], { stdio: ["ignore", "ignore", "pipe"] })
    child.stderr?.on("data", (chunk) => {
      stderr += String(chunk)
    })
    const signUrl = `http://127.0.0.1:${port}/sign`
    const deadline = Date.now() + startupLimitMs
    for (;;) {
      const up = await fetch(signUrl, { method: "OPTIONS" }).then(
        () => true,
        () => false
      )
      if (up) break
      if (Date.now() > deadline || child.exitCode !== null) throw new Error(`workerd did not start: ${stderr}`)
      await new Promise((r) => setTimeout(r, 50))
    }
    await body(signUrl)
  } finally {
    child?.kill()
    rmSync(dir, { recursive: true, force: true })
  }
}

describe.each(["s3", "oss"] as const)("signer handler under workerd (%s)", (dialect) => {
  it(
    "signs a presigned multipart upload end to end and refuses by rule",
    () =>
      withServer({ credentials: [{ accessKeyId, accessKeySecret }], dialect }, async (server) => {
        const store =
          dialect === "s3"
            ? { dialect, endpoint: server.url }
            : { dialect, endpoint: server.url, region: "cn-hangzhou" }
        const policy = { buckets: [bucket], keyPrefix: "in/", maxObjectSizeBytes: 64 }
        await createBucket(server.url, bucket, keys)
        await withWorker({ store, credentials: keys, policy }, async (signUrl) => {
          assert.strictEqual(await signedUpload(signUrl, bucket, "in/worker.bin"), 17)
          assert.deepStrictEqual(
            await refusedRule(signUrl, { operation: "PutObject", bucket, key: "in/x", sizeBytes: 65 }),
            {
              status: 403,
              rule: "maxObjectSize"
            }
          )
        })
      }),
    30_000
  )
})
