/**
 * Effect Schemas for the OSS/S3 multipart XML documents, from the all-string records of `XmlDocument` to typed
 * values: part numbers and sizes become numbers, `IsTruncated` a boolean, `HashCrc64ecma` an exact `bigint`,
 * `Initiated` epoch milliseconds. Field names are the XML element names; missing optional elements stay absent.
 *
 * Unknown elements (`Owner`, `Initiator`, `Checksum*`, …) are ignored, so S3 and future OSS fields pass through.
 *
 * @since 0.1.0
 */
import * as Schema from "effect/Schema"
import * as SchemaTransformation from "effect/SchemaTransformation"

/** Largest page the stores return: 1000 parts or 1000 uploads (protocol.md §1.7). @category constants */
export const pageEntriesMax = 1000
/** Part numbers run from 1 to 10,000 on both OSS and S3. @category constants */
export const partNumberMax = 10_000

const digits = (text: string): string => text.trim()

/** Decimal digits (surrounding whitespace tolerated) to a safe integer. @category schemas */
export const IntFromText = Schema.String.pipe(
  Schema.check(Schema.isPattern(/^\s*\d{1,15}\s*$/)),
  Schema.decodeTo(
    Schema.Int,
    SchemaTransformation.transform({ decode: (text) => Number(digits(text)), encode: (n) => String(n) })
  )
)

/** An optional marker: empty text (`<KeyMarker></KeyMarker>`) means no marker. @category schemas */
export const MarkerIntFromText = Schema.String.pipe(
  Schema.check(Schema.isPattern(/^\s*\d{0,15}\s*$/)),
  Schema.decodeTo(
    Schema.UndefinedOr(Schema.Int),
    SchemaTransformation.transform({
      decode: (text) => (digits(text) === "" ? undefined : Number(digits(text))),
      encode: (n) => (n === undefined ? "" : String(n))
    })
  )
)

/** @category schemas */
export const PartNumberFromText = IntFromText.pipe(
  Schema.check(Schema.isBetween({ minimum: 1, maximum: partNumberMax }))
)

/** Unsigned 64-bit decimal to `bigint`, digit for digit: 12066172435287683848 does not fit a double. @category schemas */
export const Crc64FromText = Schema.String.pipe(
  Schema.check(Schema.isPattern(/^\s*\d{1,20}\s*$/)),
  Schema.decodeTo(
    Schema.BigInt.pipe(Schema.check(Schema.isLessThanOrEqualToBigInt(2n ** 64n - 1n))),
    SchemaTransformation.transform({ decode: (text) => BigInt(digits(text)), encode: (n) => n.toString() })
  )
)

/** `true` / `false`, any case, as Go's `strconv.ParseBool` reads them in GOv2. @category schemas */
export const BooleanFromText = Schema.String.pipe(
  Schema.check(Schema.isPattern(/^\s*(?:true|false)\s*$/i)),
  Schema.decodeTo(
    Schema.Boolean,
    SchemaTransformation.transform({
      decode: (text) => digits(text).toLowerCase() === "true",
      encode: (flag) => (flag ? "true" : "false")
    })
  )
)

/** ISO-8601 (`2023-11-22T05:45:57.000Z`) to epoch milliseconds. @category schemas */
export const EpochMsFromIsoText = Schema.String.pipe(
  Schema.check(Schema.isPattern(/^\s*\d{4}-\d{2}-\d{2}T[\d:.]+(?:Z|[+-]\d{2}:?\d{2})\s*$/)),
  Schema.check(Schema.makeFilter((text: string) => Number.isFinite(Date.parse(digits(text))))),
  Schema.decodeTo(
    Schema.Int,
    SchemaTransformation.transform({
      decode: (text) => Date.parse(digits(text)),
      encode: (ms) => new Date(ms).toISOString()
    })
  )
)

const optional = Schema.optionalKey

/** A bounded list element; the parser already made a single occurrence an array. @category schemas */
export const ListOf = <S extends Schema.Top>(item: S, maxLength: number) =>
  Schema.Array(item).pipe(Schema.check(Schema.isMaxLength(maxLength)))

/** @category schemas */
export const InitiateMultipartUploadResult = Schema.Struct({
  EncodingType: optional(Schema.String),
  Bucket: optional(Schema.String),
  Key: optional(Schema.String),
  UploadId: Schema.String.pipe(Schema.check(Schema.isMinLength(1)))
})

/** @category schemas */
export const ListedPartXml = Schema.Struct({
  PartNumber: PartNumberFromText,
  ETag: Schema.String,
  Size: IntFromText,
  HashCrc64ecma: optional(Crc64FromText),
  LastModified: optional(Schema.String)
})

/** @category schemas */
export const ListPartsResult = Schema.Struct({
  EncodingType: optional(Schema.String),
  Bucket: optional(Schema.String),
  Key: optional(Schema.String),
  UploadId: optional(Schema.String),
  PartNumberMarker: optional(MarkerIntFromText),
  NextPartNumberMarker: optional(MarkerIntFromText),
  MaxParts: optional(MarkerIntFromText),
  // Missing in some emulators' last pages; absent means not truncated (the decoder's default).
  IsTruncated: optional(BooleanFromText),
  Part: optional(ListOf(ListedPartXml, pageEntriesMax))
})

/** @category schemas */
export const ListedUploadXml = Schema.Struct({
  Key: Schema.String,
  UploadId: Schema.String,
  Initiated: EpochMsFromIsoText,
  StorageClass: optional(Schema.String)
})

/** @category schemas */
export const ListMultipartUploadsResult = Schema.Struct({
  EncodingType: optional(Schema.String),
  Bucket: optional(Schema.String),
  KeyMarker: optional(Schema.String),
  UploadIdMarker: optional(Schema.String),
  NextKeyMarker: optional(Schema.String),
  NextUploadIdMarker: optional(Schema.String),
  Prefix: optional(Schema.String),
  Delimiter: optional(Schema.String),
  MaxUploads: optional(MarkerIntFromText),
  IsTruncated: optional(BooleanFromText),
  Upload: optional(ListOf(ListedUploadXml, pageEntriesMax))
})

/** @category schemas */
export const CompleteMultipartUploadResult = Schema.Struct({
  EncodingType: optional(Schema.String),
  Location: optional(Schema.String),
  Bucket: optional(Schema.String),
  Key: optional(Schema.String),
  ETag: optional(Schema.String)
})

/** One `<Part>` of a CompleteMultipartUpload request: any non-negative integer; range and order are the server's. @category schemas */
export const CompletePartXml = Schema.Struct({ PartNumber: IntFromText, ETag: Schema.String })

/** @category schemas */
export const CompleteMultipartUpload = Schema.Struct({ Part: optional(ListOf(CompletePartXml, partNumberMax)) })
