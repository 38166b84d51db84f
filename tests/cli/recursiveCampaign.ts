/**
 * The kill campaign of `cp -r` (issue 13, items 4 and 6): a tree of small files (empty ones and names needing
 * escapes among them) and a few multipart ones, uploaded as one batch by the CLI bundle, SIGKILLed at random moments
 * and rerun until a run exits 0. Every request goes through a counting proxy.
 *
 * What it checks: the bucket holds exactly the tree's keys, each object with its file's size and MD5 (the ETag of a
 * single PutObject, or the multipart ETag from the parts' MD5s) and its bytes, read back in-process with the S3
 * client; nothing is left over (no incomplete upload, no upload checkpoint, no batch journal);
 * reruns skip the files done (PutObject requests stay within the files plus one `--parallel` window per kill); the
 * global request limit held (never more than `--parallel` requests in flight at the proxy); then, where asked,
 * `-u` skips every file. (`--dry-run` is checked in-process, in batchPlan.test.ts.)
 */
import { createHash, randomBytes } from "node:crypto"
import { existsSync, mkdirSync, readdirSync, symlinkSync, writeFileSync } from "node:fs"
import { join } from "node:path"
import { assert } from "@effect/vitest"
import * as Effect from "effect/Effect"
import * as FetchHttpClient from "effect/http/FetchHttpClient"
import * as Layer from "effect/Layer"
import { s3Store } from "../../adapters/s3/s3Store.ts"
import type { ListedObject } from "../../core/ports/ObjectListing.ts"
import { ObjectStore, type ObjectStoreShape } from "../../core/ports/ObjectStore.ts"
import { peakInFlight, startCountingProxy } from "../support/countingProxy.ts"
import { type Launcher, seededRandom, sleep } from "./cliProcess.ts"

export interface RecursiveTarget {
  readonly name: string
  readonly upstream: string
  readonly scheme: "oss" | "s3"
  readonly bucket: string
  readonly env: Readonly<Record<string, string>>
  readonly partSizeBytes: number
  readonly createBucket?: boolean
  /** Keys the test reads the bucket back with (S3 SigV4). */
  readonly readKeys: { readonly accessKeyId: string; readonly secretAccessKey: string }
}

export interface RecursiveSize {
  readonly files: number
  readonly multipartFiles: number
  readonly kills: number
  readonly seed: number
  /** Rerun with `-u` at the end: every file skipped, nothing sent but HEADs. */
  readonly checkSkipUnchanged: boolean
}

const parallel = 4
/** Names a key must carry through signing and URL encoding unchanged. */
const oddNames = [
  "with space.txt",
  "hash#mark.txt",
  "question?.txt",
  "per%25cent.txt",
  "ünï-cödé 雪.txt",
  "a+b=c&d.txt"
]

/** Writes the tree; returns relative path → bytes. */
const makeTree = (root: string, size: RecursiveSize, partSizeBytes: number, rand: () => number) => {
  const files = new Map<string, Buffer>()
  for (let i = 0; i < size.files; i++) {
    const name = i < oddNames.length ? oddNames[i] : `file-${i}.bin`
    const rel = `d${i % 7}/${i % 3 === 0 ? "deep/er/" : ""}${name}`
    const multipart = i >= size.files - size.multipartFiles
    const bytes = multipart
      ? randomBytes(Math.floor(partSizeBytes * (2 + rand())))
      : i % 25 === 0
        ? Buffer.alloc(0)
        : randomBytes(Math.floor(rand() * 6000))
    files.set(rel, bytes)
  }
  for (const [rel, bytes] of files) {
    mkdirSync(join(root, rel, ".."), { recursive: true })
    writeFileSync(join(root, rel), bytes)
  }
  mkdirSync(join(root, "empty-dir"), { recursive: true })
  symlinkSync(join(root, "d0"), join(root, "link-to-d0"))
  return files
}

