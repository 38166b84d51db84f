/**
 * The `ObjectStore` port for Alibaba Cloud OSS (and OSS-compatible local servers) over Effect's HTTP client, which
 * is fetch-based and so runs in Node, Deno, browsers and workers.
 *
 * Each part goes with its `Content-MD5`; the answer's ETag and `x-oss-hash-crc64ecma` are handed to the engine,
 * which compares them with what it sent. Complete carries the upload callback when one is asked for; a `203
 * CallbackFailed` still means the object exists, so it is reported as a failed callback, not a failed upload.
 *
 * **Gotchas**: browsers only expose `ETag` and the CRC header when the bucket's CORS rules list them in
 * ExposeHeaders; an empty ETag from a browser is that, not a server bug.
 *
 * @since 0.1.0
 */
import * as Effect from "effect/Effect"
import type * as HttpClient from "effect/http/HttpClient"
import * as Layer from "effect/Layer"
import * as Crc64 from "../../core/Crc64.ts"
import { type DialectLimits, ossLimits } from "../../core/Limits.ts"
import {
  type CompleteAnswer,
  ObjectStore,
  ObjectStoreError,
  type ObjectStoreShape,
  type Operation,
  type UploadCallback
} from "../../core/ports/ObjectStore.ts"
import { identity } from "./OssEndpoint.ts"
import { toObjectStoreError } from "./OssErrorMapping.ts"
import { make as makeTransport, type OssAnswer, type OssClientConfig } from "./OssTransport.ts"
import { buildCompleteBody } from "./OssXmlComplete.ts"
import type { MalformedResponse } from "./OssXmlParse.ts"
import * as Xml from "./OssXmlParse.ts"

/** @category models */
export interface OssStoreConfig extends OssClientConfig {
  readonly limits?: DialectLimits
  /**
   * The identity checkpoints are bound to; defaults to the endpoint and addressing. A store reached at a new
   * address each time (an embedded server on a random port) passes a stable one.
   */
  readonly endpointId?: string
}

const utf8 = new TextDecoder()
const encoder = new TextEncoder()

const malformed = (e: MalformedResponse) =>
  new ObjectStoreError({
    operation: e.operation,
    reason: "Remote",
    status: 200,
    code: "MalformedResponse",
    message: e.message
  })

const crcOf = (answer: OssAnswer): { crc64?: bigint } => {
  const header = answer.headers["x-oss-hash-crc64ecma"]
  const crc64 = header === undefined ? undefined : Crc64.fromDecimal(header)
  return crc64 === undefined ? {} : { crc64 }
}

const base64Json = (value: unknown): string => {
  const bytes = encoder.encode(JSON.stringify(value))
  let binary = ""
  for (const b of bytes) binary += String.fromCharCode(b)
  return btoa(binary)
}

/** `x-oss-callback` and `x-oss-callback-var`; variable names get the `x:` prefix OSS requires. */
const callbackHeaders = (callback: UploadCallback): Record<string, string> => {
  const spec = {
    callbackUrl: callback.url,
    callbackBody: callback.body,
    ...(callback.host === undefined ? {} : { callbackHost: callback.host }),
    ...(callback.bodyType === undefined ? {} : { callbackBodyType: callback.bodyType })
  }
  const variables = Object.entries(callback.variables ?? {}).map(([k, v]) => [k.startsWith("x:") ? k : `x:${k}`, v])
  return {
    "x-oss-callback": base64Json(spec),
    ...(variables.length === 0 ? {} : { "x-oss-callback-var": base64Json(Object.fromEntries(variables)) })
  }
}

const metadataHeaders = (r: {
  readonly contentType?: string
  readonly metadata?: Readonly<Record<string, string>>
}) => ({
  ...(r.contentType === undefined ? {} : { "content-type": r.contentType }),
  ...Object.fromEntries(Object.entries(r.metadata ?? {}).map(([k, v]) => [`x-oss-meta-${k.toLowerCase()}`, v]))
})

