/**
 * Pagination of ListParts and ListMultipartUploads for the multipart model.
 *
 * Pure functions over already-collected entries, kept apart from the model's state so the marker rules of
 * protocol.md §1.5–§1.6 can be read (and tested through the model) in one place.
 *
 * @since 0.1.0
 */

import { compareCodePoints } from "@resumable-upload/core/CodePointOrder"
import type { ListedPart, ListedUpload, PartsPage, UploadsPage } from "@resumable-upload/core/ports/ObjectStore"
import { fail, invalidArgument, type ModelResult, ok } from "./modelErrors.ts"

/**
 * The page size to use: the request's, clamped to `max` (as S3 does for `max-parts=5000`); `max` when absent.
 * Zero, negative or fractional sizes are an `InvalidArgument`.
 *
 * @category utils
 */
export const pageSize = (argumentName: string, requested: number | undefined, max: number): ModelResult<number> => {
  if (requested === undefined) return ok(max)
  if (!Number.isInteger(requested) || requested < 1) {
    return fail(
      invalidArgument(argumentName, String(requested), `${argumentName} must be an integer between 1 and ${max}.`)
    )
  }
  return ok(Math.min(requested, max))
}

/** One page of parts, which must be sorted by part number; `marker` is exclusive. @category utils */
export const pageOfParts = (sortedParts: ReadonlyArray<ListedPart>, marker: number, size: number): PartsPage => {
  const after = sortedParts.filter((part) => part.partNumber > marker)
  const parts = after.slice(0, size)
  const last = parts.at(-1)
  const isTruncated = after.length > size
  return isTruncated && last !== undefined
    ? { parts, isTruncated, nextPartNumberMarker: last.partNumber }
    : { parts, isTruncated: false }
}

/** @category models */
export interface UploadsQuery {
  readonly prefix?: string
  readonly keyMarker?: string
  readonly uploadIdMarker?: string
}

/**
 * One page of uploads, which must be sorted by key and then by upload id (= initiation order). Without
 * `uploadIdMarker` only keys after `keyMarker` are listed; with it, later uploads of `keyMarker` itself come first.
 * Empty markers count as absent, as they do in a query string; `uploadIdMarker` without `keyMarker` is ignored.
 *
 * @category utils
 */
export const pageOfUploads = (
  sortedUploads: ReadonlyArray<ListedUpload>,
  query: UploadsQuery,
  size: number
): UploadsPage => {
  const { keyMarker, prefix, uploadIdMarker } = query
  const isAfterMarker = (upload: ListedUpload): boolean => {
    if (keyMarker === undefined || keyMarker === "") return true
    const byKey = compareCodePoints(upload.key, keyMarker)
    if (byKey !== 0 || uploadIdMarker === undefined || uploadIdMarker === "") return byKey > 0
    return compareCodePoints(upload.uploadId, uploadIdMarker) > 0
  }
  const after = sortedUploads.filter((u) => (prefix === undefined || u.key.startsWith(prefix)) && isAfterMarker(u))
  const uploads = after.slice(0, size)
  const last = uploads.at(-1)
  const isTruncated = after.length > size
  return isTruncated && last !== undefined
    ? { uploads, isTruncated, nextKeyMarker: last.key, nextUploadIdMarker: last.uploadId }
    : { uploads, isTruncated: false }
}
