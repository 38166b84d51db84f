/**
 * The checkpoint: everything needed to resume an upload after a crash, and nothing secret.
 *
 * A snapshot is stored as versioned JSON with a CRC-64 over its body, so a torn, truncated, hand-edited or foreign
 * file is reported as a typed {@link CheckpointCorrupt} instead of being trusted. Credentials never enter it: the
 * request's store identity is an endpoint id, not a signed URL. Version 2 snapshots may be followed by journal
 * records, one per committed part (core/CheckpointJournal.ts); version 1 (a lone snapshot) is still read.
 *
 * @since 0.1.0
 */
import * as Data from "effect/Data"
import * as Effect from "effect/Effect"
import * as Schema from "effect/Schema"
import * as Crc64 from "./Crc64.ts"
import * as Utf8 from "./Utf8.ts"

/** Format marker and the version this code writes; it reads {@link readableVersions}. @category constants */
export const checkpointFormat = "resumable-upload.checkpoint"
export const checkpointVersion = 2
/** 1: a lone snapshot (before the journal). 2: a snapshot, then journal records. @category constants */
export const readableVersions: ReadonlyArray<number> = [1, 2]
/**
 * 10,000 parts take about 1.2 MB as a snapshot; the journal is compacted before it outgrows half of that, so
 * anything much larger is not ours. @category constants
 */
export const checkpointBytesMax = 4 * 1024 * 1024

/** At most this many stray upload ids are carried (core/StrayUploads.ts; each costs one abort at the end). @category constants */
export const strayUploadIdsMax = 8

const NonNegativeInt = Schema.Int.pipe(Schema.check(Schema.isGreaterThanOrEqualTo(0)))
const Crc64Decimal = Schema.String.pipe(
  Schema.check(
    Schema.makeFilter((text: string) => Crc64.fromDecimal(text) !== undefined || "a CRC-64 in decimal, 0 to 2^64-1")
  )
)

/** @category models */
export const SourceFingerprint = Schema.Struct({
  name: Schema.String,
  sizeBytes: NonNegativeInt,
  lastModifiedMs: Schema.optionalKey(NonNegativeInt),
  /** CRC-64 of a few small ranges (start, middle, end): cheap evidence that the content is the same. */
  sampleCrc64: Crc64Decimal
})
export type SourceFingerprint = typeof SourceFingerprint.Type

/** @category models */
export const PartRecord = Schema.Struct({
  partNumber: Schema.Int.pipe(Schema.check(Schema.isBetween({ minimum: 1, maximum: 10_000 }))),
  sizeBytes: NonNegativeInt,
  etag: Schema.String,
  /** Absent when the store verifies no CRC-64 (S3), so none was computed. */
  crc64: Schema.optionalKey(Crc64Decimal),
  /** The part's MD5 in hex, kept for stream parts so a rerun can verify its bytes without the store's ETag. */
  md5: Schema.optionalKey(Schema.String.pipe(Schema.check(Schema.isPattern(/^[0-9a-f]{32}$/)))),
  /** The store's opaque per-part value for Complete (core/ports/ObjectStore.ts `StoredChecksums.partChecksum`). */
  partChecksum: Schema.optionalKey(Schema.String.pipe(Schema.check(Schema.isMaxLength(128))))
})
export type PartRecord = typeof PartRecord.Type

/** @category models */
export const Checkpoint = Schema.Struct({
  dialect: Schema.Literals(["oss", "s3"]),
  endpointId: Schema.String,
  bucket: Schema.String,
  key: Schema.String,
  uploadId: Schema.String.pipe(Schema.check(Schema.isMinLength(1))),
  source: SourceFingerprint,
  partSizeBytes: Schema.Int.pipe(Schema.check(Schema.isGreaterThanOrEqualTo(1))),
  parts: Schema.Array(PartRecord),
  /** Set for a stream of unknown size: its growing part layout (core/PartGrowth.ts), fixed for the upload. */
  growth: Schema.optionalKey(
    Schema.Struct({
      startPartSizeBytes: Schema.Int.pipe(Schema.check(Schema.isGreaterThanOrEqualTo(1))),
      partSizeBytesMax: Schema.Int.pipe(Schema.check(Schema.isGreaterThanOrEqualTo(1))),
      growthEveryParts: Schema.Int.pipe(Schema.check(Schema.isGreaterThanOrEqualTo(1))),
      partCountMax: Schema.Int.pipe(Schema.check(Schema.isBetween({ minimum: 1, maximum: 10_000 })))
    })
  ),
  createdAtMs: NonNegativeInt,
  updatedAtMs: NonNegativeInt,
  /** Earlier uploads of this request whose abort failed (core/StrayUploads.ts): aborted on cancel or Complete. */
  strayUploadIds: Schema.optionalKey(Schema.Array(Schema.String))
})
export type Checkpoint = typeof Checkpoint.Type

