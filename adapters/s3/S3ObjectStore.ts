/**
 * The `ObjectStore` port for Amazon S3 and S3-compatible stores (Ceph RGW, MinIO, the local server) over Effect's
 * HTTP client, which is fetch-based and so runs in Node, Deno, browsers and workers.
 *
 * Every part and PutObject body goes with its `Content-MD5`, and S3's lowercase-hex ETag is handed to the engine,
 * which compares it with the MD5 it sent. Optionally (see {@link ./S3Checksum.ts}) CRC-64/NVME full-object
 * checksums go along too. Complete, the call where stores differ most, is {@link ./S3Complete.ts}.
 *
 * Responses are read with the OSS decoders ({@link ../oss/OssXmlParse.ts}), which ignore S3's XML namespace and
 * its extra elements (`Owner`, `Checksum*`, …).
 *
 * @since 0.1.0
 */
import * as Effect from "effect/Effect"
import type * as HttpClient from "effect/http/HttpClient"
import * as Layer from "effect/Layer"
import { type DialectLimits, s3Limits } from "../../core/Limits.ts"
import { ObjectStore, type ObjectStoreShape } from "../../core/ports/ObjectStore.ts"
import * as Xml from "../oss/OssXmlParse.ts"
import * as Crc64Nvme from "./Crc64Nvme.ts"
import * as S3Checksum from "./S3Checksum.ts"
import { makeComplete, malformed } from "./S3Complete.ts"
import { identity } from "./S3Endpoint.ts"
import { make as makeTransport, type S3Answer, type S3ClientConfig } from "./S3Transport.ts"

/** @category models */
export interface S3StoreConfig extends S3ClientConfig {
  /** Additional checksums: `"auto"` (default) only on `*.amazonaws.com`, `"none"`, or `"crc64nvme"` always. */
  readonly checksum?: S3Checksum.S3ChecksumMode
  readonly limits?: DialectLimits
  /** The identity checkpoints are bound to; defaults to `s3:<origin> <addressing>`. */
  readonly endpointId?: string
}

const utf8 = new TextDecoder()
const text = (answer: S3Answer) => utf8.decode(answer.body)

const metadataHeaders = (r: {
  readonly contentType?: string
  readonly metadata?: Readonly<Record<string, string>>
}) => ({
  ...(r.contentType === undefined ? {} : { "content-type": r.contentType }),
  ...Object.fromEntries(Object.entries(r.metadata ?? {}).map(([k, v]) => [`x-amz-meta-${k.toLowerCase()}`, v]))
})

const optionalQuery = (entries: ReadonlyArray<readonly [string, string | number | undefined]>) =>
  Object.fromEntries(entries.filter(([, v]) => v !== undefined && v !== "").map(([k, v]) => [k, String(v)]))

const etagOf = (answer: S3Answer) => ({ etag: answer.headers.etag ?? "" })

/** @category constructors */
export const make = (config: S3StoreConfig): Effect.Effect<ObjectStoreShape, never, HttpClient.HttpClient> =>
  Effect.gen(function* () {
    const transport = yield* makeTransport(config)
    const partChecksums = S3Checksum.enabled(config.checksum, config.endpoint)
      ? S3Checksum.makePartChecksums()
      : undefined
    const crcHeaders = (bytes: Uint8Array) =>
      partChecksums === undefined ? {} : S3Checksum.bodyHeaders(Crc64Nvme.compute(bytes))
    const decoded =
      <A>(decode: (text: string) => Effect.Effect<A, Xml.MalformedResponse>) =>
      (answer: S3Answer) =>
        Effect.mapError(decode(text(answer)), malformed)

    return {
      dialect: "s3",
      endpointId: config.endpointId ?? `s3:${identity(config.endpoint)}`,
      limits: config.limits ?? s3Limits,
      initiate: (r) =>
        transport
          .execute({
            operation: "InitiateMultipartUpload",
            method: "POST",
            bucket: r.bucket,
            key: r.key,
            query: { uploads: "" },
            headers: { ...metadataHeaders(r), ...(partChecksums === undefined ? {} : S3Checksum.initiateHeaders) }
          })
          .pipe(Effect.flatMap(decoded(Xml.decodeInitiateResult))),
      uploadPart: (r) =>
        Effect.gen(function* () {
          const crc = partChecksums === undefined ? undefined : Crc64Nvme.compute(r.body.bytes)
          const answer = yield* transport.execute({
            operation: "UploadPart",
            method: "PUT",
            bucket: r.bucket,
            key: r.key,
            query: { partNumber: String(r.partNumber), uploadId: r.uploadId },
            headers: {
              "content-md5": r.body.md5Base64,
              "content-type": "application/octet-stream",
              ...(crc === undefined ? {} : S3Checksum.bodyHeaders(crc))
            },
            body: r.body.bytes
          })
          if (crc !== undefined)
            partChecksums?.remember(r.uploadId, r.partNumber, { crc, sizeBytes: r.body.bytes.length })
          return etagOf(answer)
        }),
      listParts: (r) =>
        transport
          .execute({
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
          })
          .pipe(Effect.flatMap(decoded(Xml.decodeListPartsResult))),
      listUploads: (r) =>
        transport
          .execute({
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
          })
          .pipe(Effect.flatMap(decoded(Xml.decodeListUploadsResult))),
      complete: makeComplete(transport, partChecksums),
      abort: (r) =>
        transport
          .execute({
            operation: "AbortMultipartUpload",
            method: "DELETE",
            bucket: r.bucket,
            key: r.key,
            query: { uploadId: r.uploadId }
          })
          .pipe(Effect.andThen(Effect.sync(() => partChecksums?.forget(r.uploadId)))),
      putObject: (r) =>
        transport
          .execute({
            operation: "PutObject",
            method: "PUT",
            bucket: r.bucket,
            key: r.key,
            headers: {
              "content-md5": r.body.md5Base64,
              "content-type": "application/octet-stream",
              ...metadataHeaders(r),
              ...crcHeaders(r.body.bytes)
            },
            body: r.body.bytes
          })
          .pipe(Effect.map(etagOf)),
      head: (r) =>
        transport.execute({ operation: "HeadObject", method: "HEAD", bucket: r.bucket, key: r.key }).pipe(
          Effect.map((a) => ({ sizeBytes: Number(a.headers["content-length"] ?? 0), etag: a.headers.etag ?? "" })),
          Effect.catchIf(
            (e) => e.status === 404,
            () => Effect.succeed(undefined)
          )
        ),
      get: (r) =>
        transport
          .execute({
            operation: "GetObject",
            method: "GET",
            bucket: r.bucket,
            key: r.key,
            ...(r.range === undefined ? {} : { headers: { range: `bytes=${r.range[0]}-${r.range[1] - 1}` } })
          })
          .pipe(Effect.map((a) => a.body)),
      delete: (r) =>
        Effect.asVoid(transport.execute({ operation: "DeleteObject", method: "DELETE", bucket: r.bucket, key: r.key }))
    }
  })

/** @category layers */
export const layer = (config: S3StoreConfig): Layer.Layer<ObjectStore, never, HttpClient.HttpClient> =>
  Layer.effect(ObjectStore, make(config))
