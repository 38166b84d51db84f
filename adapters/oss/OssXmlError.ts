/**
 * The `<Error>` envelope of OSS and S3, both directions (/work/shared/docs/protocol.md §1.0, §4, §6).
 *
 * Besides `Code`, `Message`, `RequestId`, `HostId` and `EC`, the stores add operation-specific elements
 * (`UploadId`, `ServerTime`, `StringToSign`, `BucketName`, …). They are kept as a record so a caller can, say,
 * correct its clock from `ServerTime` without this module knowing every error.
 *
 * @since 0.1.0
 */
import * as Effect from "effect/Effect"
import * as Result from "effect/Result"
import * as Schema from "effect/Schema"
import type { Operation } from "../../core/ports/ObjectStore.ts"
import { asRecord, textKey } from "./OssXmlDocument.ts"
import { decodeDocument, type MalformedResponse } from "./OssXmlParse.ts"
import { presentElements, renderXmlDocument, type XmlElement } from "./OssXmlText.ts"

/** @category models */
export interface OssErrorBody {
  readonly code: string
  readonly message: string
  readonly requestId?: string
  readonly hostId?: string
  readonly ec?: string
  /** Every other text element, by element name (`UploadId`, `ServerTime`, `RecommendDoc`, …). */
  readonly extras: Readonly<Record<string, string>>
}

const standardElements = new Set(["Code", "Message", "RequestId", "HostId", "EC", textKey])

// Only the envelope is checked by schema; extras are collected from whatever text elements remain.
const ErrorEnvelope = Schema.Record(Schema.String, Schema.Unknown).pipe(
  Schema.check(Schema.makeFilter((record) => typeof record.Code === "string" || "an <Error> needs a <Code>"))
)

const textOf = (value: unknown): string | undefined => (typeof value === "string" ? value : undefined)

/**
 * Reads an `<Error>` body synchronously (the error mapping must not need a runtime).
 *
 * @category decoding
 */
export const parseErrorBody = (operation: Operation, text: string): Result.Result<OssErrorBody, MalformedResponse> =>
  Result.map(decodeDocument(operation, "Error", ErrorEnvelope, text), (fields) => {
    const extras: Record<string, string> = {}
    for (const [name, value] of Object.entries(asRecord(fields) ?? {})) {
      const extra = textOf(value)
      if (extra !== undefined && !standardElements.has(name)) extras[name] = extra
    }
    const optional = (name: string, value: string | undefined) => (value === undefined ? {} : { [name]: value })
    return {
      code: textOf(fields.Code)?.trim() ?? "",
      message: textOf(fields.Message) ?? "",
      ...optional("requestId", textOf(fields.RequestId)),
      ...optional("hostId", textOf(fields.HostId)),
      ...optional("ec", textOf(fields.EC)),
      extras
    }
  })

/** The `<Error>` a text holds; `undefined` for no text, blank text or any other document. @category decoding */
export const errorBodyIn = (operation: Operation, text: string | undefined): OssErrorBody | undefined => {
  if (text === undefined || text.trim() === "") return undefined
  const parsed = parseErrorBody(operation, text)
  return Result.isSuccess(parsed) ? parsed.success : undefined
}

/** {@link parseErrorBody} as an Effect. @category decoding */
export const decodeErrorBody = (operation: Operation, text: string): Effect.Effect<OssErrorBody, MalformedResponse> =>
  Effect.fromResult(parseErrorBody(operation, text))

/** @category models */
export interface ErrorBodyInput {
  readonly code: string
  readonly message: string
  readonly requestId: string
  readonly hostId: string
  /** Adds `<EC>` and, as OSS does, a `<RecommendDoc>` troubleshooting link after it. */
  readonly ec?: string
  /** Extra elements in insertion order; names that are not plain XML names or repeat the envelope are skipped. */
  readonly extras?: Readonly<Record<string, string>>
}

const xmlName = /^[A-Za-z_][A-Za-z0-9._-]*$/

/**
 * Server side: an OSS error body (no namespace), e.g. `NoSuchUpload` with its `UploadId`.
 *
 * @category encoding
 */
export const buildErrorBody = (input: ErrorBodyInput): string => {
  const extras: Array<XmlElement> = Object.entries(input.extras ?? {})
    .filter(([name]) => xmlName.test(name) && !standardElements.has(name) && name !== "RecommendDoc")
    .map(([name, value]): XmlElement => [name, value])
  const recommendDoc = input.extras?.RecommendDoc ?? (input.ec === undefined ? undefined : recommendDocOf(input.ec))
  return renderXmlDocument([
    "Error",
    [
      ["Code", input.code],
      ["Message", input.message],
      ["RequestId", input.requestId],
      ["HostId", input.hostId],
      ...extras,
      ...presentElements([
        ["EC", input.ec],
        ["RecommendDoc", recommendDoc]
      ])
    ]
  ])
}

const recommendDocOf = (ec: string): string => `https://api.aliyun.com/troubleshoot?q=${encodeURIComponent(ec)}`
