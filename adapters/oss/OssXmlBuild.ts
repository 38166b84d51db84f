/**
 * Server side: the OSS multipart response bodies, element for element as in /work/shared/docs/protocol.md §1
 * (declaration, no namespace, OSS element order), for a local OSS-compatible server.
 *
 * Inputs are plain values; escaping happens here. With `encodingType: "url"` (the request said
 * `encoding-type=url`), key fields are URL-encoded and `<EncodingType>url</EncodingType>` is written, which is the
 * only way to carry keys with control characters to a strict XML 1.0 client.
 *
 * @since 0.1.0
 */
import { encodeUrlKey } from "@resumable-upload/http/UriEncoding"
import { presentElements, renderXmlDocument, type XmlElement } from "@resumable-upload/http/XmlText"

/** @category models */
export interface EncodingOption {
  readonly encodingType?: "url"
}

const keyCodec = (options: EncodingOption) => (key: string) =>
  options.encodingType === "url" ? encodeUrlKey(key) : key

const encodingElement = (options: EncodingOption) => presentElements([["EncodingType", options.encodingType]])

const iso = (epochMs: number): string => new Date(epochMs).toISOString()

/** @category models */
export interface InitiateResultInput extends EncodingOption {
  readonly bucket: string
  readonly key: string
  readonly uploadId: string
}

/** @category encoding */
export const buildInitiateResult = (input: InitiateResultInput): string =>
  renderXmlDocument([
    "InitiateMultipartUploadResult",
    [
      ...encodingElement(input),
      ["Bucket", input.bucket],
      ["Key", keyCodec(input)(input.key)],
      ["UploadId", input.uploadId]
    ]
  ])

/** @category models */
export interface PartEntryInput {
  readonly partNumber: number
  readonly lastModifiedMs: number
  /** As returned by UploadPart, quotes included (`"CF3F…"`). */
  readonly etag: string
  readonly sizeBytes: number
  readonly crc64?: bigint
}

/** @category models */
export interface ListPartsResultInput extends EncodingOption {
  readonly bucket: string
  readonly key: string
  readonly uploadId: string
  readonly storageClass?: string
  readonly partNumberMarker: number
  /** Defaults to the last listed part number, else the marker: OSS always sends it, truncated or not. */
  readonly nextPartNumberMarker?: number
  readonly maxParts: number
  readonly isTruncated: boolean
  readonly parts: ReadonlyArray<PartEntryInput>
}

/** @category encoding */
export const buildListPartsResult = (input: ListPartsResultInput): string => {
  const next = input.nextPartNumberMarker ?? input.parts.at(-1)?.partNumber ?? input.partNumberMarker
  const parts = input.parts.map(
    (part): XmlElement => [
      "Part",
      presentElements([
        ["PartNumber", String(part.partNumber)],
        ["LastModified", iso(part.lastModifiedMs)],
        ["ETag", part.etag],
        ["HashCrc64ecma", part.crc64?.toString()],
        ["Size", String(part.sizeBytes)]
      ])
    ]
  )
  return renderXmlDocument([
    "ListPartsResult",
    [
      ...encodingElement(input),
      ["Bucket", input.bucket],
      ["Key", keyCodec(input)(input.key)],
      ["UploadId", input.uploadId],
      ["StorageClass", input.storageClass ?? "Standard"],
      ["PartNumberMarker", String(input.partNumberMarker)],
      ["NextPartNumberMarker", String(next)],
      ["MaxParts", String(input.maxParts)],
      ["IsTruncated", String(input.isTruncated)],
      ...parts
    ]
  ])
}

/** @category models */
export interface UploadEntryInput {
  readonly key: string
  readonly uploadId: string
  readonly initiatedAtMs: number
  readonly storageClass?: string
}

/** @category models */
export interface ListUploadsResultInput extends EncodingOption {
  readonly bucket: string
  /** The request's markers, echoed; empty when absent (OSS writes empty elements). */
  readonly keyMarker: string
  readonly uploadIdMarker: string
  readonly nextKeyMarker: string
  readonly nextUploadIdMarker: string
  readonly delimiter?: string
  readonly prefix?: string
  readonly maxUploads: number
  readonly isTruncated: boolean
  readonly uploads: ReadonlyArray<UploadEntryInput>
}

/** @category encoding */
export const buildListUploadsResult = (input: ListUploadsResultInput): string => {
  const key = keyCodec(input)
  const uploads = input.uploads.map(
    (upload): XmlElement => [
      "Upload",
      [
        ["Key", key(upload.key)],
        ["UploadId", upload.uploadId],
        ["StorageClass", upload.storageClass ?? "Standard"],
        ["Initiated", iso(upload.initiatedAtMs)]
      ]
    ]
  )
  return renderXmlDocument([
    "ListMultipartUploadsResult",
    [
      ...encodingElement(input),
      ["Bucket", input.bucket],
      ["KeyMarker", key(input.keyMarker)],
      ["UploadIdMarker", input.uploadIdMarker],
      ["NextKeyMarker", key(input.nextKeyMarker)],
      ["NextUploadIdMarker", input.nextUploadIdMarker],
      ...presentElements([
        ["Delimiter", input.delimiter === undefined ? undefined : key(input.delimiter)],
        ["Prefix", input.prefix === undefined ? undefined : key(input.prefix)]
      ]),
      ["MaxUploads", String(input.maxUploads)],
      ["IsTruncated", String(input.isTruncated)],
      ...uploads
    ]
  ])
}

/** @category models */
export interface CompleteResultInput extends EncodingOption {
  readonly location: string
  readonly bucket: string
  readonly key: string
  /** The object's ETag, quotes included. */
  readonly etag: string
}

/** @category encoding */
export const buildCompleteResult = (input: CompleteResultInput): string =>
  renderXmlDocument([
    "CompleteMultipartUploadResult",
    [
      ...encodingElement(input),
      ["Location", input.location],
      ["Bucket", input.bucket],
      ["Key", keyCodec(input)(input.key)],
      ["ETag", input.etag]
    ]
  ])
