/**
 * Decoding of the listing documents both stores answer alike: `ListBucketResult` (ListObjectsV2), `DeleteResult`
 * (DeleteObjects, quiet mode) and `ListAllMyBucketsResult` (ListBuckets); and the `<Delete>` body a batch delete
 * sends. Keys are URL-decoded when the document says `EncodingType=url` (the listing asks for it, so keys with
 * characters XML cannot carry survive). Pages are bounded at 1000 entries like every other list.
 *
 * @since 0.2.0
 */

import type { BucketsPage, DeleteObjectsAnswer, ObjectsPage } from "@resumable-upload/core/ports/ObjectListing"
import type { Operation } from "@resumable-upload/core/ports/ObjectStore"
import * as Effect from "effect/Effect"
import * as Result from "effect/Result"
import * as Schema from "effect/Schema"
import { decodeUrlKey, isUrlEncoding } from "./UriEncoding.ts"
import { asRecord, makeXmlReader } from "./XmlDocument.ts"
import { MalformedResponse, responseCharsMax } from "./XmlParse.ts"
import * as Xml from "./XmlSchemas.ts"
import { renderXmlDocument } from "./XmlText.ts"

const optional = Schema.optionalKey

const ListedObjectXml = Schema.Struct({
  Key: Schema.String,
  Size: Xml.IntFromText,
  ETag: optional(Schema.String),
  LastModified: Xml.EpochMsFromIsoText,
  StorageClass: optional(Schema.String)
})

const ListBucketResult = Schema.Struct({
  EncodingType: optional(Schema.String),
  IsTruncated: optional(Xml.BooleanFromText),
  NextContinuationToken: optional(Schema.String),
  Contents: optional(Xml.ListOf(ListedObjectXml, Xml.pageEntriesMax)),
  CommonPrefixes: optional(Xml.ListOf(Schema.Struct({ Prefix: Schema.String }), Xml.pageEntriesMax))
})

const DeleteResult = Schema.Struct({
  EncodingType: optional(Schema.String),
  Error: optional(
    Xml.ListOf(
      Schema.Struct({ Key: Schema.String, Code: optional(Schema.String), Message: optional(Schema.String) }),
      Xml.pageEntriesMax
    )
  )
})

const ListAllMyBucketsResult = Schema.Struct({
  IsTruncated: optional(Xml.BooleanFromText),
  Buckets: optional(
    Schema.Struct({
      Bucket: optional(
        Xml.ListOf(
          Schema.Struct({ Name: Schema.String, CreationDate: optional(Xml.EpochMsFromIsoText) }),
          // OSS pages at 1000; S3 answers up to 10,000 buckets in one document.
          10_000
        )
      )
    })
  )
})

const roots = ["ListBucketResult", "DeleteResult", "ListAllMyBucketsResult"]
const readXml = makeXmlReader({
  listPaths: [
    "ListBucketResult.Contents",
    "ListBucketResult.CommonPrefixes",
    "DeleteResult.Error",
    "DeleteResult.Deleted",
    "ListAllMyBucketsResult.Buckets.Bucket"
  ]
})

const decode = <S extends Schema.Codec<unknown, unknown>>(
  operation: Operation,
  root: (typeof roots)[number],
  schema: S,
  text: string
): Effect.Effect<S["Type"], MalformedResponse> => {
  const fail = (reason: MalformedResponse["reason"], message: string) =>
    Effect.fail(new MalformedResponse({ operation, reason, message: `${operation} response: ${message}` }))
  const read = readXml(text, responseCharsMax)
  if (Result.isFailure(read)) return fail(read.failure.reason, read.failure.message)
  if (read.success.root !== root) return fail("WrongRoot", `expected <${root}>, got <${read.success.root}>`)
  return Schema.decodeUnknownEffect(schema)(asRecord(read.success.content) ?? {}).pipe(
    Effect.mapError((e) => new MalformedResponse({ operation, reason: "Invalid", message: e.message }))
  )
}

const keyOf = (operation: Operation, encodingType: string | undefined) => (value: string) => {
  if (!isUrlEncoding(encodingType)) return Effect.succeed(value)
  const key = decodeUrlKey(value)
  return key === undefined
    ? Effect.fail(new MalformedResponse({ operation, reason: "Invalid", message: `${operation}: bad URL encoding` }))
    : Effect.succeed(key)
}

/** ListBucketResult (V2) → one page of objects and common prefixes. @category decoding */
export const decodeListObjects = (text: string): Effect.Effect<ObjectsPage, MalformedResponse> =>
  Effect.gen(function* () {
    const result = yield* decode("ListObjects", "ListBucketResult", ListBucketResult, text)
    const key = keyOf("ListObjects", result.EncodingType)
    const objects = yield* Effect.forEach(result.Contents ?? [], (o) =>
      Effect.map(key(o.Key), (k) => ({
        key: k,
        sizeBytes: o.Size,
        etag: o.ETag ?? "",
        modifiedAtMs: o.LastModified,
        ...(o.StorageClass === undefined ? {} : { storageClass: o.StorageClass })
      }))
    )
    const commonPrefixes = yield* Effect.forEach(result.CommonPrefixes ?? [], (p) => key(p.Prefix))
    const next = result.NextContinuationToken
    return {
      objects,
      commonPrefixes,
      isTruncated: result.IsTruncated ?? false,
      ...(next === undefined || next === "" ? {} : { nextContinuationToken: next })
    }
  })

/** DeleteResult (quiet) → the keys that were not deleted. @category decoding */
export const decodeDeleteResult = (text: string): Effect.Effect<DeleteObjectsAnswer, MalformedResponse> =>
  Effect.gen(function* () {
    const result = yield* decode("DeleteObjects", "DeleteResult", DeleteResult, text)
    const key = keyOf("DeleteObjects", result.EncodingType)
    const failed = yield* Effect.forEach(result.Error ?? [], (e) =>
      Effect.map(key(e.Key), (k) => ({ key: k, code: e.Code ?? "", message: e.Message ?? "" }))
    )
    return { failed }
  })

/** ListAllMyBucketsResult → the buckets, in the order given. @category decoding */
export const decodeListBuckets = (text: string): Effect.Effect<BucketsPage, MalformedResponse> =>
  Effect.map(decode("ListBuckets", "ListAllMyBucketsResult", ListAllMyBucketsResult, text), (result) => ({
    buckets: (result.Buckets?.Bucket ?? []).map((b) => ({
      name: b.Name,
      ...(b.CreationDate === undefined ? {} : { createdAtMs: b.CreationDate })
    })),
    isTruncated: result.IsTruncated ?? false
  }))

/** The quiet `<Delete>` body for a batch of keys. @category encoding */
export const deleteBody = (keys: ReadonlyArray<string>): string =>
  renderXmlDocument([
    "Delete",
    [
      ["Quiet", "true"],
      ...keys.map((key): readonly [string, ReadonlyArray<readonly [string, string]>] => ["Object", [["Key", key]]])
    ]
  ])
