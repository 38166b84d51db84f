/**
 * The buckets created explicitly (CreateBucket / OSS PutBucket), with their creation times, so ListBuckets and
 * HeadBucket know an empty bucket and DeleteBucket can forget one. Buckets that writes bring into existence are
 * not recorded here: they exist while they hold objects or uploads (see bucketHandlers.ts).
 *
 * With a data directory, each bucket is one small file `buckets/<name>` (bucket names are `[a-z0-9-]`, safe as file
 * names) holding `{"createdAtMs":…}`, written atomically, so created buckets survive restarts; in memory otherwise.
 *
 * @since 0.1.0
 */
import { mkdir, readdir, readFile, rm } from "node:fs/promises"
import { join } from "node:path"
import { removeTempFiles, syncDirectory, writeAtomic } from "./recordFile.ts"
import { isBucketName } from "./requestTarget.ts"

/** The registry's folder under a data directory. @category constants */
export const registryFolder = "buckets"

/** @category models */
export class BucketRegistry {
  private readonly createdAtMs: Map<string, number>
  private readonly directory: string | undefined

  private constructor(createdAtMs: Map<string, number>, directory: string | undefined) {
    this.createdAtMs = createdAtMs
    this.directory = directory
  }

  /** The registry kept under `dataDirectory/buckets/`, or in memory when there is no data directory. @category constructors */
  static async open(dataDirectory: string | undefined): Promise<BucketRegistry> {
    const known = new Map<string, number>()
    if (dataDirectory === undefined) return new BucketRegistry(known, undefined)
    const directory = join(dataDirectory, registryFolder)
    // Made by the first CreateBucket: a directory whose buckets all sprang from writes gains no folder.
    const names = await readdir(directory).catch((cause: NodeJS.ErrnoException) => {
      if (cause.code === "ENOENT") return [] as Array<string>
      throw cause
    })
    await removeTempFiles(directory)
    for (const name of names) {
      if (!isBucketName(name)) continue
      const text = await readFile(join(directory, name), "utf8").catch(() => "")
      const createdAtMs = Number((/"createdAtMs":(\d+)/.exec(text) ?? [])[1])
      // A record that does not parse still names a created bucket; its time is unknown.
      known.set(name, Number.isFinite(createdAtMs) ? createdAtMs : 0)
    }
    return new BucketRegistry(known, directory)
  }

  has(name: string): boolean {
    return this.createdAtMs.has(name)
  }

  /** When the bucket was created, if it was created explicitly. */
  createdAt(name: string): number | undefined {
    return this.createdAtMs.get(name)
  }

  names(): ReadonlyArray<string> {
    return [...this.createdAtMs.keys()]
  }

  /** Records a bucket (durably, before it resolves); a bucket already recorded keeps its first creation time. */
  async create(name: string, nowMs: number): Promise<void> {
    if (this.createdAtMs.has(name)) return
    if (this.directory !== undefined) {
      await mkdir(this.directory, { recursive: true })
      await writeAtomic(this.directory, name, [JSON.stringify({ createdAtMs: Math.trunc(nowMs) })])
    }
    this.createdAtMs.set(name, Math.trunc(nowMs))
  }

  async remove(name: string): Promise<void> {
    if (!this.createdAtMs.delete(name) || this.directory === undefined) return
    await rm(join(this.directory, name), { force: true })
    await syncDirectory(this.directory)
  }
}
