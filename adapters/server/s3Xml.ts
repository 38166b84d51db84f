/**
 * The S3 dialect's response bodies: the multipart results with the S3 namespace on their root element, S3 element
 * names and order (`STANDARD` storage class, `Initiator`/`Owner`), lowercase ETags, and the `<Error>` document
 * (no namespace, `Resource` and `RequestId`/`HostId` last), as in the S3 API reference.
 *
 * The inputs are the OSS builders' (adapters/oss/OssXmlBuild.ts), so a handler fills one value for either dialect.
 *
 * @since 0.1.0
 */

import { encodeUrlKey } from "@resumable-upload/http/UriEncoding"
import { presentElements, renderXmlDocument, type XmlElement } from "@resumable-upload/http/XmlText"
import type {
  CompleteResultInput,
  EncodingOption,
  InitiateResultInput,
  ListPartsResultInput,
  ListUploadsResultInput
} from "@resumable-upload/oss/OssXmlBuild"
import type { ModelError } from "@resumable-upload/sim/MultipartModel"

/** @category constants */
export const s3Namespace = "http://s3.amazonaws.com/doc/2006-03-01/"

/** The local server's one owner, for `Initiator` and `Owner`. */
const owner = (name: string): XmlElement => [
  name,
  [
    ["ID", "local"],
    ["DisplayName", "local"]
  ]
]

/** A document whose root element carries the S3 namespace (the renderer writes no attributes itself). @category encoding */
export const namespaced = (root: XmlElement): string =>
  renderXmlDocument(root).replace(`<${root[0]}>`, `<${root[0]} xmlns="${s3Namespace}">`)

/** S3 ETags are lowercase hex; the shared model keeps OSS's uppercase. @category utils */
export const s3Etag = (etag: string): string => etag.toLowerCase()

const keyOf = (options: EncodingOption) => (key: string) => (options.encodingType === "url" ? encodeUrlKey(key) : key)
const encoding = (options: EncodingOption) => presentElements([["EncodingType", options.encodingType]])
const iso = (epochMs: number): string => new Date(epochMs).toISOString()

/** @category encoding */
export const initiateResult = (input: InitiateResultInput): string =>
  namespaced([
    "InitiateMultipartUploadResult",
    [["Bucket", input.bucket], ["Key", keyOf(input)(input.key)], ["UploadId", input.uploadId], ...encoding(input)]
  ])

/** @category encoding */
export const listPartsResult = (input: ListPartsResultInput): string => {
  const parts = input.parts.map(
    (part): XmlElement => [
      "Part",
      [
        ["PartNumber", String(part.partNumber)],
        ["LastModified", iso(part.lastModifiedMs)],
        ["ETag", s3Etag(part.etag)],
        ["Size", String(part.sizeBytes)]
      ]
    ]
  )
  return namespaced([
    "ListPartsResult",
    [
      ["Bucket", input.bucket],
      ["Key", keyOf(input)(input.key)],
      ["UploadId", input.uploadId],
      ["PartNumberMarker", String(input.partNumberMarker)],
      [
        "NextPartNumberMarker",
        String(input.nextPartNumberMarker ?? input.parts.at(-1)?.partNumber ?? input.partNumberMarker)
      ],
      ["MaxParts", String(input.maxParts)],
      ["IsTruncated", String(input.isTruncated)],
      ...parts,
      owner("Initiator"),
      owner("Owner"),
      ["StorageClass", "STANDARD"]
    ]
  ])
}

/** @category encoding */
export const listUploadsResult = (input: ListUploadsResultInput): string => {
  const key = keyOf(input)
  const uploads = input.uploads.map(
    (upload): XmlElement => [
      "Upload",
      [
        ["Key", key(upload.key)],
        ["UploadId", upload.uploadId],
        owner("Initiator"),
        owner("Owner"),
        ["StorageClass", "STANDARD"],
        ["Initiated", iso(upload.initiatedAtMs)]
      ]
    ]
  )
  return namespaced([
    "ListMultipartUploadsResult",
    [
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
      ...uploads,
      ...encoding(input)
    ]
  ])
}

/** @category encoding */
export const completeResult = (input: CompleteResultInput): string =>
  namespaced([
    "CompleteMultipartUploadResult",
    [
      ["Location", input.location],
      ["Bucket", input.bucket],
      ["Key", keyOf(input)(input.key)],
      ["ETag", s3Etag(input.etag)],
      ...encoding(input)
    ]
  ])

const xmlName = /^[A-Za-z_][A-Za-z0-9._-]*$/
const envelope = new Set(["Code", "Message", "Resource", "RequestId", "HostId"])

/** An S3 `<Error>`: the error's extra elements after `Message`, then `Resource`, `RequestId`, `HostId`. @category encoding */
export const errorDocument = (error: ModelError, resource: string, requestId: string, hostId: string): string =>
  renderXmlDocument([
    "Error",
    [
      ["Code", error.code],
      ["Message", error.message],
      ...Object.entries(error.extra ?? {})
        .filter(([name]) => xmlName.test(name) && !envelope.has(name))
        .map(([name, value]): XmlElement => [name, value]),
      ["Resource", resource],
      ["RequestId", requestId],
      ["HostId", hostId]
    ]
  ])