/** @category errors */
export class CheckpointCorrupt extends Data.TaggedError("CheckpointCorrupt")<{
  readonly checkpointId: string
  readonly reason: "TooLarge" | "NotJson" | "NotACheckpoint" | "UnsupportedVersion" | "ChecksumMismatch" | "Invalid"
  readonly message: string
}> {}

const Envelope = Schema.Struct({
  format: Schema.Literal(checkpointFormat),
  version: Schema.Int,
  crc64: Crc64Decimal,
  body: Schema.Unknown
})

/** CRC-64 (decimal) of a JSON text: the envelope's and each journal record's checksum. @category codec */
export const checksumOf = (json: string): string => Crc64.compute(Utf8.encode(json)).toString()

/** A snapshot's text and its checksum (journal records name it, so a record never applies to another snapshot). */
export interface EncodedSnapshot {
  readonly text: string
  readonly checksum: string
}

/** Checkpoint to snapshot text. Parts are written in ascending order so equal checkpoints give equal text. @category codec */
export const encodeSnapshot = (checkpoint: Checkpoint): EncodedSnapshot => {
  const sorted = { ...checkpoint, parts: [...checkpoint.parts].sort((a, b) => a.partNumber - b.partNumber) }
  const bodyJson = JSON.stringify(Schema.encodeSync(Checkpoint)(sorted))
  const checksum = checksumOf(bodyJson)
  return {
    text: `{"format":"${checkpointFormat}","version":${checkpointVersion},"crc64":"${checksum}","body":${bodyJson}}`,
    checksum
  }
}

/** Checkpoint to snapshot text (one line, no journal). @category codec */
export const encode = (checkpoint: Checkpoint): string => encodeSnapshot(checkpoint).text

/** One snapshot's text to checkpoint, or the precise reason it cannot be trusted. @category codec */
export const decode = (checkpointId: string, text: string): Effect.Effect<Checkpoint, CheckpointCorrupt> =>
  Effect.map(decodeSnapshot(checkpointId, text), (snapshot) => snapshot.checkpoint)

/** {@link decode}, keeping the snapshot's checksum. @category codec */
export const decodeSnapshot = (
  checkpointId: string,
  text: string
): Effect.Effect<{ readonly checkpoint: Checkpoint; readonly checksum: string }, CheckpointCorrupt> =>
  Effect.gen(function* () {
    const corrupt = (reason: CheckpointCorrupt["reason"], message: string) =>
      new CheckpointCorrupt({ checkpointId, reason, message })
    if (text.length > checkpointBytesMax) {
      return yield* corrupt("TooLarge", `checkpoint is ${text.length} characters; the limit is ${checkpointBytesMax}`)
    }
    const parsed = yield* Effect.try({
      try: (): unknown => JSON.parse(text),
      catch: () => corrupt("NotJson", "checkpoint is not valid JSON (torn or truncated write?)")
    })
    const envelope = yield* Schema.decodeUnknownEffect(Envelope)(parsed).pipe(
      Effect.mapError(() => corrupt("NotACheckpoint", "file is not a resumable-upload checkpoint"))
    )
    if (!readableVersions.includes(envelope.version)) {
      return yield* corrupt(
        "UnsupportedVersion",
        `checkpoint version ${envelope.version} is not supported (this build reads versions ${readableVersions.join(", ")})`
      )
    }
    if (checksumOf(JSON.stringify(envelope.body)) !== envelope.crc64) {
      return yield* corrupt("ChecksumMismatch", "checkpoint checksum does not match its content (edited or damaged)")
    }
    const checkpoint = yield* Schema.decodeUnknownEffect(Checkpoint)(envelope.body).pipe(
      Effect.mapError((error) => corrupt("Invalid", `checkpoint content is invalid: ${error.message}`))
    )
    const valid = yield* validateParts(checkpoint).pipe(Effect.mapError((message) => corrupt("Invalid", message)))
    return { checkpoint: valid, checksum: envelope.crc64 }
  })

/** Cross-field rules a schema cannot express: unique part numbers, sizes that fit the layout. */
const validateParts = (checkpoint: Checkpoint): Effect.Effect<Checkpoint, string> => {
  if ((checkpoint.strayUploadIds?.length ?? 0) > strayUploadIdsMax) {
    return Effect.fail(`more than ${strayUploadIdsMax} stray upload ids`)
  }
  const seen = new Set<number>()
  for (const part of checkpoint.parts) {
    if (seen.has(part.partNumber)) return Effect.fail(`part ${part.partNumber} is recorded twice`)
    seen.add(part.partNumber)
    if (part.sizeBytes > (checkpoint.growth?.partSizeBytesMax ?? checkpoint.partSizeBytes)) {
      return Effect.fail(`part ${part.partNumber} is larger than the part size`)
    }
  }
  return Effect.succeed(checkpoint)
}
