/**
 * A `cp -r` batch in which one file fails for real: the local server (in-process) refuses request bodies over 4 KiB,
 * so the one larger file gets `EntityTooLarge` while the others are stored. The command, run in-process, exits 1
 * with a summary naming the failed file and its reason; the batch checkpoint stays, so a rerun sends only that
 * file (and, with the limit lifted on a new server at the same address and data, stores it and removes the
 * checkpoint).
 */
import { mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { afterAll, assert, describe, it } from "@effect/vitest"
import { run } from "../../adapters/cli/main.ts"
import * as LocalOssServer from "../../adapters/server/LocalOssServer.ts"

const root = mkdtempSync(join(tmpdir(), "batch-failures-"))
afterAll(() => rmSync(root, { recursive: true, force: true }))

const keys = { accessKeyId: "batch", accessKeySecret: "batch-secret" }

/** Runs the CLI in-process with the OSS keys set and stdout and stderr captured. */
const cli = async (args: ReadonlyArray<string>) => {
  let out = ""
  const saved = { stdout: process.stdout.write, stderr: process.stderr.write, env: { ...process.env } }
  const capture = ((chunk: string) => {
    out += chunk
    return true
  }) as typeof process.stdout.write
  process.stdout.write = capture
  process.stderr.write = capture
  process.env.OSS_ACCESS_KEY_ID = keys.accessKeyId
  process.env.OSS_ACCESS_KEY_SECRET = keys.accessKeySecret
  try {
    return { code: await run(args), out }
  } finally {
    process.stdout.write = saved.stdout
    process.stderr.write = saved.stderr
    process.env = saved.env
  }
}

describe("cp -r with a failing file", () => {
  it("stores the others, exits 1 naming the failure, and a rerun sends only the failed file", async () => {
    const tree = join(root, "tree")
    mkdirSync(join(tree, "sub"), { recursive: true })
    writeFileSync(join(tree, "a.txt"), "a")
    writeFileSync(join(tree, "sub/b.txt"), "bb")
    writeFileSync(join(tree, "sub/too-big.bin"), Buffer.alloc(10_000, 7))
    const data = join(root, "data")
    const checkpoints = join(root, "checkpoints")
    const serve = (limits: { maxBodyBytes?: number }, port = 0) =>
      LocalOssServer.start({ storage: { kind: "directory", path: data }, credentials: [keys], limits, port })
    const args = (url: string) => [
      "cp",
      "-r",
      tree,
      "oss://batch/p/",
      "--endpoint",
      url,
      "--checkpoint-dir",
      checkpoints
    ]

    const strict = await serve({ maxBodyBytes: 4096 })
    const first = await cli(args(strict.url)).finally(() => strict.close())
    assert.strictEqual(first.code, 1, first.out)
    assert.match(first.out, /^finished with failures: 2 files uploaded \(3 B\) to oss:\/\/batch\/p\/$/m)
    assert.match(first.out, /^ {2}1 failed:$/m)
    assert.match(first.out, new RegExp(`^ {4}${join(tree, "sub/too-big.bin")}: .*EntityTooLarge`, "m"), first.out)
    assert.strictEqual(readdirSync(join(checkpoints, "batches")).length, 1, "the batch checkpoint is kept")

    // The same endpoint (the batch is tied to it), now taking any body.
    const relaxed = await serve({}, Number(new URL(strict.url).port))
    const second = await cli(args(relaxed.url)).finally(() => relaxed.close())
    assert.strictEqual(second.code, 0, second.out)
    assert.match(second.out, /^done: 1 file uploaded \(9\.8 KiB\) to oss:\/\/batch\/p\/$/m, second.out)
    assert.match(second.out, /^ {2}2 already uploaded by an earlier run of this batch$/m)
    assert.deepStrictEqual(readdirSync(checkpoints), [], "nothing left once every file is stored")
  })
})
