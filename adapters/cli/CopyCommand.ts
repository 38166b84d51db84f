/**
 * `cp SOURCE DESTINATION`, the command aws CLI and ossutil users reach for: a local source uploads (resumably,
 * PutCommand.ts), a remote one downloads (Download.ts). `put FILE [TARGET]` and `get TARGET FILE` are the same
 * two directions under their older names, with the same flags.
 *
 * @since 0.2.0
 */
import * as Effect from "effect/Effect"
import { UsageError } from "./CliErrors.ts"
import { planCopy } from "./CopyPaths.ts"
import { download } from "./Download.ts"
import { type PutOptions, put } from "./PutCommand.ts"

/** What `cp` parses: the transfer flags and its two sides. @category models */
export type CopyOptions = Omit<PutOptions, "file" | "target"> & {
  readonly source: string
  readonly destination: string
}

const uploadOnly = [
  "contentType",
  "metadata",
  "storageClass",
  "acl",
  "sse",
  "sseKmsKeyId",
  "callbackUrl",
  "generate",
  "idleTimeout",
  "untilExists"
] as const

/** A download given a flag that only an upload can use is a usage error, not a flag silently dropped. */
const refuseUploadFlags = (options: Omit<PutOptions, "file" | "target">): Effect.Effect<void, UsageError> => {
  const given = options.follow ? "follow" : uploadOnly.find((name) => options[name] !== undefined)
  if (given === undefined) return Effect.void
  const flag = given.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`)
  return Effect.fail(new UsageError({ message: `--${flag} applies to uploads; this copy downloads` }))
}

/** `get TARGET FILE`: a download with the transfer flags. @category commands */
export const get = (
  options: Omit<PutOptions, "file" | "target"> & { readonly target: string; readonly file: string }
): Effect.Effect<number, UsageError> =>
  refuseUploadFlags(options).pipe(Effect.andThen(download({ ...options, target: options.target, file: options.file })))

/** @category commands */
export const copy = (options: CopyOptions): Effect.Effect<number, UsageError> =>
  Effect.flatMap(planCopy(options.source, options.destination), (plan) =>
    plan._tag === "Upload"
      ? put({ ...options, file: plan.file, target: plan.target })
      : get({ ...options, target: plan.target, file: plan.file })
  )
