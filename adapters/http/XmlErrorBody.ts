/**
 * The `<Error>` envelope of OSS and S3 as a client reads it (/work/shared/docs/protocol.md §1.0, §4, §6); writing
 * one, with OSS's `EC` and `RecommendDoc`, is left to the OSS adapter's server side.
 *
 * Besides `Code`, `Message`, `RequestId`, `HostId` and `EC`, the stores add operation-specific elements
 * (`UploadId`, `ServerTime`, `StringToSign`, `BucketName`, `Region`, …). They are kept as a record so a caller can,
 * say, correct its clock from `ServerTime` without this module knowing every error.
 *
 * @since 0.1.0
 */

import type { Operation } from "@resumable-upload/core/ports/ObjectStore"
import * as Effect from "effect/Effect"
import * as Result from "effect/Result"
import * as Schema from "effect/Schema"
import { asRecord, textKey } from "./XmlDocument.ts"
import { decodeDocument, type MalformedResponse } from "./XmlParse.ts"

/** @category models */
export interface ErrorBody {
  readonly code: string
  readonly message: string
  readonly requestId?: string
  readonly hostId?: string
  readonly ec?: string
  /** Every other text element, by element name (`UploadId`, `ServerTime`, `RecommendDoc`, …). */
  readonly extras: Readonly<Record<string, string>>
}

/** The envelope's own elements (and mixed text), which are never extras. @category constants */
export const envelopeElements: ReadonlySet<string> = new Set(["Code", "Message", "RequestId", "HostId", "EC", textKey])

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
export const parseErrorBody = (operation: Operation, text: string): Result.Result<ErrorBody, MalformedResponse> =>
  Result.map(decodeDocument(operation, "Error", ErrorEnvelope, text), (fields) => {
    const extras: Record<string, string> = {}
    for (const [name, value] of Object.entries(asRecord(fields) ?? {})) {
      const extra = textOf(value)
      if (extra !== undefined && !envelopeElements.has(name)) extras[name] = extra
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
export const errorBodyIn = (operation: Operation, text: string | undefined): ErrorBody | undefined => {
  if (text === undefined || text.trim() === "") return undefined
  const parsed = parseErrorBody(operation, text)
  return Result.isSuccess(parsed) ? parsed.success : undefined
}

/** {@link parseErrorBody} as an Effect. @category decoding */
export const decodeErrorBody = (operation: Operation, text: string): Effect.Effect<ErrorBody, MalformedResponse> =>
  Effect.fromResult(parseErrorBody(operation, text))
