/**
 * The multipart rules, on metadata only: part-number range, size limits, Content-MD5, which parts a Complete takes,
 * its checks and the resulting ETag and CRC-64, and the ListParts / ListMultipartUploads pages. No bytes and no
 * state: the simulator's in-memory {@link MultipartModel} and the local server's disk storage both call these, so
 * the two cannot disagree on a result, an error or an ETag.
 *
 * Complete's checks run in the order protocol.md §1.3 implies: header misuse, empty list (`MalformedXML`), order
 * (`InvalidPartOrder`), existence and ETag (`InvalidPart`), then sizes (`EntityTooSmall`, `EntityTooLarge`). Each
 * check runs over the whole list before the next, so a list that is both unordered and wrong reports the order.
 *
 * @since 0.1.0
 */
import { compareCodePoints } from "@resumable-upload/core/CodePointOrder"
import * as Crc64 from "@resumable-upload/core/Crc64"
import type { Dialect, DialectLimits } from "@resumable-upload/core/Limits"
import {
  type CompletedPart,
  type ListedPart,
  type ListedUpload,
  normalizeEtag,
  type PartsPage,
  type StoredChecksums,
  type UploadsPage
} from "@resumable-upload/core/ports/ObjectStore"
import * as Errors from "./modelErrors.ts"
import { fail, type ModelResult, ok } from "./modelErrors.ts"
import { pageOfParts, pageOfUploads, pageSize } from "./modelListing.ts"
import type { ListPartsInput, ListUploadsInput } from "./modelRequests.ts"
import { decodeContentMd5, multipartEtag, sameDigest } from "./multipartEtag.ts"

/** What the rules need of a stored part or object: its size and digests. @category models */
export interface PartFacts {
  readonly sizeBytes: number
  readonly md5: Uint8Array
  /** Quoted hex MD5, in the dialect's case. */
  readonly etag: string
  readonly crc64: bigint
}

/** @category models */
export type NumberedFacts<P extends PartFacts> = readonly [partNumber: number, part: P]

/** UploadPart's part number: an integer 1 … `partCountMax`. @category utils */
export const checkPartNumber = (limits: DialectLimits, partNumber: number): ModelResult<void> =>
  Number.isInteger(partNumber) && partNumber >= 1 && partNumber <= limits.partCountMax
    ? ok(undefined)
    : fail(
        Errors.invalidArgument(
          "PartNumber",
          String(partNumber),
          `Part number must be an integer between 1 and ${limits.partCountMax}, inclusive.`
        )
      )

/** A `Content-MD5` header decoded; malformed is refused before the body is read. @category utils */
export const checkContentMd5 = (md5Base64: string | undefined): ModelResult<Uint8Array | undefined> => {
  if (md5Base64 === undefined) return ok(undefined)
  const expected = decodeContentMd5(md5Base64)
  return expected === undefined ? fail(Errors.malformedDigest()) : ok(expected)
}

/** A part or simple object larger than one part may be. @category utils */
export const checkBodySize = (limits: DialectLimits, sizeBytes: number): ModelResult<void> =>
  sizeBytes > limits.partSizeBytesMax ? fail(Errors.entityTooLarge(sizeBytes, limits.partSizeBytesMax)) : ok(undefined)

/** The body's MD5 held to its `Content-MD5`, once the body is read. @category utils */
export const checkDigest = (
  expected: Uint8Array | undefined,
  digest: Uint8Array,
  dialect: Dialect
): ModelResult<void> =>
  expected !== undefined && !sameDigest(expected, digest) ? fail(Errors.digestMismatch(dialect)) : ok(undefined)

/** What a Complete request asks for, as far as the rules care. @category models */
export interface CompleteAsk {
  readonly parts: ReadonlyArray<CompletedPart>
  readonly completeAll?: boolean
}

/** Header misuse is a property of the request alone, so it is reported before the upload is looked up. @category utils */
export const checkCompleteHeaders = (dialect: Dialect, ask: CompleteAsk): ModelResult<void> => {
  if (ask.completeAll === true && dialect === "s3") {
    return fail(Errors.invalidArgument("x-oss-complete-all", "yes", "S3 has no complete-all option."))
  }
  if (ask.completeAll === true && ask.parts.length > 0) {
    return fail(
      Errors.invalidArgument("x-oss-complete-all", "yes", "Should not speficy both complete all header and http body.")
    )
  }
  return ok(undefined)
}

