/**
 * The bucket-level answers of both dialects: ListBuckets (`ListAllMyBucketsResult`), GetBucketLocation
 * (`LocationConstraint`) and DeleteObjects (`DeleteResult`). S3's carry the S3 namespace and, for a us-east-1
 * bucket, an empty LocationConstraint; OSS's have no namespace, OSS's per-bucket fields and `oss-<region>`.
 *
 * @since 0.1.0
 */
import type { Dialect } from "@resumable-upload/core/Limits"
import { encodeUrlKey } from "@resumable-upload/http/UriEncoding"
import { renderXmlDocument, type XmlElement } from "@resumable-upload/http/XmlText"
import { ownerElement } from "./listingDocument.ts"
import { namespaced } from "./s3Xml.ts"

/** @category models */
export interface ListedBucket {
  readonly name: string
  readonly createdAtMs: number
}

const iso = (epochMs: number): string => new Date(epochMs).toISOString()

/** `region` is the OSS region without `oss-` (`cn-hangzhou`); `host` is this server's `host:port`. @category encoding */
export const listBucketsXml = (
  dialect: Dialect,
  buckets: ReadonlyArray<ListedBucket>,
  region: string,
  host: string
): string => {
  if (dialect === "s3") {
    const listed = buckets.map(
      (bucket): XmlElement => [
        "Bucket",
        [
          ["Name", bucket.name],
          ["CreationDate", iso(bucket.createdAtMs)]
        ]
      ]
    )
    return namespaced(["ListAllMyBucketsResult", [ownerElement, ["Buckets", listed]]])
  }
  const listed = buckets.map(
    (bucket): XmlElement => [
      "Bucket",
      [
        ["CreationDate", iso(bucket.createdAtMs)],
        ["ExtranetEndpoint", host],
        ["IntranetEndpoint", host],
        ["Location", `oss-${region}`],
        ["Name", bucket.name],
        ["Region", region],
        ["StorageClass", "Standard"]
      ]
    ]
  )
  return renderXmlDocument(["ListAllMyBucketsResult", [ownerElement, ["Buckets", listed]]])
}

/** S3: empty, which clients read as us-east-1 (the region this server's S3 dialect claims). @category encoding */
export const locationXml = (dialect: Dialect, region: string): string =>
  dialect === "s3" ? namespaced(["LocationConstraint", ""]) : renderXmlDocument(["LocationConstraint", `oss-${region}`])

/** @category models */
export interface DeleteOutcome {
  readonly key: string
  /** Set when this key could not be deleted. */
  readonly error?: { readonly code: string; readonly message: string }
}

/** `quiet`: only the failures are listed. @category encoding */
export const deleteResultXml = (
  dialect: Dialect,
  outcomes: ReadonlyArray<DeleteOutcome>,
  quiet: boolean,
  encodingType: "url" | undefined
): string => {
  const key = (text: string) => (encodingType === "url" ? encodeUrlKey(text) : text)
  const elements = outcomes
    .filter((outcome) => !quiet || outcome.error !== undefined)
    .map(
      (outcome): XmlElement =>
        outcome.error === undefined
          ? ["Deleted", [["Key", key(outcome.key)]]]
          : [
              "Error",
              [
                ["Key", key(outcome.key)],
                ["Code", outcome.error.code],
                ["Message", outcome.error.message]
              ]
            ]
    )
  const encoding: ReadonlyArray<XmlElement> = encodingType === undefined ? [] : [["EncodingType", encodingType]]
  return dialect === "s3"
    ? namespaced(["DeleteResult", [...elements, ...encoding]])
    : renderXmlDocument(["DeleteResult", [...encoding, ...elements]])
}
