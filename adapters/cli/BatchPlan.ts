/**
 * What `cp -r DIR oss://bucket/prefix/` uploads: the walk of the directory, the `--include`/`--exclude` filter, and
 * each file's key (prefix + relative path with `/` separators). Everything a batch would trip over later is found
 * here, before a request is sent: keys the stores refuse (named with their file), too many files, symlink loops.
 * Symlinks are skipped unless `--follow-symlinks`, empty directories are skipped, and both are counted for the summary.
 *
 * @since 0.2.0
 */

import { lstatSync, readdirSync, realpathSync, type Stats, statSync } from "node:fs"
import { join } from "node:path"
import { validateObjectKey } from "@resumable-upload/core/Limits"
import * as Effect from "effect/Effect"
import { Minimatch } from "minimatch"
import { UsageError } from "./CliErrors.ts"

/** A batch is journalled in one file (BatchJournal.ts); this bounds it, and a directory walk's memory. */
export const batchFilesMax = 100_000
/** Bad keys are listed up to this many, then counted. */
const problemsShownMax = 10

/** @category models */
export interface PlannedFile {
  /** The path the bytes are read from. */
  readonly path: string
  /** Relative to the source directory, `/`-separated. */
  readonly relativePath: string
  readonly key: string
  readonly sizeBytes: number
  readonly mtimeMs: number
}

/** @category models */
export interface BatchPlan {
  readonly files: ReadonlyArray<PlannedFile>
  readonly totalBytes: number
  readonly excluded: number
  /** Symlinks not followed (no `--follow-symlinks`), and ones that point nowhere. */
  readonly symlinksSkipped: number
  readonly brokenSymlinks: number
  /** Directories reached again through a symlink (a loop, or a second way in): walked once only. */
  readonly loopsSkipped: number
  readonly emptyDirectories: number
  /** Neither file nor directory (sockets, FIFOs, devices). */
  readonly otherSkipped: number
  /** `skipDirectories` met in the walk. */
  readonly stateDirectoriesSkipped: number
}

/** @category models */
export interface PlanOptions {
  readonly root: string
  /** The key prefix; `""` or ending in `/`. */
  readonly prefix: string
  readonly include: ReadonlyArray<string>
  readonly exclude: ReadonlyArray<string>
  readonly followSymlinks: boolean
  /** Directories never walked: the CLI's own state (checkpoints, the embedded store's data) inside the source. */
  readonly skipDirectories?: ReadonlyArray<string>
}

/** A pattern without `/` matches a file's name at any depth; one with `/` matches the relative path. */
const matcherOf = (patterns: ReadonlyArray<string>) => {
  const compiled = patterns.map((p) => new Minimatch(p, { dot: true, matchBase: !p.includes("/") }))
  return (relativePath: string) => compiled.some((m) => m.match(relativePath))
}

/** A path's real path, or the path itself when it does not exist (a checkpoint directory not made yet). */
const realOrSelf = (path: string): string => {
  try {
    return realpathSync(path)
  } catch {
    return path
  }
}

/** `prefix` as a key prefix: empty stays empty, anything else ends in `/`. @category utils */
export const keyPrefixOf = (key: string): string => (key === "" || key.endsWith("/") ? key : `${key}/`)

/** Walks `options.root` and plans the batch; fails with a usage error naming the files whose keys are invalid. */
export const plan = (options: PlanOptions): Effect.Effect<BatchPlan, UsageError> =>
  Effect.suspend(() => {
    const included = options.include.length === 0 ? () => true : matcherOf(options.include)
    const excludedBy = matcherOf(options.exclude)
    const files: Array<PlannedFile> = []
    const problems: Array<string> = []
    const counts = { excluded: 0, symlinksSkipped: 0, brokenSymlinks: 0, loopsSkipped: 0, emptyDirs: 0, other: 0 }
    const visited = new Set<string>()
    const skipped = new Set((options.skipDirectories ?? []).map(realOrSelf))
    let stateDirs = 0
    let tooMany = false

    // Depth-first with an explicit stack, so a deep tree cannot overflow the call stack.
    const stack: Array<{ readonly path: string; readonly relative: string }> = [{ path: options.root, relative: "" }]
    visited.add(realpathSync(options.root))
    while (stack.length > 0 && !tooMany) {
      const dir = stack.pop() as { readonly path: string; readonly relative: string }
      const names = readdirSync(dir.path).sort()
      if (names.length === 0 && dir.relative !== "") counts.emptyDirs++
      for (const name of names) {
        const path = join(dir.path, name)
        const relative = dir.relative === "" ? name : `${dir.relative}/${name}`
        let stats: Stats = lstatSync(path)
        if (stats.isSymbolicLink()) {
          if (!options.followSymlinks) {
            counts.symlinksSkipped++
            continue
          }
          try {
            stats = statSync(path)
          } catch {
            counts.brokenSymlinks++
            continue
          }
        }
        if (stats.isDirectory()) {
          const real = realpathSync(path)
          if (skipped.has(real)) {
            stateDirs++
            continue
          }
          if (visited.has(real)) {
            counts.loopsSkipped++
            continue
          }
          visited.add(real)
          stack.push({ path, relative })
          continue
        }
        if (!stats.isFile()) {
          counts.other++
          continue
        }
        if (!included(relative) || excludedBy(relative)) {
          counts.excluded++
          continue
        }
        if (files.length >= batchFilesMax) {
          tooMany = true
          break
        }
        const key = `${options.prefix}${relative}`
        const checked = Effect.runSync(Effect.result(validateObjectKey(key)))
        if (checked._tag === "Failure") problems.push(`${path}: ${checked.failure.message}`)
        files.push({ path, relativePath: relative, key, sizeBytes: stats.size, mtimeMs: stats.mtimeMs })
      }
    }
    if (tooMany) {
      return Effect.fail(
        new UsageError({
          message: `${options.root} holds more than ${batchFilesMax} files to upload; narrow it with --include/--exclude or upload its subdirectories one by one`
        })
      )
    }
    if (problems.length > 0) {
      const more = problems.length > problemsShownMax ? `\n  … and ${problems.length - problemsShownMax} more` : ""
      return Effect.fail(
        new UsageError({
          message: `${problems.length} file${problems.length === 1 ? "" : "s"} would get a key the store refuses; rename them or exclude them with --exclude:\n  ${problems.slice(0, problemsShownMax).join("\n  ")}${more}`
        })
      )
    }
    files.sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0))
    return Effect.succeed({
      files,
      totalBytes: files.reduce((sum, f) => sum + f.sizeBytes, 0),
      excluded: counts.excluded,
      symlinksSkipped: counts.symlinksSkipped,
      brokenSymlinks: counts.brokenSymlinks,
      loopsSkipped: counts.loopsSkipped,
      emptyDirectories: counts.emptyDirs,
      otherSkipped: counts.other,
      stateDirectoriesSkipped: stateDirs
    })
  })
