/**
 * The S3 ListObjects (V1) and ListObjectsV2 answers: `ListBucketResult` in the S3 namespace, element names as in
 * the S3 API reference, lowercase ETags, `STANDARD` storage class, `Owner` in V1 and in V2 under `fetch-owner`.
 * Under `encoding-type=url`, V1 encodes Key, Prefix, Delimiter, Marker and NextMarker; V2 encodes Key, Prefix,
 * Delimiter and StartAfter (the continuation tokens are opaque and stay as they are).
 *
 * @since 0.1.0
 */
import { presentElements, type XmlElement } from "@resumable-upload/http/XmlText"
import { commonPrefixElements, keyText, type ListingDocument, ownerElement } from "./listingDocument.ts"
import { namespaced, s3Etag } from "./s3Xml.ts"

const contents = (document: ListingDocument, withOwner: boolean): ReadonlyArray<XmlElement> => {
  const key = keyText(document)
  return document.page.contents.map(
    (entry): XmlElement => [
      "Contents",
      [
        ["Key", key(entry.key)],
        ["LastModified", new Date(entry.modifiedAtMs).toISOString()],
        ["ETag", s3Etag(entry.etag)],
        ["Size", String(entry.sizeBytes)],
        ["StorageClass", entry.storageClass ?? "STANDARD"],
        ...(withOwner ? [ownerElement] : [])
      ]
    ]
  )
}

const v1 = (document: ListingDocument): ReadonlyArray<XmlElement> => {
  const key = keyText(document)
  const { delimiter, page } = document
  const hasDelimiter = delimiter !== undefined && delimiter !== ""
  return [
    ["Name", document.bucket],
    ["Prefix", key(document.prefix)],
    ["Marker", key(document.marker ?? "")],
    ["MaxKeys", String(document.maxKeys)],
    ...presentElements([
      ["Delimiter", hasDelimiter ? key(delimiter) : undefined],
      ["EncodingType", document.encodingType]
    ]),
    ["IsTruncated", String(page.isTruncated)],
    // S3 sends NextMarker only with a delimiter; without one the last key is the next marker.
    ...presentElements([["NextMarker", hasDelimiter && page.isTruncated ? key(page.last ?? "") : undefined]]),
    ...contents(document, true),
    ...commonPrefixElements(document)
  ]
}

const v2 = (document: ListingDocument): ReadonlyArray<XmlElement> => {
  const key = keyText(document)
  const { delimiter, page } = document
  return [
    ["Name", document.bucket],
    ["Prefix", key(document.prefix)],
    ["MaxKeys", String(document.maxKeys)],
    ["KeyCount", String(page.contents.length + page.commonPrefixes.length)],
    ...presentElements([
      ["Delimiter", delimiter === undefined || delimiter === "" ? undefined : key(delimiter)],
      ["EncodingType", document.encodingType],
      ["ContinuationToken", document.continuationToken],
      ["StartAfter", document.startAfter === undefined ? undefined : key(document.startAfter)]
    ]),
    ["IsTruncated", String(page.isTruncated)],
    ...presentElements([["NextContinuationToken", document.nextContinuationToken]]),
    ...contents(document, document.fetchOwner),
    ...commonPrefixElements(document)
  ]
}

/** @category encoding */
export const s3ListingXml = (document: ListingDocument): string =>
  namespaced(["ListBucketResult", document.version === 2 ? v2(document) : v1(document)])
