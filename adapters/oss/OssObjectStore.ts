/**
 * The `ObjectStore` port for Alibaba Cloud OSS (and OSS-compatible local servers) over Effect's HTTP client, which
 * is fetch-based and so runs in Node, Deno, browsers and workers.
 *
 * The operations both dialects send alike are {@link ../http/ObjectCalls.ts}, with `x-oss-` headers: each part goes
 * with its `Content-MD5`; the answer's ETag and `x-oss-hash-crc64ecma` are handed to the engine, which compares
 * them with what it sent. Complete carries the upload callback when one is asked for; a `203 CallbackFailed` still
 * means the object exists, so it is reported as a failed callback, not a failed upload.
 *
 * **Gotchas**: browsers only expose `ETag` and the CRC header when the bucket's CORS rules list them in
 * ExposeHeaders; an empty ETag from a browser is that, not a server bug.
 *
 * @since 0.1.0
 */

import * as Crc64 from "@resumable-upload/core/Crc64"
import { type DialectLimits, ossLimits } from "@resumable-upload/core/Limits"
import {
  type CompleteAnswer,
  ObjectStore,
  type ObjectStoreShape,
  type UploadCallback
} from "@resumable-upload/core/ports/ObjectStore"
import { buildCompleteBody } from "@resumable-upload/http/CompleteXml"
import * as ListingCalls from "@resumable-upload/http/ListingCalls"
import * as ObjectCalls from "@resumable-upload/http/ObjectCalls"
import { etagOf, type StoreAnswer, textOf } from "@resumable-upload/http/StoreCall"
import * as Xml from "@resumable-upload/http/XmlParse"
import * as Effect from "effect/Effect"
import type * as HttpClient from "effect/http/HttpClient"
import * as Layer from "effect/Layer"
import { identity } from "./OssEndpoint.ts"
import { toObjectStoreError } from "./OssErrorMapping.ts"
import { make as makeTransport, type OssClientConfig } from "./OssTransport.ts"

/** @category models */
export interface OssStoreConfig extends OssClientConfig {
  readonly limits?: DialectLimits
  /**
   * The identity checkpoints are bound to; defaults to the endpoint and addressing. A store reached at a new
   * address each time (an embedded server on a random port) passes a stable one.
   */
  readonly endpointId?: string
}

const encoder = new TextEncoder()

const crcOf = (answer: StoreAnswer): { crc64?: bigint } => {
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

/** @category constructors */
export const make = (config: OssStoreConfig): Effect.Effect<ObjectStoreShape, never, HttpClient.HttpClient> =>
  Effect.gen(function* () {
    const transport = yield* makeTransport(config)

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
        const etagHeader = etagOf(answer)
        if (answer.status === 203) {
          const failure = toObjectStoreError("CompleteMultipartUpload", 203, answer.headers, textOf(answer))
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
            callback: { ok: true, body: textOf(answer) }
          } satisfies CompleteAnswer
        }
        const result = yield* Xml.decodeCompleteResult(textOf(answer)).pipe(
          Effect.catchTag("MalformedResponse", (e) =>
            // A 200 whose body is an <Error> (S3 does this for long Completes) is an error, not a result.
            e.root === "Error"
              ? Effect.fail(toObjectStoreError("CompleteMultipartUpload", 500, answer.headers, textOf(answer)))
              : // Any other unreadable 200 is not a failure: the object is judged by the CRC-64 header when there
                // is one, else the empty ETag makes the engine verify it by HEAD.
                Effect.succeed({ etag: "" })
          )
        )
        return { etag: result.etag === "" ? etagHeader : result.etag, ...crcOf(answer) } satisfies CompleteAnswer
      })

    return {
      ...ObjectCalls.make({ transport, headerPrefix: "x-oss-", checksumsOf: crcOf }),
      ...ListingCalls.make({ transport, bucketsQuery: { "max-keys": "1000" } }),
      dialect: "oss",
      // OSS reports `x-oss-hash-crc64ecma` for every part and object, and the engine compares them.
      verifies: { crc64ecma: true },
      endpointId: config.endpointId ?? `oss:${identity(config.endpoint)}`,
      limits: config.limits ?? ossLimits,
      complete
    }
  })

/** @category layers */
export const layer = (config: OssStoreConfig): Layer.Layer<ObjectStore, never, HttpClient.HttpClient> =>
  Layer.effect(ObjectStore, make(config))
