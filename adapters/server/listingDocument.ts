/**
 * What a ListObjects answer says, in either version and dialect: the request's echo (prefix, delimiter, marker or
 * start-after and token, max-keys, encoding) and the page (objectListing.ts). s3ListingXml.ts and
 * ossListingXml.ts render it.
 *
 * @since 0.1.0
 */
import { encodeUrlKey } from "@resumable-upload/http/UriEncoding"
import type { XmlElement } from "@resumable-upload/http/XmlText"
import type { ListPage } from "./objectListing.ts"

/** @category models */
export interface ListingDocument {
  readonly bucket: string
  readonly version: 1 | 2
  readonly prefix: string
  readonly delimiter?: string
  readonly maxKeys: number
  /** V1 `marker`, as sent. */
  readonly marker?: string
  /** V2 `start-after`, as sent. */
  readonly startAfter?: string
  /** V2 `continuation-token`, as sent. */
  readonly continuationToken?: string
  /** V2: the token of the next page, when truncated. */
  readonly nextContinuationToken?: string
  /** V2 `fetch-owner=true` (V1 always lists owners). */
  readonly fetchOwner: boolean
  readonly encodingType?: "url"
  readonly page: ListPage
}

/** Keys, prefixes, delimiter and markers as the answer writes them: URL-encoded under `encoding-type=url`. @category utils */
export const keyText =
  (document: ListingDocument) =>
  (text: string): string =>
    document.encodingType === "url" ? encodeUrlKey(text) : text

/** The one owner every local object has. @category constants */
export const localOwner = { id: "local", displayName: "local" } as const

/** The `Owner` element both dialects write for it. @category constants */
export const ownerElement: XmlElement = [
  "Owner",
  [
    ["ID", localOwner.id],
    ["DisplayName", localOwner.displayName]
  ]
]

/** The page's `CommonPrefixes`, one element per prefix, in both dialects. @category utils */
export const commonPrefixElements = (document: ListingDocument): ReadonlyArray<XmlElement> =>
  document.page.commonPrefixes.map((prefix): XmlElement => ["CommonPrefixes", [["Prefix", keyText(document)(prefix)]]])
