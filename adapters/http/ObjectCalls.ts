/**
 * The `ObjectStore` operations OSS and S3 send alike, over a {@link ./StoreCall.ts} transport: the same methods,
 * sub-resources and XML answers (read with {@link ./XmlParse.ts}, which ignores S3's namespace and extra
 * elements). The dialects differ here only by their header prefix (`x-oss-meta-…`, `x-amz-meta-…`) and by the
 * checksums their answers carry; Complete, where they differ most, stays in each dialect.
 *
 * The stored attributes (storage class, ACL, server-side encryption) go as headers on Initiate and PutObject only:
 * parts inherit them from the upload.
 *
 * Every part and PutObject body goes with its `Content-MD5`, and the answer's ETag is handed to the engine, which
 * compares it with what it sent. `initiate`, `uploadPart` and `putObject` take the dialect's extra headers (S3's
 * CRC-64/NVME checksums) as an optional second argument.
 *
 * @since 0.1.0
 */

import type {
  InitiateRequest,
  ObjectStoreError,
  ObjectStoreShape,
  PutObjectRequest,
  StoredChecksums,
  UploadPartRequest
} from "@resumable-upload/core/ports/ObjectStore"
import * as Effect from "effect/Effect"
import {
  etagOf,
  malformed,
  optionalQuery,
  requireEtag,
  type StoreAnswer,
  type StoreTransport,
  textOf
} from "./StoreCall.ts"
import * as Xml from "./XmlParse.ts"

/** @category models */
export interface ObjectCallsConfig {
  readonly transport: StoreTransport
  /** The dialect's header prefix; metadata goes as `<prefix>meta-<name>`. */
  readonly headerPrefix: "x-oss-" | "x-amz-"
  /** The checksums an answer carries besides its ETag (OSS: `x-oss-hash-crc64ecma`). */
  readonly checksumsOf: (answer: StoreAnswer) => Omit<StoredChecksums, "etag">
}

type Headers = Readonly<Record<string, string>>

/** @category models */
export interface ObjectCalls extends Omit<ObjectStoreShape, "dialect" | "endpointId" | "limits" | "complete"> {
  readonly initiate: (r: InitiateRequest, extraHeaders?: Headers) => Effect.Effect<string, ObjectStoreError>
  readonly uploadPart: (
    r: UploadPartRequest,
    extraHeaders?: Headers
  ) => Effect.Effect<StoredChecksums, ObjectStoreError>
  readonly putObject: (r: PutObjectRequest, extraHeaders?: Headers) => Effect.Effect<StoredChecksums, ObjectStoreError>
}

const attributeFields = ["storageClass", "acl", "serverSideEncryption", "kmsKeyId"] as const

/** The header each stored attribute travels in; the names differ beyond the prefix (`x-oss-object-acl`, `x-amz-acl`). */
const attributeHeaderNames: Record<
  ObjectCallsConfig["headerPrefix"],
  Record<(typeof attributeFields)[number], string>
> = {
  "x-oss-": {
    storageClass: "x-oss-storage-class",
    acl: "x-oss-object-acl",
    serverSideEncryption: "x-oss-server-side-encryption",
    kmsKeyId: "x-oss-server-side-encryption-key-id"
  },
  "x-amz-": {
    storageClass: "x-amz-storage-class",
    acl: "x-amz-acl",
    serverSideEncryption: "x-amz-server-side-encryption",
    kmsKeyId: "x-amz-server-side-encryption-aws-kms-key-id"
  }
}

const decoded =
  <A>(decode: (text: string) => Effect.Effect<A, Xml.MalformedResponse>) =>
  (answer: StoreAnswer) =>
    Effect.mapError(decode(textOf(answer)), malformed)

