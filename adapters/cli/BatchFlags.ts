/**
 * The flags of whole-directory uploads (`cp -r DIR oss://bucket/prefix/`, `put -r`): `--recursive`, the filters,
 * `--dry-run`, `--skip-unchanged` and `--follow-symlinks`. A module of their own so `cp` and `put` share them and
 * the single-file flags (TransferFlags.ts) stay as they are.
 *
 * @since 0.2.0
 */
import * as Flag from "effect/cli/Flag"

/** At most this many patterns of each kind: a filter list is typed by hand, not generated. */
export const patternsMax = 100

/** @category models */
export interface BatchFlags {
  readonly recursive: boolean
  readonly include: ReadonlyArray<string>
  readonly exclude: ReadonlyArray<string>
  readonly dryRun: boolean
  readonly skipUnchanged: boolean
  readonly followSymlinks: boolean
}

const patterns = (name: "include" | "exclude", text: string) =>
  Flag.String(name).pipe(Flag.between(0, patternsMax), Flag.withDescription(text))

export const batchFlags = {
  recursive: Flag.Boolean("recursive").pipe(
    Flag.withAlias("r"),
    Flag.withDefault(false),
    Flag.withDescription(
      "upload a directory: every file under it goes to the target prefix + its relative path, small ones as one PutObject, large ones resumably in parts; one batch checkpoint lets a rerun resume the batch (default: one file)"
    )
  ),
  include: patterns(
    "include",
    "with -r, upload only files matching this glob (repeatable; a pattern without / matches file names at any depth, one with / the relative path, e.g. '*.jpg' or 'logs/**'; default: all)"
  ),
  exclude: patterns(
    "exclude",
    "with -r, leave out files matching this glob (repeatable; same matching as --include, and it wins over it)"
  ),
  dryRun: Flag.Boolean("dry-run").pipe(
    Flag.withDefault(false),
    Flag.withDescription("with -r, print each file and the key it would go to, and send nothing")
  ),
  skipUnchanged: Flag.Boolean("skip-unchanged").pipe(
    Flag.withAlias("u"),
    Flag.withDefault(false),
    Flag.withDescription(
      "with -r, skip files whose object already matches: same size and mtime (stored as metadata mtime), else same CRC-64 or single-part ETag (default: upload every file)"
    )
  ),
  followSymlinks: Flag.Boolean("follow-symlinks").pipe(
    Flag.withDefault(false),
    Flag.withDescription(
      "with -r, follow symlinks to files and directories, each directory walked once (loops are cut); default: skip symlinks and count them in the summary"
    )
  )
}
