/**
 * A part or object body on its way into the disk storage: streamed into a temp record (from the request through
 * bodyIngest.ts, or from a stored object for the copy operations) and held to the shared rules (size, Content-MD5),
 * so the storage gets either a checked record to commit or a refusal, and never a half-checked body.
 *
 * @since 0.1.0
 */
import type { Dialect, DialectLimits } from "@resumable-upload/core/Limits"
import type { StoredChecksums } from "@resumable-upload/core/ports/ObjectStore"
import type { ModelError } from "@resumable-upload/sim/MultipartModel"
import * as Rules from "@resumable-upload/sim/MultipartRules"
import { simpleEtag } from "@resumable-upload/sim/multipartEtag"
import type { BodySink, Ingested, Refusal } from "./bodyReceipt.ts"
import type { DirectorySyncer } from "./directorySync.ts"
import type { ObjectMeta } from "./diskIndex.ts"
import { copySegments } from "./segmentCopy.ts"
import type { BodyFacts } from "./storeRecords.ts"
import { StreamedRecord } from "./streamedRecord.ts"

/** Receives a body into the sink it is given (bodyIngest.ts). @category models */
export type Receive = (sink: BodySink) => Promise<Ingested | Refusal>

/** @category models */
export type Stored = {
  readonly ok: true
  readonly value: StoredChecksums
  readonly echo: Readonly<Record<string, string>>
}

/** Where a body's bytes come from: the request, or a range of a stored object (the copy operations). @category models */
export type BodySource = Receive | { readonly copyOf: ObjectMeta; readonly startByte: number; readonly endByte: number }

/** What a request says of its body: `Content-MD5`, and the dialect its errors are in. @category models */
export interface BodyClaims {
  readonly md5Base64?: string
  readonly dialect?: Dialect
}

/** A refusal; `closeConnection` when it is made before the body was read. @category constructors */
export const refusal = (error: ModelError, closeConnection = true): Refusal => ({ ok: false, error, closeConnection })

/** @category models */
export interface Received {
  readonly ok: true
  readonly facts: BodyFacts
  readonly record: StreamedRecord
  readonly echo: Stored["echo"]
}

/** @category models */
export interface IntakeDeps {
  readonly tempDirectory: string
  readonly syncer: DirectorySyncer
  readonly limits: DialectLimits
}

/** The body in a temp record with its facts, or why not (the temp file then is gone). @category constructors */
export const receiveBody = async (
  deps: IntakeDeps,
  known: Readonly<Record<string, unknown>>,
  claims: BodyClaims,
  source: BodySource
): Promise<Received | Refusal> => {
  const expected = Rules.checkContentMd5(claims.md5Base64)
  if (!expected.ok) return refusal(expected.error)
  const record = await StreamedRecord.create(deps.tempDirectory, known, deps.syncer)
  try {
    let body: Ingested | Refusal
    if (typeof source === "function") body = await source(record)
    else {
      const copied = await copySegments(source.copyOf.segments, source.startByte, source.endByte, record)
      body = { ok: true, ...copied, echo: {} }
    }
    if (!body.ok) {
      await record.discard()
      return body
    }
    const sized = Rules.checkBodySize(deps.limits, body.sizeBytes)
    const matched = Rules.checkDigest(expected.value, body.md5, claims.dialect ?? "oss")
    const failed = !sized.ok ? sized : !matched.ok ? matched : undefined
    if (failed !== undefined) {
      await record.discard()
      return refusal(failed.error, false)
    }
    const facts: BodyFacts = {
      sizeBytes: body.sizeBytes,
      md5: body.md5,
      crc64: body.crc64,
      etag: simpleEtag("oss", body.md5)
    }
    return { ok: true, facts, record, echo: body.echo }
  } catch (cause) {
    await record.discard()
    throw cause
  }
}