/** @category constructors */
export const make = (config: OssStoreConfig): Effect.Effect<ObjectStoreShape, never, HttpClient.HttpClient> =>
  Effect.gen(function* () {
    const transport = yield* makeTransport(config)
    const text = (answer: OssAnswer) => utf8.decode(answer.body)
    const optionalQuery = (entries: ReadonlyArray<readonly [string, string | number | undefined]>) =>
      Object.fromEntries(entries.filter(([, v]) => v !== undefined && v !== "").map(([k, v]) => [k, String(v)]))

    const complete: ObjectStoreShape["complete"] = (r) =>
      Effect.gen(function* () {
        const all = r.completeAll === true
        const body = all ? undefined : encoder.encode(buildCompleteBody(r.parts))
        const headers = {
          ...(all ? { "x-oss-complete-all": "yes" } : { "content-type": "application/xml" }),
          ...(r.callback === undefined ? {} : callbackHeaders(r.callback))
        }
        const answer = yield* transport.execute({
          operation: "CompleteMultipartUpload",
          method: "POST",
          bucket: r.bucket,
          key: r.key,
          query: { uploadId: r.uploadId },
          headers,
          ...(body === undefined ? {} : { body })
        })
        const etagHeader = answer.headers.etag ?? ""
        if (answer.status === 203) {
          const failure = toObjectStoreError("CompleteMultipartUpload", 203, answer.headers, text(answer))
          return {
            etag: etagHeader,
            ...crcOf(answer),
            callback: { ok: false, body: failure.message }
          } satisfies CompleteAnswer
        }
        if (r.callback !== undefined) {
          return {
            etag: etagHeader,
            ...crcOf(answer),
            callback: { ok: true, body: text(answer) }
          } satisfies CompleteAnswer
        }
        const result = yield* Xml.decodeCompleteResult(text(answer)).pipe(
          Effect.catchTag("MalformedResponse", (e) =>
            // A 200 whose body is an <Error> (S3 does this for long Completes) is an error, not a result.
            e.root === "Error"
              ? Effect.fail(toObjectStoreError("CompleteMultipartUpload", 500, answer.headers, text(answer)))
              : Effect.fail(malformed(e))
          )
        )
        return { etag: result.etag === "" ? etagHeader : result.etag, ...crcOf(answer) } satisfies CompleteAnswer
      })

    const simple = (
      operation: Operation,
      method: "DELETE",
      bucket: string,
      key: string,
      query: Record<string, string>
    ) => Effect.asVoid(transport.execute({ operation, method, bucket, key, query }))

    return {
      dialect: "oss",
      endpointId: config.endpointId ?? `oss:${identity(config.endpoint)}`,
      limits: config.limits ?? ossLimits,
      initiate: (r) =>
        transport
          .execute({
            operation: "InitiateMultipartUpload",
            method: "POST",
            bucket: r.bucket,
            key: r.key,
            query: { uploads: "" },
            headers: metadataHeaders(r)
          })
          .pipe(Effect.flatMap((a) => Effect.mapError(Xml.decodeInitiateResult(text(a)), malformed))),
      uploadPart: (r) =>
        transport
          .execute({
            operation: "UploadPart",
            method: "PUT",
            bucket: r.bucket,
            key: r.key,
            query: { partNumber: String(r.partNumber), uploadId: r.uploadId },
            headers: { "content-md5": r.body.md5Base64, "content-type": "application/octet-stream" },
            body: r.body.bytes
          })
          .pipe(Effect.map((a) => ({ etag: a.headers.etag ?? "", ...crcOf(a) }))),
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
          .pipe(Effect.flatMap((a) => Effect.mapError(Xml.decodeListPartsResult(text(a)), malformed))),
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
          .pipe(Effect.flatMap((a) => Effect.mapError(Xml.decodeListUploadsResult(text(a)), malformed))),
      complete,
      abort: (r) => simple("AbortMultipartUpload", "DELETE", r.bucket, r.key, { uploadId: r.uploadId }),
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
              ...metadataHeaders(r)
            },
            body: r.body.bytes
          })
          .pipe(Effect.map((a) => ({ etag: a.headers.etag ?? "", ...crcOf(a) }))),
      head: (r) =>
        transport.execute({ operation: "HeadObject", method: "HEAD", bucket: r.bucket, key: r.key }).pipe(
          Effect.map((a) => ({
            sizeBytes: Number(a.headers["content-length"] ?? 0),
            etag: a.headers.etag ?? "",
            ...crcOf(a)
          })),
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
      delete: (r) => simple("DeleteObject", "DELETE", r.bucket, r.key, {})
    }
  })

/** @category layers */
export const layer = (config: OssStoreConfig): Layer.Layer<ObjectStore, never, HttpClient.HttpClient> =>
  Layer.effect(ObjectStore, make(config))