/** @category constructors */
export const make = ({ transport, headerPrefix, checksumsOf }: ObjectCallsConfig): ObjectCalls => {
  const names = attributeHeaderNames[headerPrefix]
  const metadataHeaders = (r: InitiateRequest) => {
    const headers: Record<string, string> = r.contentType === undefined ? {} : { "content-type": r.contentType }
    for (const [k, v] of Object.entries(r.metadata ?? {})) headers[`${headerPrefix}meta-${k.toLowerCase()}`] = v
    for (const field of attributeFields) {
      const value = r[field]
      if (value !== undefined) headers[names[field]] = value
    }
    return headers
  }
  /** `<prefix>meta-*` answer headers as metadata, names without the prefix; `undefined` when there are none. */
  const metadataOf = (answer: StoreAnswer): Record<string, string> | undefined => {
    const prefix = `${headerPrefix}meta-`
    const entries = Object.entries(answer.headers).filter(([name]) => name.toLowerCase().startsWith(prefix))
    return entries.length === 0
      ? undefined
      : Object.fromEntries(entries.map(([name, value]) => [name.toLowerCase().slice(prefix.length), value]))
  }
  const stored = (answer: StoreAnswer): StoredChecksums => ({ etag: etagOf(answer), ...checksumsOf(answer) })
  /** UploadPart and PutObject: the bytes were stored, so the ETag that vouches for them must be there. */
  const written = (operation: "UploadPart" | "PutObject") => (answer: StoreAnswer) =>
    Effect.map(requireEtag(operation, answer), (etag): StoredChecksums => ({ etag, ...checksumsOf(answer) }))
  const bodyHeaders = (r: { readonly body: { readonly md5Base64: string } }) => ({
    "content-md5": r.body.md5Base64,
    "content-type": "application/octet-stream"
  })
  const { execute } = transport

  return {
    initiate: (r, extraHeaders = {}) =>
      execute({
        operation: "InitiateMultipartUpload",
        method: "POST",
        bucket: r.bucket,
        key: r.key,
        query: { uploads: "" },
        headers: { ...metadataHeaders(r), ...extraHeaders }
      }).pipe(Effect.flatMap(decoded(Xml.decodeInitiateResult))),
    uploadPart: (r, extraHeaders = {}) =>
      execute({
        operation: "UploadPart",
        method: "PUT",
        bucket: r.bucket,
        key: r.key,
        query: { partNumber: String(r.partNumber), uploadId: r.uploadId },
        headers: { ...bodyHeaders(r), ...extraHeaders },
        body: r.body.bytes
      }).pipe(Effect.flatMap(written("UploadPart"))),
    listParts: (r) =>
      execute({
        operation: "ListParts",
        method: "GET",
        bucket: r.bucket,
        key: r.key,
        query: {
          uploadId: r.uploadId,
          ...optionalQuery([
            ["max-parts", r.maxParts],
            ["part-number-marker", r.partNumberMarker]
          ])
        }
      }).pipe(Effect.flatMap(decoded(Xml.decodeListPartsResult))),
    listUploads: (r) =>
      execute({
        operation: "ListMultipartUploads",
        method: "GET",
        bucket: r.bucket,
        query: {
          uploads: "",
          ...optionalQuery([
            ["prefix", r.prefix],
            ["key-marker", r.keyMarker],
            ["upload-id-marker", r.uploadIdMarker],
            ["max-uploads", r.maxUploads]
          ])
        }
      }).pipe(Effect.flatMap(decoded(Xml.decodeListUploadsResult))),
    abort: (r) =>
      Effect.asVoid(
        execute({
          operation: "AbortMultipartUpload",
          method: "DELETE",
          bucket: r.bucket,
          key: r.key,
          query: { uploadId: r.uploadId }
        })
      ),
    putObject: (r, extraHeaders = {}) =>
      execute({
        operation: "PutObject",
        method: "PUT",
        bucket: r.bucket,
        key: r.key,
        headers: { ...bodyHeaders(r), ...metadataHeaders(r), ...extraHeaders },
        body: r.body.bytes
      }).pipe(Effect.flatMap(written("PutObject"))),
    head: (r) =>
      execute({ operation: "HeadObject", method: "HEAD", bucket: r.bucket, key: r.key }).pipe(
        Effect.map((a) => {
          const metadata = metadataOf(a)
          return { sizeBytes: Number(a.headers["content-length"] ?? 0), ...stored(a), ...(metadata && { metadata }) }
        }),
        Effect.catchIf(
          (e) => e.status === 404,
          () => Effect.succeed(undefined)
        )
      ),
    get: (r) =>
      execute({
        operation: "GetObject",
        method: "GET",
        bucket: r.bucket,
        key: r.key,
        ...(r.range === undefined ? {} : { headers: { range: `bytes=${r.range[0]}-${r.range[1] - 1}` } })
      }).pipe(Effect.map((a) => a.body)),
    delete: (r) => Effect.asVoid(execute({ operation: "DeleteObject", method: "DELETE", bucket: r.bucket, key: r.key }))
  }
}
