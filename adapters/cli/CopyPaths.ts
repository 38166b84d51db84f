/**
 * What `cp SOURCE DESTINATION` means, as aws CLI and ossutil users expect it: which side is the store, and the key
 * or file name the other side implies. A remote target that ends in `/` (or names only a bucket) is a "directory":
 * `cp a.txt oss://b/pre/` stores `pre/a.txt`. A local destination that is a directory, or ends in `/`, gets the
 * key's last segment as its file name. `-` is stdout as a destination and stdin as a source (a stream, which needs a
 * whole key: there is no file name to append).
 *
 * @since 0.2.0
 */

import { statSync } from "node:fs"
import { basename, join, sep } from "node:path"
import * as Effect from "effect/Effect"
import { UsageError } from "./CliErrors.ts"
import * as Target from "./Target.ts"

/** `-`: standard input as a source, standard output as a destination. @category constants */
export const stdio = "-"

/** @category models */
export type CopyPlan =
  | { readonly _tag: "Upload"; readonly file: string; readonly target: string }
  | { readonly _tag: "Download"; readonly target: string; readonly file: string }

const isRemote = (text: string): boolean => /^(oss|s3):\/\//.test(text)

/** Which way a `cp` goes; both sides local or both remote are usage errors. @category parsers */
export const planCopy = (source: string, destination: string): Effect.Effect<CopyPlan, UsageError> => {
  if (isRemote(source) && isRemote(destination)) {
    return Effect.fail(new UsageError({ message: "copying between two remote objects is not supported" }))
  }
  if (isRemote(source)) return Effect.succeed({ _tag: "Download", target: source, file: destination })
  if (isRemote(destination)) return Effect.succeed({ _tag: "Upload", file: source, target: destination })
  return Effect.fail(
    new UsageError({
      message: `one side must be oss://bucket/key or s3://bucket/key, got "${source}" and "${destination}"`
    })
  )
}

/** The key an upload of `localPath` to `target` stores: a directory-like target gets the file's name appended. @category utils */
export const uploadKey = (target: Target.Target, localPath: string): string =>
  target.key === "" || target.key.endsWith("/") ? `${target.key}${basename(localPath)}` : target.key

/** The object target of an upload, its key completed by {@link uploadKey} and then checked. @category parsers */
export const uploadTarget = (text: string, localPath: string): Effect.Effect<Target.Target, UsageError> =>
  Effect.flatMap(Target.parse(text), (target) => {
    if (localPath === stdio && (target.key === "" || target.key.endsWith("/"))) {
      return Effect.fail(new UsageError({ message: `stdin has no file name to append: give a whole key, not ${text}` }))
    }
    return Target.parseObject(Target.format({ ...target, key: uploadKey(target, localPath) }))
  })

/** The key's last segment: the file name a download into a directory gets. @category utils */
export const lastSegment = (key: string): string => key.split("/").at(-1) ?? key

const isDirectory = (path: string): boolean => {
  try {
    return statSync(path).isDirectory()
  } catch {
    return false
  }
}

/**
 * Where a download of `key` lands: `-` stays stdout; an existing directory, or a path ending in a separator, gets
 * the key's last segment appended; anything else is the file itself.
 *
 * @category utils
 */
export const downloadPath = (key: string, destination: string): string => {
  if (destination === stdio) return stdio
  const directoryLike = destination.endsWith("/") || destination.endsWith(sep) || isDirectory(destination)
  return directoryLike ? join(destination, lastSegment(key)) : destination
}
