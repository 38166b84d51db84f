/**
 * The CompleteMultipartUpload request body, both directions (/work/shared/docs/protocol.md §1.3): the client
 * writes it, a local OSS-compatible server reads it.
 *
 * The reader accepts what real SDKs send: GOv2's one-line body with `&#34;`-escaped quotes, ali-oss's
 * declaration and newlines with literal quotes, and S3's namespaced body with `ETag` before `PartNumber` and extra
 * `Checksum*` elements. Anything else is a {@link MalformedXml} the server answers with `400 MalformedXML`.
 *
 * @since 0.1.0
 */

import type { CompletedPart } from "@resumable-upload/core/ports/ObjectStore"
import * as Data from "effect/Data"
import * as Effect from "effect/Effect"
import * as Result from "effect/Result"
import * as Schema from "effect/Schema"
import { makeXmlReader } from "./XmlDocument.ts"
import { CompleteMultipartUpload, partNumberMax } from "./XmlSchemas.ts"
import { renderXmlDocument, type XmlElement } from "./XmlText.ts"

/** 10,000 parts in GOv2's format take about 800 KB. @category constants */
export const completeBodyCharsMax = 1024 * 1024

/**
 * The body cannot be used: the server replies `400 MalformedXML` (OSS EC `0042-00000205`).
 *
 * @category errors
 */
export class MalformedXml extends Data.TaggedError("MalformedXml")<{
  readonly reason: "TooLarge" | "NotXml" | "WrongRoot" | "NoParts" | "TooManyParts" | "Invalid"
  readonly message: string
}> {}

/** Adds the quotes OSS shows around an ETag when the caller stored it bare. */
const quoted = (etag: string): string => (etag.startsWith('"') ? etag : `"${etag}"`)

/**
 * Client side: the body for `POST /{key}?uploadId=X`, parts sorted ascending (the store rejects any other order
 * with `InvalidPartOrder`), ETags quoted and XML-escaped.
 *
 * @category encoding
 */
export const buildCompleteBody = (parts: ReadonlyArray<CompletedPart>): string =>
  renderXmlDocument([
    "CompleteMultipartUpload",
    [...parts]
      .sort((a, b) => a.partNumber - b.partNumber)
      .map(
        (part): XmlElement => [
          "Part",
          [
            ["PartNumber", String(part.partNumber)],
            ["ETag", quoted(part.etag)]
          ]
        ]
      )
  ])

const readXml = makeXmlReader({ listPaths: ["CompleteMultipartUpload.Part"] })

/**
 * Server side: the parts a client asked to complete, in document order. Order, duplicates and the 1–10,000 range
 * are left to the server, which answers them with `InvalidPartOrder` / `InvalidPart`, not `MalformedXML`.
 *
 * @category decoding
 */
export const parseCompleteBody = (text: string): Result.Result<ReadonlyArray<CompletedPart>, MalformedXml> => {
  const fail = (reason: MalformedXml["reason"], message: string) => Result.fail(new MalformedXml({ reason, message }))
  const read = readXml(text, completeBodyCharsMax)
  if (Result.isFailure(read)) return fail(read.failure.reason, read.failure.message)
  const { root, content } = read.success
  if (root !== "CompleteMultipartUpload") return fail("WrongRoot", `expected <CompleteMultipartUpload>, got <${root}>`)
  const parts = typeof content === "object" && content !== null ? (content as { Part?: unknown }).Part : undefined
  if (!Array.isArray(parts) || parts.length === 0) return fail("NoParts", "the body lists no <Part>")
  if (parts.length > partNumberMax) return fail("TooManyParts", `${parts.length} parts; at most ${partNumberMax}`)
  const decoded = Schema.decodeUnknownResult(CompleteMultipartUpload)(content)
  if (Result.isFailure(decoded)) return fail("Invalid", decoded.failure.message)
  return Result.succeed(
    (decoded.success.Part ?? []).map((part) => ({ partNumber: part.PartNumber, etag: part.ETag.trim() }))
  )
}

/** {@link parseCompleteBody} as an Effect. @category decoding */
export const decodeCompleteBody = (text: string): Effect.Effect<ReadonlyArray<CompletedPart>, MalformedXml> =>
  Effect.fromResult(parseCompleteBody(text))