/** The uploaded parts a Complete names, in its order, or with complete-all every part ascending. @category utils */
export const chooseParts = <P extends PartFacts>(
  uploaded: ReadonlyMap<number, P>,
  ask: CompleteAsk
): ModelResult<ReadonlyArray<NumberedFacts<P>>> => {
  if (ask.completeAll === true) {
    // OSS's answer for an upload without parts is undocumented; refusing it keeps a zero-part "object" from hiding a
    // client bug.
    if (uploaded.size === 0) return fail(Errors.invalidPart(0))
    return ok([...uploaded.entries()].sort(([a], [b]) => a - b))
  }
  const listed = ask.parts
  if (listed.length === 0) return fail(Errors.malformedXml())
  for (let i = 1; i < listed.length; i++) {
    // Strictly ascending: a repeated number is an order error too.
    if ((listed[i]?.partNumber ?? 0) <= (listed[i - 1]?.partNumber ?? 0)) return fail(Errors.invalidPartOrder())
  }
  const parts: Array<NumberedFacts<P>> = []
  for (const { etag, partNumber } of listed) {
    const part = uploaded.get(partNumber)
    if (part === undefined || normalizeEtag(part.etag) !== normalizeEtag(etag)) {
      return fail(Errors.invalidPart(partNumber))
    }
    parts.push([partNumber, part])
  }
  return ok(parts)
}

/** The object a Complete makes, before any byte moves. @category models */
export interface AssembledFacts {
  readonly sizeBytes: number
  readonly etag: string
  readonly crc64: bigint
}

/** Part and object sizes checked, then the object's size, ETag and CRC-64 (by combining the parts'). @category utils */
export const assembleFacts = (
  dialect: Dialect,
  limits: DialectLimits,
  parts: ReadonlyArray<NumberedFacts<PartFacts>>
): ModelResult<AssembledFacts> => {
  // Only parts before the last must reach the minimum; a single part may be any size.
  for (const [i, [partNumber, part]] of parts.entries()) {
    if (i < parts.length - 1 && part.sizeBytes < limits.partSizeBytesMin) {
      return fail(Errors.entityTooSmall(partNumber, part.sizeBytes, limits.partSizeBytesMin))
    }
  }
  const sizeBytes = parts.reduce((sum, [, part]) => sum + part.sizeBytes, 0)
  if (sizeBytes > limits.objectSizeBytesMax) return fail(Errors.entityTooLarge(sizeBytes, limits.objectSizeBytesMax))
  let crc64 = 0n
  for (const [, part] of parts) crc64 = Crc64.combine(crc64, part.crc64, part.sizeBytes)
  const etag = multipartEtag(
    dialect,
    parts.map(([, part]) => part.md5)
  )
  return ok({ sizeBytes, etag, crc64 })
}

/** The checksums a dialect's store reports: OSS adds the CRC-64. @category utils */
export const checksumsIn = (
  dialect: Dialect,
  stored: { readonly etag: string; readonly crc64: bigint }
): StoredChecksums => (dialect === "oss" ? { etag: stored.etag, crc64: stored.crc64 } : { etag: stored.etag })

/**
 * One ListParts page of an upload's parts; `find` looks the upload up after the arguments are checked, so a bad
 * marker is reported even for a gone upload.
 *
 * @category utils
 */
export const partsPage = (
  dialect: Dialect,
  limits: DialectLimits,
  request: ListPartsInput,
  find: () => ModelResult<ReadonlyMap<number, PartFacts>>
): ModelResult<PartsPage> => {
  const marker = request.partNumberMarker ?? 0
  if (!Number.isInteger(marker) || marker < 0) {
    return fail(Errors.invalidArgument("part-number-marker", String(marker), "Invalid part-number-marker."))
  }
  const size = pageSize("max-parts", request.maxParts, limits.listPageSizeMax)
  if (!size.ok) return size
  const uploaded = find()
  if (!uploaded.ok) return uploaded
  const listed = [...uploaded.value.entries()]
    .sort(([a], [b]) => a - b)
    .map(([partNumber, part]): ListedPart => ({ partNumber, sizeBytes: part.sizeBytes, ...checksumsIn(dialect, part) }))
  return ok(pageOfParts(listed, marker, size.value))
}

/** One ListMultipartUploads page of a bucket's uploads, from all live uploads in any order. @category utils */
export const uploadsPage = (
  limits: DialectLimits,
  request: ListUploadsInput,
  uploads: Iterable<ListedUpload & { readonly bucket: string }>
): ModelResult<UploadsPage> => {
  const size = pageSize("max-uploads", request.maxUploads, limits.listPageSizeMax)
  if (!size.ok) return size
  const sorted = [...uploads]
    .filter((upload) => upload.bucket === request.bucket)
    .map(({ initiatedAtMs, key, uploadId }): ListedUpload => ({ key, uploadId, initiatedAtMs }))
    .sort((a, b) => compareCodePoints(a.key, b.key) || compareCodePoints(a.uploadId, b.uploadId))
  return ok(pageOfUploads(sorted, request, size.value))
}
