/**
 * `resumable-upload serve` failing to start: a data directory in use or not writable, a port in use or out of range,
 * and half-set keys each end with exit code 2 and exactly one stderr line that names the fix (no stack, no Effect
 * `Cause(…)`); `LocalOssServer.start` rejects with the tagged `ServerStartError` library users match on.
 */
import { mkdtempSync, rmSync, writeFileSync } from "node:fs"
import { createServer } from "node:net"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { afterAll, afterEach, assert, beforeAll, describe, it } from "@effect/vitest"
import { ServerStartError, start } from "../../adapters/server/LocalOssServer.ts"
import { prepareCli } from "./cliBundle.ts"
import { freePort, type Launcher, makeLauncher } from "./cliProcess.ts"

let launcher: Launcher
let root: string

beforeAll(async () => {
  launcher = makeLauncher(await prepareCli())
  root = mkdtempSync(join(tmpdir(), "cli-serve-errors-"))
}, 120_000)

afterEach(async () => {
  await launcher.killAll()
})

afterAll(() => {
  if (root !== undefined) rmSync(root, { recursive: true, force: true })
})

/** Runs `serve` with `args`; asserts exit code 2 and one clean stderr line matching `pattern`. */
const failsWith = async (args: ReadonlyArray<string>, pattern: RegExp, env: Record<string, string> = {}) => {
  const result = await launcher.start(["serve", ...args], { cwd: root, env }).result(60_000)
  const context = `serve ${args.join(" ")}\n--- stderr ---\n${result.stderr}`
  assert.strictEqual(result.code, 2, context)
  const lines = result.stderr.split("\n").filter((line) => line !== "")
  assert.strictEqual(lines.length, 1, context)
  assert.match(lines[0] ?? "", pattern, context)
  assert.notMatch(result.stderr, /Cause\(|\n\s+at |Error:/, context)
}

describe("serve start failures", () => {
  it("a data directory another server holds", async () => {
    const dataDir = join(root, "locked")
    const holder = await start({ storage: { kind: "directory", path: dataDir }, credentials: "anonymous" })
    try {
      await failsWith(
        ["--data-dir", dataDir, "--port", "0"],
        /^error: the data directory .*locked is in use by another server: stop that server, or pick another data directory$/
      )
    } finally {
      await holder.close()
    }
  }, 90_000)

  it("the embedded store of other commands says the same", async () => {
    const dataDir = join(root, "embedded")
    const holder = await start({ storage: { kind: "directory", path: dataDir }, credentials: "anonymous" })
    try {
      const result = await launcher
        .start(["stat", "oss://bucket-e2e/k", "--data-dir", dataDir], { cwd: root })
        .result(60_000)
      assert.strictEqual(result.code, 2, result.stderr)
      assert.match(
        result.stderr,
        /^error: cannot start the embedded store: the data directory .*embedded is in use by another server: stop that server, or pick another data directory$/m
      )
      assert.notMatch(result.stderr, /Cause\(|\n\s+at /)
    } finally {
      await holder.close()
    }
  }, 90_000)

  it("a port in use, and one out of range", async () => {
    const port = await freePort()
    const taken = createServer()
    await new Promise<void>((resolve) => taken.listen(port, "127.0.0.1", resolve))
    try {
      await failsWith(
        ["--data-dir", join(root, "port"), "--port", String(port)],
        new RegExp(
          `^error: port ${port} on 127\\.0\\.0\\.1 is already in use: stop what listens there, or pick another port`
        )
      )
    } finally {
      await new Promise((resolve) => taken.close(resolve))
    }
    await failsWith(
      ["--data-dir", join(root, "port"), "--port", "70000"],
      /^error: the port must be an integer 0 … 65535 \(0 picks a free one\), got 70000$/
    )
  }, 90_000)

  it("a data directory under a file", async () => {
    const file = join(root, "a-file")
    writeFileSync(file, "not a directory")
    await failsWith(
      ["--data-dir", join(file, "data"), "--port", "0"],
      /^error: the data directory .*a-file\/data is not a directory \(or lies under a file\): make it a writable directory/
    )
  }, 90_000)

  it("half-set keys, and a key id signatures cannot carry", async () => {
    await failsWith(
      ["--data-dir", join(root, "keys"), "--port", "0"],
      /^error: only one of the key id and the secret is set: set both OSS_ACCESS_KEY_ID and OSS_ACCESS_KEY_SECRET/,
      { OSS_ACCESS_KEY_ID: "ak" }
    )
    await failsWith(
      ["--data-dir", join(root, "keys"), "--port", "0"],
      /^error: the access key id 'bad key\/id' is empty or has characters signatures cannot carry: use 1-128 of/,
      { OSS_ACCESS_KEY_ID: "bad key/id", OSS_ACCESS_KEY_SECRET: "sk" }
    )
  }, 90_000)

  it("LocalOssServer.start rejects with a tagged ServerStartError", async () => {
    const dataDir = join(root, "library")
    const holder = await start({ storage: { kind: "directory", path: dataDir }, credentials: "anonymous" })
    try {
      const second = await start({ storage: { kind: "directory", path: dataDir }, credentials: "anonymous" }).then(
        () => undefined,
        (e: unknown) => e
      )
      assert.instanceOf(second, ServerStartError)
      assert.strictEqual((second as ServerStartError)._tag, "ServerStartError")
      assert.strictEqual((second as ServerStartError).reason, "locked")
      const address = await start({
        storage: { kind: "memory" },
        credentials: "anonymous",
        port: holder.port
      }).then(
        () => undefined,
        (e: unknown) => e
      )
      assert.strictEqual((address as ServerStartError).reason, "address")
    } finally {
      await holder.close()
    }
  })
})
