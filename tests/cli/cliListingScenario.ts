/**
 * The aws-CLI habits end to end against one S3-compatible store (moto, RGW): `cp` to a trailing-slash target stores
 * `prefix/<file name>`; `ls` folds deeper keys into `PRE dir/` and `--recursive` lists every key; `ls s3://` names
 * the bucket; `cp REMOTE -` writes exactly the object's bytes to stdout (20 MiB: three ranged GETs) with nothing
 * else there; `cp REMOTE DIR/` names the file after the key; `rm` deletes one key; `rm -r --dry-run` deletes nothing;
 * `rm -r` over 1,005 keys (two DeleteObjects batches) leaves the prefix empty and the keys beside it.
 */
import { spawnSync } from "node:child_process"
import { createHash, randomBytes } from "node:crypto"
import { mkdirSync, readFileSync, writeFileSync } from "node:fs"
import { join } from "node:path"
import { PutObjectCommand, type S3Client } from "@aws-sdk/client-s3"
import { assert } from "@effect/vitest"
import type { CliCommand } from "./cliBundle.ts"
import type { Launcher } from "./cliProcess.ts"

const MiB = 1024 * 1024
const sha256 = (bytes: Uint8Array) => createHash("sha256").update(bytes).digest("hex")

export interface ListingStore {
  readonly launcher: Launcher
  /** For the one run whose stdout is binary (the launcher reads stdout as text). */
  readonly command: CliCommand
  readonly endpoint: string
  readonly env: Readonly<Record<string, string>>
  readonly bucket: string
  readonly dir: string
  /** Puts many small objects directly (SDK), so `rm -r` has more than one batch to delete. */
  readonly putMany: (keys: ReadonlyArray<string>) => Promise<void>
}

/** `putMany` through the AWS SDK: one-byte objects, 50 PUTs at a time. */
export const putManyWith =
  (s3: S3Client, bucket: string) =>
  async (keys: ReadonlyArray<string>): Promise<void> => {
    for (let i = 0; i < keys.length; i += 50) {
      await Promise.all(
        keys.slice(i, i + 50).map((Key) => s3.send(new PutObjectCommand({ Bucket: bucket, Key, Body: "x" })))
      )
    }
  }

export const listingScenario = async (store: ListingStore): Promise<void> => {
  const { launcher, bucket, dir } = store
  mkdirSync(dir, { recursive: true })
  const cli = async (args: ReadonlyArray<string>, expectCode = 0) => {
    const result = await launcher.run([...args, "--endpoint", store.endpoint], { cwd: dir, env: store.env }, 120_000)
    assert.strictEqual(result.code, expectCode, launcher.describe(result))
    return result
  }
  await cli(["bucket", "create", `s3://${bucket}`])
  writeFileSync(join(dir, "a.txt"), "hello\n")
  const big = randomBytes(20 * MiB)
  writeFileSync(join(dir, "big.bin"), big)

  const put = await cli(["cp", "a.txt", `s3://${bucket}/pre/`])
  assert.match(put.stdout, new RegExp(`^stored s3://${bucket}/pre/a\\.txt: `, "m"))
  await cli(["cp", "big.bin", `s3://${bucket}/pre/sub/big.bin`, "--part-size", "5MiB"])
  await cli(["put", "a.txt", `s3://${bucket}/top.txt`])

  const shallow = await cli(["ls", `s3://${bucket}/pre/`])
  assert.deepStrictEqual(
    shallow.stdout.trimEnd().split("\n"),
    [`${"PRE".padStart(30)} sub/`, shallow.stdout.split("\n")[1] ?? ""],
    shallow.stdout
  )
  assert.match(shallow.stdout.split("\n")[1] ?? "", /^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d {10}6 a\.txt$/)
  const root = await cli(["ls", `s3://${bucket}`])
  assert.match(root.stdout, /^ +PRE pre\/$/m)
  assert.match(root.stdout, / top\.txt$/m)
  const deep = await cli(["ls", "--recursive", `s3://${bucket}`])
  const keys = deep.stdout
    .trimEnd()
    .split("\n")
    .map((l) => l.split(" ").at(-1))
  assert.deepStrictEqual(keys, ["pre/a.txt", "pre/sub/big.bin", "top.txt"], deep.stdout)
  const buckets = await cli(["ls", "s3://"])
  assert.match(buckets.stdout, new RegExp(` ${bucket}$`, "m"))

  // stdout carries the object and nothing else; the summary goes to stderr.
  const streamed = spawnSync(
    process.execPath,
    [...store.command.prefix, "cp", `s3://${bucket}/pre/sub/big.bin`, "-", "--endpoint", store.endpoint],
    { cwd: dir, env: { PATH: process.env.PATH ?? "", HOME: dir, ...store.env }, maxBuffer: 64 * MiB }
  )
  assert.strictEqual(streamed.status, 0, streamed.stderr.toString())
  assert.strictEqual(sha256(streamed.stdout), sha256(big), "stdout is the object, byte for byte")
  assert.match(streamed.stderr.toString(), /wrote stdout: 20971520 bytes/)
  mkdirSync(join(dir, "out"))
  await cli(["cp", `s3://${bucket}/pre/a.txt`, "out/"])
  assert.strictEqual(readFileSync(join(dir, "out", "a.txt"), "utf8"), "hello\n")
  await cli(["get", `s3://${bucket}/pre/sub/big.bin`, "out"])
  assert.strictEqual(sha256(readFileSync(join(dir, "out", "big.bin"))), sha256(big))

  const one = await cli(["rm", `s3://${bucket}/top.txt`])
  assert.strictEqual(one.stdout, `delete: s3://${bucket}/top.txt\n`)
  await cli(["stat", `s3://${bucket}/top.txt`], 1)

  const many = Array.from({ length: 1005 }, (_, i) => `many/${String(i).padStart(4, "0")}`)
  await store.putMany(many)
  const dry = await cli(["rm", "-r", "--dry-run", `s3://${bucket}/many/`])
  assert.strictEqual(dry.stdout.trimEnd().split("\n").length, 1005)
  assert.match(dry.stdout, new RegExp(`^\\(dryrun\\) delete: s3://${bucket}/many/0000$`, "m"))
  const still = await cli(["ls", "-r", `s3://${bucket}/many/`])
  assert.strictEqual(still.stdout.trimEnd().split("\n").length, 1005, "the dry run deleted nothing")
  const removed = await cli(["rm", "-r", `s3://${bucket}/many/`])
  assert.strictEqual(removed.stdout.trimEnd().split("\n").length, 1005)
  const after = await cli(["ls", "-r", `s3://${bucket}`])
  assert.deepStrictEqual(
    after.stdout
      .trimEnd()
      .split("\n")
      .map((l) => l.split(" ").at(-1)),
    ["pre/a.txt", "pre/sub/big.bin"],
    after.stdout
  )
}
