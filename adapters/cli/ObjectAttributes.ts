/**
 * The upload flags that set what an object is stored with: `--content-type` (else guessed from the file's extension
 * with the `mime` package, else left to the store), `--metadata k=v,k2=v2`, `--storage-class`, `--acl`, `--sse` and
 * `--sse-kms-key-id`. Values are checked against the target's dialect here, before a byte is read, since OSS and
 * S3 spell them differently (`IA` and `STANDARD_IA`, `KMS` and `aws:kms`).
 *
 * @since 0.2.0
 */

import type { StoredAttributes } from "@resumable-upload/core/ports/ObjectStore"
import * as Effect from "effect/Effect"
import mime from "mime"
import { UsageError } from "./CliErrors.ts"
import type { Scheme } from "./Target.ts"

/** @category models */
export interface AttributeFlags {
  readonly contentType: string | undefined
  readonly metadata: string | undefined
  readonly storageClass: string | undefined
  readonly acl: string | undefined
  readonly sse: string | undefined
  readonly sseKmsKeyId: string | undefined
}

/** The values each dialect accepts, as its documentation lists them. @category constants */
export const accepted = {
  storageClass: {
    oss: ["Standard", "IA", "Archive", "ColdArchive", "DeepColdArchive"],
    s3: [
      "STANDARD",
      "REDUCED_REDUNDANCY",
      "STANDARD_IA",
      "ONEZONE_IA",
      "INTELLIGENT_TIERING",
      "GLACIER",
      "DEEP_ARCHIVE",
      "GLACIER_IR"
    ]
  },
  acl: {
    oss: ["default", "private", "public-read", "public-read-write"],
    s3: [
      "private",
      "public-read",
      "public-read-write",
      "authenticated-read",
      "aws-exec-read",
      "bucket-owner-read",
      "bucket-owner-full-control"
    ]
  },
  sse: { oss: ["AES256", "KMS", "SM4"], s3: ["AES256", "aws:kms", "aws:kms:dsse"] }
} as const satisfies Record<string, Record<Scheme, ReadonlyArray<string>>>

/** User metadata at most: both stores cap all of it at 8 KiB (S3 2 KiB), so a hundred entries is plenty. */
const metadataEntriesMax = 100
const metadataName = /^[A-Za-z0-9][A-Za-z0-9_-]*$/

/** `k=v,k2=v2` → a record; names are letters, digits, `-` and `_` (what travels in an HTTP header name). @category parsers */
export const parseMetadata = (text: string): Effect.Effect<Readonly<Record<string, string>>, UsageError> => {
  const entries: Array<readonly [string, string]> = []
  for (const pair of text.split(",")) {
    const at = pair.indexOf("=")
    const name = at === -1 ? pair : pair.slice(0, at)
    if (at === -1 || !metadataName.test(name)) {
      return Effect.fail(new UsageError({ message: `--metadata: expected name=value pairs, got "${pair}"` }))
    }
    entries.push([name.toLowerCase(), pair.slice(at + 1)])
  }
  if (entries.length > metadataEntriesMax) {
    return Effect.fail(new UsageError({ message: `--metadata: at most ${metadataEntriesMax} entries` }))
  }
  return Effect.succeed(Object.fromEntries(entries))
}

const checked = (flag: string, value: string | undefined, scheme: Scheme, values: ReadonlyArray<string>) =>
  value === undefined || values.includes(value)
    ? Effect.succeed(value)
    : Effect.fail(new UsageError({ message: `--${flag} for ${scheme}:// must be one of ${values.join(", ")}` }))

/** The content type `--content-type` names, else the one the file's extension implies. @category utils */
export const contentTypeFor = (flag: string | undefined, path: string): string | undefined =>
  flag ?? mime.getType(path) ?? undefined

/** The attributes an upload of `path` to a `scheme` target is stored with. @category parsers */
export const resolveAttributes = (
  flags: AttributeFlags,
  scheme: Scheme,
  path: string
): Effect.Effect<StoredAttributes, UsageError> =>
  Effect.gen(function* () {
    const storageClass = yield* checked("storage-class", flags.storageClass, scheme, accepted.storageClass[scheme])
    const acl = yield* checked("acl", flags.acl, scheme, accepted.acl[scheme])
    const sse = yield* checked("sse", flags.sse, scheme, accepted.sse[scheme])
    if (flags.sseKmsKeyId !== undefined && sse !== "KMS" && sse !== "aws:kms" && sse !== "aws:kms:dsse") {
      return yield* new UsageError({ message: "--sse-kms-key-id needs --sse KMS (oss://) or --sse aws:kms (s3://)" })
    }
    const metadata = flags.metadata === undefined ? undefined : yield* parseMetadata(flags.metadata)
    const contentType = contentTypeFor(flags.contentType, path)
    return {
      ...(contentType === undefined ? {} : { contentType }),
      ...(metadata === undefined ? {} : { metadata }),
      ...(storageClass === undefined ? {} : { storageClass }),
      ...(acl === undefined ? {} : { acl }),
      ...(sse === undefined ? {} : { serverSideEncryption: sse }),
      ...(flags.sseKmsKeyId === undefined ? {} : { kmsKeyId: flags.sseKmsKeyId })
    }
  })
