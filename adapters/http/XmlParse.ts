/**
 * Client-side decoding of OSS/S3 multipart response bodies into the object-store port's types.
 *
 * Each decoder takes the response text and either succeeds with a typed value or fails with a
 * {@link MalformedResponse} naming the operation; none throws, whatever the text. Bodies are bounded
 * ({@link responseCharsMax}) and so are lists (1000 entries). With `EncodingType=url`, key fields are URL-decoded.
 *
 * What real S3 implementations vary in is tolerated (see {@link acceptedRoots}): the root may end in `Response`
 * instead of `Result` (moto answers `<ListPartsResponse>`, `<CompleteMultipartUploadResponse>`), namespaces and
 * unknown elements are ignored, `IsTruncated` may be missing. What the engine relies on stays strict: part numbers,
 * sizes, ETags and checksums must be there and well-formed, and are compared by the engine, not here.
 *
 * @since 0.1.0
 */

import type {
  ListedPart,
  ListedUpload,
  Operation,
  PartsPage,
  UploadsPage
} from "@resumable-upload/core/ports/ObjectStore"
import * as Data from "effect/Data"
import * as Effect from "effect/Effect"
import * as Result from "effect/Result"
import * as Schema from "effect/Schema"
import { decodeUrlKey, isUrlEncoding } from "./UriEncoding.ts"
import { asRecord, makeXmlReader } from "./XmlDocument.ts"
import * as Xml from "./XmlSchemas.ts"

/** ListParts of 1000 parts is about 250 KB; 4 MiB leaves room for S3's per-part checksums. @category constants */
export const responseCharsMax = 4 * 1024 * 1024

/**
 * The body is not the document the operation promised. `root` is the root element found, when there was one:
 * `Error` means the store answered an error with a success status (S3 does this on Complete).
 *
 * @category errors
 */
export class MalformedResponse extends Data.TaggedError("MalformedResponse")<{
  readonly operation: Operation
  readonly reason: "TooLarge" | "NotXml" | "WrongRoot" | "TooManyElements" | "Invalid"
  readonly message: string
  readonly root?: string
}> {}

/** What CompleteMultipartUpload reports; the whole-object CRC-64 comes in a header, not here. @category models */
export interface CompleteResult {
  readonly etag: string
  readonly bucket?: string
  readonly key?: string
  readonly location?: string
}

/** The list elements, under both root spellings (the parser keys its array paths by the root as written). */
const listPaths = ["ListParts", "ListMultipartUploads"].flatMap((base) =>
  ["Result", "Response"].flatMap((suffix) =>
    base === "ListParts" ? [`${base}${suffix}.Part`] : [`${base}${suffix}.Upload`, `${base}${suffix}.CommonPrefixes`]
  )
)

const readXml = makeXmlReader({ listPaths })

/**
 * The root names accepted for a document documented as `root`: the documented `…Result`, and `…Response`, which
 * moto (and older S3 emulators modelled on the 2006 SOAP names) writes. boto3 and the AWS SDKs ignore the root name.
 *
 * @category decoding
 */
export const acceptedRoots = (root: string): ReadonlyArray<string> =>
  root.endsWith("Result") ? [root, `${root.slice(0, -"Result".length)}Response`] : [root]

/** Reads `text` as the document `root` and decodes it with `schema`; shared by every response decoder. @category decoding */
export const decodeDocument = <S extends Schema.Codec<unknown, unknown>>(
  operation: Operation,
  root: string,
  schema: S,
  text: string,
  list?: string
): Result.Result<S["Type"], MalformedResponse> => {
  const fail = (reason: MalformedResponse["reason"], message: string, found?: string) =>
    Result.fail(new MalformedResponse({ operation, reason, message, ...(found === undefined ? {} : { root: found }) }))
  const read = readXml(text, responseCharsMax)
  if (Result.isFailure(read)) return fail(read.failure.reason, `${operation} response: ${read.failure.message}`)
  const document = read.success
  if (!acceptedRoots(root).includes(document.root)) {
    return fail("WrongRoot", `${operation} response: expected <${root}>, got <${document.root}>`, document.root)
  }
  const entries = list === undefined ? undefined : asRecord(document.content)?.[list]
  if (Array.isArray(entries) && entries.length > Xml.pageEntriesMax) {
    return fail(
      "TooManyElements",
      `${operation} response: ${entries.length} <${list}> elements; at most ${Xml.pageEntriesMax}`
    )
  }
  return Result.mapError(
    Schema.decodeUnknownResult(schema)(document.content),
    (error) =>
      new MalformedResponse({ operation, reason: "Invalid", message: `${operation} response: ${error.message}` })
  )
}

