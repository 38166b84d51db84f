/**
 * The plan of `cp -r` (BatchPlan.ts) over real directory trees in a temp dir: keys are prefix + relative path with
 * `/`, names needing escapes stay as they are, empty files are planned and empty directories counted, the filters
 * match names at any depth or relative paths, symlinks are skipped (and counted) unless followed, loops are cut,
 * and a key the store refuses fails the plan naming its file. Also the skip-unchanged verdicts (SkipUnchanged.ts),
 * the batch progress line (BatchProgress.ts), and, in-process, `--dry-run` and the usage errors of `cp -r`.
 */
import { createHash } from "node:crypto"
import { existsSync, mkdirSync, mkdtempSync, rmSync, statSync, symlinkSync, writeFileSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { afterAll, assert, describe, it } from "@effect/vitest"
import * as Effect from "effect/Effect"
import * as Exit from "effect/Exit"
import * as BatchPlan from "../../adapters/cli/BatchPlan.ts"
import * as BatchProgress from "../../adapters/cli/BatchProgress.ts"
import * as BatchSummary from "../../adapters/cli/BatchSummary.ts"
import { run } from "../../adapters/cli/main.ts"
import * as SkipUnchanged from "../../adapters/cli/SkipUnchanged.ts"
import * as Crc64 from "../../core/Crc64.ts"

const root = mkdtempSync(join(tmpdir(), "batch-plan-"))
afterAll(() => rmSync(root, { recursive: true, force: true }))

/** A tree from `{ "a/b.txt": "text", "dir/": null }` (a trailing `/` makes an empty directory). */
const tree = (name: string, entries: Readonly<Record<string, string | null>>): string => {
  const base = join(root, name)
  for (const [path, content] of Object.entries(entries)) {
    if (content === null) mkdirSync(join(base, path), { recursive: true })
    else {
      mkdirSync(join(base, path, ".."), { recursive: true })
      writeFileSync(join(base, path), content)
    }
  }
  return base
}

const options = { prefix: "pre/", include: [], exclude: [], followSymlinks: false }
const planOf = (o: BatchPlan.PlanOptions) => Effect.runSync(BatchPlan.plan(o))
const keysOf = (p: BatchPlan.BatchPlan) => p.files.map((f) => f.key)

describe("batch plan", () => {
  it("keys are the prefix plus the relative path; escapes, unicode and empty files pass through", () => {
    const dir = tree("keys", {
      "top.txt": "1",
      "a/b/deep.bin": "22",
      "sp ace/#hash?q%25ü.txt": "333",
      "empty.bin": "",
      "hollow/": null
    })
    const plan = planOf({ ...options, root: dir })
    assert.deepStrictEqual(keysOf(plan), [
      "pre/a/b/deep.bin",
      "pre/empty.bin",
      "pre/sp ace/#hash?q%25ü.txt",
      "pre/top.txt"
    ])
    assert.strictEqual(plan.totalBytes, 6)
    assert.strictEqual(plan.files.find((f) => f.key === "pre/empty.bin")?.sizeBytes, 0)
    assert.strictEqual(plan.files.find((f) => f.key === "pre/a/b/deep.bin")?.relativePath, "a/b/deep.bin")
    assert.strictEqual(plan.emptyDirectories, 1)
    assert.include(BatchSummary.planNotes(plan).join("\n"), "1 empty directory")
    // A bare bucket means no prefix; a prefix without its slash gets one.
    assert.deepStrictEqual(keysOf(planOf({ ...options, root: dir, prefix: "" }))[0], "a/b/deep.bin")
    assert.strictEqual(BatchPlan.keyPrefixOf("photos"), "photos/")
    assert.strictEqual(BatchPlan.keyPrefixOf(""), "")
    assert.strictEqual(BatchPlan.keyPrefixOf("p/"), "p/")
  })

  it("--include/--exclude: names at any depth without a slash, relative paths with one; exclude wins", () => {
    const dir = tree("filters", {
      "a.jpg": "x",
      "a.txt": "x",
      "logs/x.jpg": "x",
      "logs/deep/y.log": "x",
      ".hidden.jpg": "x"
    })
    const jpgs = planOf({ ...options, root: dir, include: ["*.jpg"] })
    assert.deepStrictEqual(keysOf(jpgs), ["pre/.hidden.jpg", "pre/a.jpg", "pre/logs/x.jpg"])
    assert.strictEqual(jpgs.excluded, 2)
    const noLogs = planOf({ ...options, root: dir, exclude: ["logs/**"] })
    assert.deepStrictEqual(keysOf(noLogs), ["pre/.hidden.jpg", "pre/a.jpg", "pre/a.txt"])
    const both = planOf({ ...options, root: dir, include: ["*.jpg"], exclude: ["logs/*"] })
    assert.deepStrictEqual(keysOf(both), ["pre/.hidden.jpg", "pre/a.jpg"])
  })

  it("symlinks are skipped and counted; followed, they upload once and loops are cut", () => {
    const dir = tree("links", { "real/file.txt": "abc", "other.txt": "de" })
    symlinkSync(join(dir, "other.txt"), join(dir, "real/link.txt"))
    symlinkSync(dir, join(dir, "real/loop"))
    symlinkSync(join(dir, "missing"), join(dir, "broken"))
    const skipped = planOf({ ...options, root: dir })
    assert.deepStrictEqual(keysOf(skipped), ["pre/other.txt", "pre/real/file.txt"])
    assert.strictEqual(skipped.symlinksSkipped, 3)
    assert.include(BatchSummary.planNotes(skipped).join("\n"), "3 symlinks not followed")
    const followed = planOf({ ...options, root: dir, followSymlinks: true })
    assert.deepStrictEqual(keysOf(followed), ["pre/other.txt", "pre/real/file.txt", "pre/real/link.txt"])
    assert.strictEqual(followed.files.find((f) => f.key === "pre/real/link.txt")?.sizeBytes, 2)
    assert.strictEqual(followed.loopsSkipped, 1)
    assert.strictEqual(followed.brokenSymlinks, 1)
  })

  it("the CLI's own state directories inside the source are never walked, even before they exist", () => {
    const dir = tree("state", {
      "a.txt": "1",
      ".resumable-upload/checkpoints/batches/b.jsonl": "x",
      ".resumable-upload/data/o": "y"
    })
    const plan = planOf({
      ...options,
      root: dir,
      skipDirectories: [
        join(dir, ".resumable-upload/checkpoints"),
        join(dir, ".resumable-upload/data"),
        join(dir, "nope")
      ]
    })
    assert.deepStrictEqual(keysOf(plan), ["pre/a.txt"])
    assert.include(BatchSummary.planNotes(plan).join("\n"), "2 directories of the CLI's own state")
  })

  it("a key the store refuses fails the plan up front, naming the file", () => {
    const long = "n".repeat(250)
    const dir = tree("long", { [`${long}/${long}/${long}/${long}/${long}.txt`]: "x", "fine.txt": "y" })
    const exit = Effect.runSyncExit(BatchPlan.plan({ ...options, root: dir }))
    assert.isTrue(Exit.isFailure(exit))
    const text = Exit.isFailure(exit) ? String(exit.cause) : ""
    assert.include(text, "1 file would get a key the store refuses")
    assert.match(text, new RegExp(`${long}\\.txt: object key is \\d+ bytes of UTF-8; the limit is 1023`))
    assert.notInclude(text, "fine.txt")
  })
})

describe("skip unchanged", () => {
  const path = join(tree("skip", { "f.bin": "some bytes" }), "f.bin")
  const bytes = new TextEncoder().encode("some bytes")
  const mtimeMs = statSync(path).mtimeMs
  const file = { path, sizeBytes: bytes.length, mtimeMs }
  const md5 = createHash("md5").update(bytes).digest("hex")
  const verdict = (remote: Parameters<typeof SkipUnchanged.compare>[1]) =>
    Effect.runPromise(SkipUnchanged.compare(file, remote))

  it("missing or another size uploads; the same mtime is enough; else content decides", async () => {
    assert.deepStrictEqual(await verdict(undefined), { _tag: "Upload", why: "missing" })
    assert.deepStrictEqual(await verdict({ sizeBytes: 3, etag: `"${md5}"` }), { _tag: "Upload", why: "size" })
    const mtime = { [SkipUnchanged.mtimeMetadataName]: SkipUnchanged.formatMtime(mtimeMs) }
    assert.deepStrictEqual(await verdict({ sizeBytes: bytes.length, etag: '"x-2"', metadata: mtime }), {
      _tag: "Unchanged",
      by: "mtime"
    })
    const crc64 = Crc64.compute(bytes)
    assert.deepStrictEqual(await verdict({ sizeBytes: bytes.length, etag: '"x-2"', crc64 }), {
      _tag: "Unchanged",
      by: "crc64"
    })
    assert.deepStrictEqual(await verdict({ sizeBytes: bytes.length, etag: '"x-2"', crc64: crc64 ^ 1n }), {
      _tag: "Upload",
      why: "content"
    })
    assert.deepStrictEqual(await verdict({ sizeBytes: bytes.length, etag: `"${md5.toUpperCase()}"` }), {
      _tag: "Unchanged",
      by: "etag"
    })
    assert.deepStrictEqual(await verdict({ sizeBytes: bytes.length, etag: `"${"0".repeat(32)}"` }), {
      _tag: "Upload",
      why: "content"
    })
    // A multipart ETag and no CRC or mtime: nothing vouches for the bytes, so the file goes again.
    const other = { [SkipUnchanged.mtimeMetadataName]: SkipUnchanged.formatMtime(mtimeMs + 5000) }
    assert.deepStrictEqual(await verdict({ sizeBytes: bytes.length, etag: '"abc-3"', metadata: other }), {
      _tag: "Upload",
      why: "unverifiable"
    })
  })
})

describe("batch progress", () => {
  it("counts files and bytes, committed bytes of files in flight included, at most once a second", () => {
    const written: Array<string> = []
    let now = 0
    const p = BatchProgress.make(
      "plain",
      { files: 3, bytes: 300 },
      (t) => void written.push(t),
      () => now
    )
    p.flush()
    p.committed("a", 50)
    assert.strictEqual(written.length, 1, "throttled within the second")
    now = 1500
    p.finished("b", 100, "skipped")
    p.finished("c", 100, "failed")
    p.end()
    assert.deepStrictEqual(p.counts(), { files: 2, totalFiles: 3, bytes: 150, totalBytes: 300, skipped: 1, failed: 1 })
    assert.strictEqual(written.at(-1), "batch: 2/3 files, 150 B of 300 B, 1 skipped, 1 failed\n")
  })
})

describe("cp -r on the command line, in-process", () => {
  /** Runs the CLI with stdout and stderr captured. */
  const cli = async (args: ReadonlyArray<string>) => {
    let out = ""
    const write = process.stdout.write.bind(process.stdout)
    const writeErr = process.stderr.write.bind(process.stderr)
    process.stdout.write = ((chunk: string) => {
      out += chunk
      return true
    }) as typeof process.stdout.write
    process.stderr.write = ((chunk: string) => {
      out += chunk
      return true
    }) as typeof process.stderr.write
    try {
      return { code: await run(args), out }
    } finally {
      process.stdout.write = write
      process.stderr.write = writeErr
    }
  }

  it("--dry-run prints each file's key and the totals, and starts no store", async () => {
    const dir = tree("dry", { "a.txt": "12", "sub/b c.bin": "345", "skip.tmp": "x" })
    const dataDir = join(root, "dry-data")
    const { code, out } = await cli([
      "cp",
      "-r",
      dir,
      "oss://bkt/up",
      "--exclude",
      "*.tmp",
      "--dry-run",
      "--data-dir",
      dataDir
    ])
    assert.strictEqual(code, 0, out)
    assert.include(out, `would upload ${join(dir, "a.txt")} → oss://bkt/up/a.txt (2 B)`)
    assert.include(out, `would upload ${join(dir, "sub/b c.bin")} → oss://bkt/up/sub/b c.bin (3 B)`)
    assert.include(out, "dry run: 2 files (5 B) to oss://bkt/up/; nothing was sent")
    assert.include(out, "skipped: 1 file excluded by --include/--exclude")
    assert.isFalse(existsSync(dataDir), "no embedded store was started")
  })

  it("batch flags without -r, a file with -r, and a prefix download are usage errors", async () => {
    const dir = tree("usage", { "a.txt": "1" })
    const noR = await cli(["cp", join(dir, "a.txt"), "oss://bkt/", "--exclude", "*.tmp"])
    assert.strictEqual(noR.code, 2)
    assert.include(noR.out, "--exclude applies to directory uploads; add -r/--recursive")
    const file = await cli(["put", "-r", join(dir, "a.txt"), "oss://bkt/"])
    assert.strictEqual(file.code, 2)
    assert.include(file.out, "is a file (drop -r)")
    const down = await cli(["cp", "-r", "oss://bkt/pre/", dir])
    assert.strictEqual(down.code, 2)
    assert.include(down.out, "downloading a prefix is not supported")
    const follow = await cli(["cp", "-r", "--follow", dir, "oss://bkt/"])
    assert.strictEqual(follow.code, 2)
    assert.include(follow.out, "--follow uploads one growing file; it cannot be used with --recursive")
    const stdin = await cli(["cp", "-r", "-", "oss://bkt/"])
    assert.strictEqual(stdin.code, 2)
    assert.include(stdin.out, "- (stdin) is one stream; it cannot be used with --recursive")
  })
})