const md5 = (bytes: Uint8Array) => createHash("md5").update(bytes).digest()
/** What the store's ETag is for these bytes sent in parts of `partSizeBytes` (one part: plain MD5). */
const expectedEtag = (bytes: Buffer, partSizeBytes: number): string => {
  if (bytes.length <= partSizeBytes) return md5(bytes).toString("hex")
  const digests: Array<Buffer> = []
  for (let at = 0; at < bytes.length; at += partSizeBytes) digests.push(md5(bytes.subarray(at, at + partSizeBytes)))
  return `${md5(Buffer.concat(digests)).toString("hex")}-${digests.length}`
}

export const runRecursiveCampaign = async (
  launcher: Launcher,
  dir: string,
  target: RecursiveTarget,
  size: RecursiveSize
) => {
  const started = performance.now()
  const rand = seededRandom(size.seed)
  mkdirSync(dir, { recursive: true })
  const files = makeTree(join(dir, "tree"), size, target.partSizeBytes, rand)
  const proxy = await startCountingProxy(target.upstream)
  const options = { cwd: dir, env: target.env }
  const storeFlags = ["--endpoint", proxy.url]
  const remote = `${target.scheme}://${target.bucket}/batch/`
  const partSize = `${target.partSizeBytes / 1024 ** 2}MiB`
  const args = ["cp", "-r", "tree", remote, "--part-size", partSize, "--parallel", String(parallel), ...storeFlags]
  const context = (extra = "") => `${target.name}, seed ${size.seed}${extra}`
  try {
    if (target.createBucket === true) {
      const created = await launcher.run(["bucket", "create", `s3://${target.bucket}`, ...storeFlags], options)
      assert.strictEqual(created.code, 0, launcher.describe(created))
    }
    let kills = 0
    let resumedRuns = 0
    /** Where each batch run's requests begin in the proxy log. */
    const runStarts: Array<number> = []
    for (let attempt = 0; ; attempt++) {
      assert.isBelow(attempt, size.kills + 10, context(": the batch never finished"))
      runStarts.push(proxy.log.length)
      const run = launcher.start(args, options)
      if (kills < size.kills) {
        const printed = await run.waitForOutput(/^batch: /m, 60_000).then(
          () => true,
          () => false
        )
        if (printed) await sleep(Math.floor(rand() * 800))
        run.signal("SIGKILL")
      }
      const result = await run.result(300_000)
      if (/resuming the batch: \d+ files? done/.test(result.stdout)) resumedRuns++
      if (result.signal === "SIGKILL") {
        kills++
        continue
      }
      assert.strictEqual(result.code, 0, `${launcher.describe(result)}\n${context()}`)
      assert.match(result.stdout, /^ {2}skipped: 1 symlink not followed/m, context())
      assert.match(result.stdout, /^ {2}skipped: 1 empty directory/m, context())
      break
    }
    assert.isAtLeast(resumedRuns, Math.min(1, kills), context(": no rerun resumed the batch"))
    const batchMs = Math.round(performance.now() - started)

    // Read back in-process through the project's S3 client (the local server answers both dialects), so checking
    // every object costs requests, not CLI starts.
    const store = s3Store({ endpoint: target.upstream, region: "us-east-1", ...target.readKeys }).pipe(
      Layer.provide(FetchHttpClient.layer)
    )
    const use = <A>(f: (s: ObjectStoreShape) => Effect.Effect<A, unknown>) =>
      Effect.runPromise(ObjectStore.use(f).pipe(Effect.provide(store)))
    const objects: Array<ListedObject> = []
    for (let token: string | undefined, page = 0; page === 0 || token !== undefined; page++) {
      const listed = await use((s) =>
        (s.listObjects as NonNullable<ObjectStoreShape["listObjects"]>)({
          bucket: target.bucket,
          prefix: "batch/",
          ...(token === undefined ? {} : { continuationToken: token })
        })
      )
      objects.push(...listed.objects)
      token = listed.isTruncated ? listed.nextContinuationToken : undefined
    }
    // Exactly the tree's keys, each with its file's size and MD5, and its bytes.
    assert.deepStrictEqual(objects.map((o) => o.key).sort(), [...files.keys()].map((k) => `batch/${k}`).sort())
    for (const o of objects) {
      const bytes = files.get(o.key.slice("batch/".length)) as Buffer
      assert.strictEqual(o.sizeBytes, bytes.length, `${o.key}; ${context()}`)
      const etag = o.etag.replace(/"/g, "").toLowerCase()
      assert.strictEqual(etag, expectedEtag(bytes, target.partSizeBytes), `${o.key}; ${context()}`)
    }
    const readBack = await use((s) =>
      Effect.forEach(
        objects,
        (o) => (o.sizeBytes === 0 ? Effect.succeed(new Uint8Array(0)) : s.get({ bucket: target.bucket, key: o.key })),
        {
          concurrency: 4
        }
      )
    )
    objects.forEach((o, i) => {
      const expected = files.get(o.key.slice("batch/".length)) as Buffer
      assert.isTrue(Buffer.from(readBack[i] as Uint8Array).equals(expected), `${o.key} differs; ${context()}`)
    })

    const open = await use((s) => s.listUploads({ bucket: target.bucket, prefix: "batch/" }))
    assert.deepStrictEqual(open.uploads, [], context(": uploads left over"))
    const checkpointDir = join(dir, ".resumable-upload/checkpoints")
    const left = existsSync(checkpointDir) ? readdirSync(checkpointDir) : []
    // A SIGKILL mid-write can leave that write's temp file (`.<uuid>.tmp`): reads ignore it and the store sweeps it
    // once it is an hour old (adapters/portable/FileKeyValueStore.ts). At most one per kill; nothing else may stay.
    const crashTemps = left.filter((name) => /^\.[0-9a-f-]{1,64}\.tmp$/.test(name))
    assert.deepStrictEqual(
      left.filter((name) => !crashTemps.includes(name)),
      [],
      context(": checkpoints left over")
    )
    assert.isAtMost(crashTemps.length, kills, context(": more temp files than kills"))

    const smallFiles = [...files.values()].filter((b) => b.length <= target.partSizeBytes).length
    // Each run sends a PutObject for a key at most once, retries aside: distinct keys per run, summed.
    const isPut = (e: (typeof proxy.log)[number]) =>
      e.method === "PUT" && e.query.partNumber === undefined && e.path !== `/${target.bucket}`
    const runs = runStarts.map((from, i) => proxy.log.slice(from, runStarts[i + 1] ?? proxy.log.length))
    const puts = runs.reduce((sum, log) => sum + new Set(log.filter(isPut).map((e) => e.path)).size, 0)
    assert.isAtMost(puts, smallFiles + kills * parallel, context(": done files were uploaded again"))
    const peak = peakInFlight(proxy.log, () => true)
    assert.isAtMost(peak, parallel, context(": more requests in flight than --parallel"))

    const verifiedMs = Math.round(performance.now() - started)
    if (size.checkSkipUnchanged) {
      // -u: everything matches now, so nothing is sent but HEADs.
      const before = proxy.log.length
      const again = await launcher.run([...args, "-u"], options)
      assert.strictEqual(again.code, 0, launcher.describe(again))
      assert.match(again.stdout, new RegExp(`^ {2}${files.size} skipped as unchanged`, "m"), launcher.describe(again))
      assert.isTrue(
        proxy.log.slice(before).every((e) => e.method === "HEAD"),
        context(": -u sent more than HEADs")
      )
    }
    return {
      files: files.size,
      kills,
      resumedRuns,
      puts,
      peak,
      batchMs,
      verifiedMs,
      elapsedMs: Math.round(performance.now() - started)
    }
  } finally {
    await proxy.close()
  }
}
