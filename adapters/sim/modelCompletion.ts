/**
 * CompleteMultipartUpload for the in-memory multipart model: the checks and the ETag / CRC-64 come from the shared
 * rules (MultipartRules.ts, metadata only); what is left here is the one thing the model does with bytes,
 * concatenating the chosen parts.
 *
 * @since 0.1.0
 */
import type { Dialect, DialectLimits } from "@resumable-upload/core/Limits"
import { assembleFacts, type NumberedFacts, type PartFacts } from "./MultipartRules.ts"
import type { ModelResult } from "./modelErrors.ts"
import { ok } from "./modelErrors.ts"

/** A part as the model keeps it: a private copy of the bytes and its digests. @category models */
export interface StoredPart extends PartFacts {
  readonly bytes: Uint8Array
  /** When the part was written (`nowMs` of its UploadPart); absent only for parts made by older callers. */
  readonly modifiedAtMs?: number
}

/** @category models */
export type NumberedPart = NumberedFacts<StoredPart>

/** @category models */
export interface AssembledObject {
  readonly bytes: Uint8Array
  readonly etag: string
  readonly crc64: bigint
}

/** The rules' checks, then the parts concatenated under the object's ETag and CRC-64. @category utils */
export const assemble = (
  dialect: Dialect,
  limits: DialectLimits,
  parts: ReadonlyArray<NumberedPart>
): ModelResult<AssembledObject> => {
  const facts = assembleFacts(dialect, limits, parts)
  if (!facts.ok) return facts
  const bytes = new Uint8Array(facts.value.sizeBytes)
  let offsetBytes = 0
  for (const [, part] of parts) {
    bytes.set(part.bytes, offsetBytes)
    offsetBytes += part.bytes.length
  }
  return ok({ bytes, etag: facts.value.etag, crc64: facts.value.crc64 })
}
