/**
 * `-u/--skip-unchanged`: whether a file's object is already on the store as the file is, in the manner of
 * `aws s3 sync` and `ossutil cp -u` but stricter about content. Each uploaded object carries its file's mtime as
 * user metadata (`mtime`, seconds as rclone writes it); an object of the same size with the same mtime is unchanged
 * without reading the file. Otherwise the file is read once and compared by content: with the CRC-64 the store
 * reports (OSS), else with a single-part ETag (the MD5 of the bytes). An object that says neither (an S3 multipart
 * object without the mtime) counts as changed, so `-u` never skips a file it cannot vouch for.
 *
 * @since 0.2.0
 */

import { createHash } from "node:crypto"
import { createReadStream } from "node:fs"
import * as Crc64 from "@resumable-upload/core/Crc64"
import { normalizeEtag, type ObjectInfo } from "@resumable-upload/core/ports/ObjectStore"
import * as Effect from "effect/Effect"

/** The metadata name the file's mtime travels in (`x-oss-meta-mtime` / `x-amz-meta-mtime`). @category constants */
export const mtimeMetadataName = "mtime"

/** A file's mtime as it is stored: seconds with millisecond precision, e.g. `1765151234.567`. @category formatters */
export const formatMtime = (mtimeMs: number): string => (Math.round(mtimeMs) / 1000).toFixed(3)

/** @category models */
export type Verdict =
  | { readonly _tag: "Upload"; readonly why: "missing" | "size" | "content" | "unverifiable" }
  | { readonly _tag: "Unchanged"; readonly by: "mtime" | "crc64" | "etag" }

interface LocalFile {
  readonly path: string
  readonly sizeBytes: number
  readonly mtimeMs: number
}

/** MD5 and CRC-64 of a file, streamed so a large file costs no memory. */
const digestFile = (path: string): Effect.Effect<{ readonly md5Hex: string; readonly crc64: bigint }, unknown> =>
  Effect.tryPromise(async () => {
    const md5 = createHash("md5")
    let crc = 0n
    for await (const chunk of createReadStream(path, { highWaterMark: 1024 * 1024 })) {
      md5.update(chunk as Buffer)
      crc = Crc64.compute(chunk as Buffer, crc)
    }
    return { md5Hex: md5.digest("hex"), crc64: crc }
  })

/** Compares `file` with what `head` found at its key (`undefined`: no object). @category utils */
export const compare = (file: LocalFile, remote: ObjectInfo | undefined): Effect.Effect<Verdict> =>
  Effect.gen(function* () {
    if (remote === undefined) return { _tag: "Upload", why: "missing" } as const
    if (remote.sizeBytes !== file.sizeBytes) return { _tag: "Upload", why: "size" } as const
    if (remote.metadata?.[mtimeMetadataName] === formatMtime(file.mtimeMs)) {
      return { _tag: "Unchanged", by: "mtime" } as const
    }
    const etag = normalizeEtag(remote.etag)
    const singlePart = /^[0-9a-f]{32}$/.test(etag)
    if (remote.crc64 === undefined && !singlePart) return { _tag: "Upload", why: "unverifiable" } as const
    // A file that cannot be read is uploaded, so the upload reports why, with the rest of the batch's failures.
    const read = yield* Effect.result(digestFile(file.path))
    if (read._tag === "Failure") return { _tag: "Upload", why: "content" } as const
    const local = read.success
    if (remote.crc64 !== undefined) {
      return BigInt.asUintN(64, remote.crc64) === BigInt.asUintN(64, local.crc64)
        ? ({ _tag: "Unchanged", by: "crc64" } as const)
        : ({ _tag: "Upload", why: "content" } as const)
    }
    return etag === local.md5Hex
      ? ({ _tag: "Unchanged", by: "etag" } as const)
      : ({ _tag: "Upload", why: "content" } as const)
  })
