/**
 * `oss://bucket/key`, `s3://bucket/key` and `<scheme>://bucket[/prefix]` as typed values, with the bucket and key
 * rules checked up front so a typo fails before any file is read. The scheme picks the store dialect.
 *
 * @since 0.1.0
 */

import { validateObjectKey } from "@resumable-upload/core/Limits"
import * as Effect from "effect/Effect"
import { UsageError } from "./CliErrors.ts"

/** @category models */
export type Scheme = "oss" | "s3"

/** @category models */
export interface Target {
  readonly scheme: Scheme
  readonly bucket: string
  /** `""` when only a bucket (or a bucket and a trailing slash) was given. */
  readonly key: string
}

// OSS bucket names have no dots; S3 allows them (but not two in a row, and not at either end).
const bucketRules: Record<Scheme, { readonly pattern: RegExp; readonly text: string }> = {
  oss: { pattern: /^[a-z0-9][a-z0-9-]{1,61}[a-z0-9]$/, text: "3-63 lowercase letters, digits or hyphens" },
  s3: {
    pattern: /^(?!.*\.\.)[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/,
    text: "3-63 lowercase letters, digits, hyphens or single dots"
  }
}

/** @category parsers */
export const parse = (text: string): Effect.Effect<Target, UsageError> => {
  const match = /^(oss|s3):\/\/([^/]+)(?:\/(.*))?$/.exec(text)
  if (match?.[2] === undefined)
    return Effect.fail(new UsageError({ message: `expected oss://bucket/key or s3://bucket/key, got "${text}"` }))
  const scheme = match[1] as Scheme
  const bucket = match[2]
  const rule = bucketRules[scheme]
  if (!rule.pattern.test(bucket)) {
    return Effect.fail(new UsageError({ message: `${scheme} bucket "${bucket}" must be ${rule.text}` }))
  }
  return Effect.succeed({ scheme, bucket, key: match[3] ?? "" })
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
