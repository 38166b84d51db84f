/**
 * `oss://bucket/key` and `oss://bucket[/prefix]` as typed values, with the bucket and key rules checked up front so a
 * typo fails before any file is read.
 *
 * @since 0.1.0
 */
import * as Effect from "effect/Effect"
import { validateObjectKey } from "../../../core/Limits.ts"
import { UsageError } from "./CliErrors.ts"

/** @category models */
export interface Target {
  readonly scheme: "oss"
  readonly bucket: string
  /** `""` when only a bucket (or a bucket and a trailing slash) was given. */
  readonly key: string
}

const bucketPattern = /^[a-z0-9][a-z0-9-]{1,61}[a-z0-9]$/

/** @category parsers */
export const parse = (text: string): Effect.Effect<Target, UsageError> => {
  const match = /^(oss):\/\/([^/]+)(?:\/(.*))?$/.exec(text)
  if (match?.[2] === undefined)
    return Effect.fail(new UsageError({ message: `expected oss://bucket/key, got "${text}"` }))
  const bucket = match[2]
  if (!bucketPattern.test(bucket)) {
    return Effect.fail(
      new UsageError({ message: `bucket "${bucket}" must be 3-63 lowercase letters, digits or hyphens` })
    )
  }
  return Effect.succeed({ scheme: "oss", bucket, key: match[3] ?? "" })
}

/** A target that must name an object. @category parsers */
export const parseObject = (text: string): Effect.Effect<Target, UsageError> =>
  Effect.flatMap(parse(text), (target) =>
    validateObjectKey(target.key).pipe(
      Effect.as(target),
      Effect.mapError((e) => new UsageError({ message: `${text}: ${e.message}` }))
    )
  )

/** @category formatters */
export const format = (target: Target): string => `${target.scheme}://${target.bucket}/${target.key}`
