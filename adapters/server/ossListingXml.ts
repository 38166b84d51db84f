/**
 * The OSS GetBucket (ListObjects) and ListObjectsV2 (`list-type=2`) answers: `ListBucketResult` without a
 * namespace, element names and order as in the OSS API reference, uppercase ETags, `Type` (Normal or Multipart),
 * `Standard` storage class, `Owner` in V1 and in V2 under `fetch-owner=true`. Under `encoding-type=url` the
 * Delimiter, Marker/StartAfter, Prefix, NextMarker and Key are URL-encoded.
 *
 * @since 0.1.0
 */
import { presentElements, renderXmlDocument, type XmlElement } from "@resumable-upload/http/XmlText"
import { commonPrefixElements, keyText, type ListingDocument, ownerElement } from "./listingDocument.ts"

const contents = (document: ListingDocument, withOwner: boolean): ReadonlyArray<XmlElement> => {
  const key = keyText(document)
  return document.page.contents.map(
    (entry): XmlElement => [
      "Contents",
      [
        ["Key", key(entry.key)],
        ["LastModified", new Date(entry.modifiedAtMs).toISOString()],
        ["ETag", entry.etag],
        ["Type", entry.etag.includes("-") ? "Multipart" : "Normal"],
        ["Size", String(entry.sizeBytes)],
        ["StorageClass", entry.storageClass ?? "Standard"],
        ...(withOwner ? [ownerElement] : [])
      ]
    ]
  )
}

const v1 = (document: ListingDocument): ReadonlyArray<XmlElement> => {
  const key = keyText(document)
  const { page } = document
  return [
    ["Name", document.bucket],
    ["Prefix", key(document.prefix)],
    ["Marker", key(document.marker ?? "")],
    ["MaxKeys", String(document.maxKeys)],
    ["Delimiter", key(document.delimiter ?? "")],
    ...presentElements([["EncodingType", document.encodingType]]),
    ["IsTruncated", String(page.isTruncated)],
    // OSS sends NextMarker whenever the listing is truncated, delimiter or not.
    ...presentElements([["NextMarker", page.isTruncated ? key(page.last ?? "") : undefined]]),
    ...contents(document, true),
    ...commonPrefixElements(document)
  ]
}

const v2 = (document: ListingDocument): ReadonlyArray<XmlElement> => {
  const key = keyText(document)
  const { page } = document
  return [
    ["Name", document.bucket],
    ["Prefix", key(document.prefix)],
    ...presentElements([
      ["StartAfter", document.startAfter === undefined ? undefined : key(document.startAfter)],
      ["ContinuationToken", document.continuationToken]
    ]),
    ["MaxKeys", String(document.maxKeys)],
    ["Delimiter", key(document.delimiter ?? "")],
    ...presentElements([["EncodingType", document.encodingType]]),
    ["IsTruncated", String(page.isTruncated)],
    ...presentElements([["NextContinuationToken", document.nextContinuationToken]]),
    ["KeyCount", String(page.contents.length + page.commonPrefixes.length)],
    ...contents(document, document.fetchOwner),
    ...commonPrefixElements(document)
  ]
}

/** @category encoding */
export const ossListingXml = (document: ListingDocument): string =>
  renderXmlDocument(["ListBucketResult", document.version === 2 ? v2(document) : v1(document)])
