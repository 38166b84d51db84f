/**
 * The flags of `cp` and its aliases `put` and `get`, one set for all three so a habit from one works in the others:
 * the store flags, the upload's tuning (`--part-size`, `--parallel`, …) and the object's attributes
 * (ObjectAttributes.ts). Each description names its default, since effect/cli prints none.
 *
 * @since 0.2.0
 */
import * as Flag from "effect/cli/Flag"
import { accepted } from "./ObjectAttributes.ts"
import { checkpointDir, json, optional, storeFlags } from "./SharedFlags.ts"

// biome-ignore lint/suspicious/noTemplateCurlyInString: OSS callback variables, substituted by the store
const callbackBodyDefault = "bucket=${bucket}&object=${object}&etag=${etag}&size=${size}"

const both = (values: { readonly oss: ReadonlyArray<string>; readonly s3: ReadonlyArray<string> }) =>
  `oss:// ${values.oss.join("|")}; s3:// ${values.s3.join("|")}`

/** The object attributes an upload sets (ignored by downloads, which refuse them). */
export const attributeFlags = {
  contentType: optional(
    Flag.String("content-type").pipe(
      Flag.withDescription("the object's Content-Type (default: guessed from the file's extension, else the store's)")
    )
  ),
  metadata: optional(
    Flag.String("metadata").pipe(
      Flag.withDescription("user metadata as name=value pairs, e.g. k=v,k2=v2 (sent as x-oss-meta-* / x-amz-meta-*)")
    )
  ),
  storageClass: optional(
    Flag.String("storage-class").pipe(
      Flag.withDescription(`storage class (default: the bucket's): ${both(accepted.storageClass)}`)
    )
  ),
  acl: optional(
    Flag.String("acl").pipe(Flag.withDescription(`canned ACL (default: the bucket's): ${both(accepted.acl)}`))
  ),
  sse: optional(
    Flag.String("sse").pipe(
      Flag.withDescription(`server-side encryption (default: the bucket's): ${both(accepted.sse)}`)
    )
  ),
  sseKmsKeyId: optional(
    Flag.String("sse-kms-key-id").pipe(
      Flag.withDescription("the KMS key for --sse KMS / aws:kms (default: the store's default key)")
    )
  )
}

/** Every flag of `cp`, `put` and `get`. */
export const transferFlags = {
  ...storeFlags,
  ...attributeFlags,
  partSize: optional(
    Flag.String("part-size").pipe(Flag.withDescription("part size, e.g. 8MiB (default 8 MiB, grown past 10,000 parts)"))
  ),
  parallel: Flag.Int("parallel").pipe(
    Flag.withDefault(3),
    Flag.withDescription("parts in flight (and in memory) at once, 1 to 64 (default 3)")
  ),
  hashWorkers: optional(
    Flag.Int("hash-workers").pipe(
      Flag.withDescription("uploads: worker threads hashing parts, 0 to 8; 0 hashes on the main thread (default: auto)")
    )
  ),
  checkpointDir,
  keepOnCancel: Flag.Boolean("keep-on-cancel").pipe(
    Flag.withDefault(false),
    Flag.withDescription("on SIGTERM keep the upload and checkpoint (default: abort the upload, delete both)")
  ),
  onUnresumable: Flag.Literals("on-unresumable", ["restart", "fail"]).pipe(
    Flag.withDefault("restart" as const),
    Flag.withDescription("when the checkpoint no longer fits the file or the store: start over (default) or fail")
  ),
  callbackUrl: optional(Flag.String("callback-url").pipe(Flag.withDescription("OSS upload callback URL"))),
  callbackBody: Flag.String("callback-body").pipe(
    Flag.withDefault(callbackBodyDefault),
    Flag.withDescription(`body OSS posts to --callback-url, its variables filled in (default ${callbackBodyDefault})`)
  ),
  json,
  follow: Flag.Boolean("follow").pipe(
    Flag.withDefault(false),
    Flag.withDescription(
      "uploads: follow a file that is still being written, sending each part as soon as its bytes exist, and finish when it stops growing (--idle-timeout) or a marker appears (--until-exists)"
    )
  ),
  idleTimeout: optional(
    Flag.String("idle-timeout").pipe(
      Flag.withDescription(
        "with --follow: finish once the file has not grown for this long, e.g. 10s, 2m (default 10s; with --until-exists, off unless given)"
      )
    )
  ),
  untilExists: optional(
    Flag.String("until-exists").pipe(
      Flag.withDescription("with --follow: finish once this path exists (the writer's done marker)")
    )
  ),
  generate: optional(
    Flag.String("generate").pipe(
      Flag.withDescription("uploads: create the file with this many random bytes if it is missing, e.g. 256MiB")
    )
  )
}