/** URL-decodes a key field when the document says `EncodingType=url`; a broken escape is a malformed response. */
const keyDecoder =
  (operation: Operation, encodingType: string | undefined) =>
  (value: string): Result.Result<string, MalformedResponse> => {
    if (!isUrlEncoding(encodingType)) return Result.succeed(value)
    const decoded = decodeUrlKey(value)
    return decoded === undefined
      ? Result.fail(new MalformedResponse({ operation, reason: "Invalid", message: `${operation}: bad URL encoding` }))
      : Result.succeed(decoded)
  }

/** InitiateMultipartUploadResult → the new upload id. @category decoding */
export const decodeInitiateResult = (text: string): Effect.Effect<string, MalformedResponse> =>
  Effect.fromResult(
    Result.map(
      decodeDocument(
        "InitiateMultipartUpload",
        "InitiateMultipartUploadResult",
        Xml.InitiateMultipartUploadResult,
        text
      ),
      (result) => result.UploadId
    )
  )

/** ListPartsResult → one page of parts, in document order. @category decoding */
export const decodeListPartsResult = (text: string): Effect.Effect<PartsPage, MalformedResponse> =>
  Effect.fromResult(
    Result.map(decodeDocument("ListParts", "ListPartsResult", Xml.ListPartsResult, text, "Part"), (result) => {
      const parts = (result.Part ?? []).map(
        (part): ListedPart => ({
          partNumber: part.PartNumber,
          sizeBytes: part.Size,
          etag: part.ETag,
          ...(part.HashCrc64ecma === undefined ? {} : { crc64: part.HashCrc64ecma })
        })
      )
      const next = result.NextPartNumberMarker
      return {
        parts,
        isTruncated: result.IsTruncated ?? false,
        ...(next === undefined ? {} : { nextPartNumberMarker: next })
      }
    })
  )

/** ListMultipartUploadsResult → one page of uploads; keys URL-decoded when `EncodingType=url`. @category decoding */
export const decodeListUploadsResult = (text: string): Effect.Effect<UploadsPage, MalformedResponse> =>
  Effect.gen(function* () {
    const operation = "ListMultipartUploads"
    const result = yield* Effect.fromResult(
      decodeDocument(operation, "ListMultipartUploadsResult", Xml.ListMultipartUploadsResult, text, "Upload")
    )
    const key = (value: string) => Effect.fromResult(keyDecoder(operation, result.EncodingType)(value))
    const uploads: Array<ListedUpload> = []
    for (const upload of result.Upload ?? []) {
      uploads.push({ key: yield* key(upload.Key), uploadId: upload.UploadId, initiatedAtMs: upload.Initiated })
    }
    const nextKeyMarker = result.NextKeyMarker === undefined ? "" : yield* key(result.NextKeyMarker)
    const nextUploadIdMarker = result.NextUploadIdMarker ?? ""
    return {
      uploads,
      isTruncated: result.IsTruncated ?? false,
      ...(nextKeyMarker === "" ? {} : { nextKeyMarker }),
      ...(nextUploadIdMarker === "" ? {} : { nextUploadIdMarker })
    }
  })

/**
 * CompleteMultipartUploadResult → the object's ETag (quoted, as sent) and where it landed. A missing or empty
 * `<ETag>` is `""`: the engine then cannot judge the answer and verifies the object with a HEAD.
 *
 * @category decoding
 */
export const decodeCompleteResult = (text: string): Effect.Effect<CompleteResult, MalformedResponse> =>
  Effect.gen(function* () {
    const operation = "CompleteMultipartUpload"
    const result = yield* Effect.fromResult(
      decodeDocument(operation, "CompleteMultipartUploadResult", Xml.CompleteMultipartUploadResult, text)
    )
    const decodeKey = keyDecoder(operation, result.EncodingType)
    const key = result.Key === undefined ? undefined : yield* Effect.fromResult(decodeKey(result.Key))
    return {
      etag: (result.ETag ?? "").trim(),
      ...(result.Bucket === undefined ? {} : { bucket: result.Bucket }),
      ...(key === undefined ? {} : { key }),
      ...(result.Location === undefined ? {} : { location: result.Location })
    }
  })
