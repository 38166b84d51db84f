/**
 * The checkpoint journal: a snapshot (core/Checkpoint.ts) on the first line, then one record per part committed
 * since, so saving a part appends about 200 bytes instead of rewriting the whole checkpoint.
 *
 * Each record carries its own CRC-64 and the checksum of the snapshot it extends. A crash mid-append can only
 * tear the last record: reading drops a last line that does not parse or check out, and so loses at most that
 * part (which is then sent again), never the checkpoint. A damaged record before the last is not a torn append,
 * so it is reported as {@link CheckpointCorrupt}. A record naming another snapshot is left over from before a
 * compaction (a store that keeps records apart from the snapshot, such as KvCheckpointStore) and is ignored.
 *
 * @since 0.3.0
 */
import * as Effect from "effect/Effect"
import * as Schema from "effect/Schema"
import { type Checkpoint, CheckpointCorrupt, checksumOf, decodeSnapshot, PartRecord } from "./Checkpoint.ts"

const Crc64Decimal = Schema.String.pipe(Schema.check(Schema.isPattern(/^[0-9]{1,20}$/)))

/** What one record says: this part is committed, as of this time. @category models */
export const RecordBody = Schema.Struct({
  /** The checksum of the snapshot this record extends. */
  base: Crc64Decimal,
  part: PartRecord,
  updatedAtMs: Schema.Int.pipe(Schema.check(Schema.isGreaterThanOrEqualTo(0)))
})
export type RecordBody = typeof RecordBody.Type

const RecordEnvelope = Schema.Struct({ crc64: Crc64Decimal, body: Schema.Unknown })

/** One record, newline first: appended after a snapshot or a record, it starts a line of its own. @category codec */
export const encodeRecord = (body: RecordBody): string => {
  const bodyJson = JSON.stringify(Schema.encodeSync(RecordBody)(body))
  return `\n{"crc64":"${checksumOf(bodyJson)}","body":${bodyJson}}`
}

/** A record line, or `undefined` when it is torn, damaged or not a record. */
const decodeRecord = (line: string): RecordBody | undefined => {
  let parsed: unknown
  try {
    parsed = JSON.parse(line)
  } catch {
    return undefined
  }
  const envelope = Schema.decodeUnknownOption(RecordEnvelope)(parsed)
  if (envelope._tag === "None" || checksumOf(JSON.stringify(envelope.value.body)) !== envelope.value.crc64) {
    return undefined
  }
  const body = Schema.decodeUnknownOption(RecordBody)(envelope.value.body)
  return body._tag === "None" ? undefined : body.value
}

/** A stored checkpoint: the snapshot with its records applied, in order (a later record of a part wins). */
export interface Journal {
  readonly checkpoint: Checkpoint
  /** The snapshot's checksum, which new records must name. */
  readonly base: string
  /** Records applied on top of the snapshot. */
  readonly records: number
}

/** Stored text (a version 1 snapshot, or a version 2 snapshot and its records) to a journal. @category codec */
export const decodeJournal = (checkpointId: string, text: string): Effect.Effect<Journal, CheckpointCorrupt> =>
  Effect.gen(function* () {
    const newline = text.indexOf("\n")
    const snapshot = yield* decodeSnapshot(checkpointId, newline < 0 ? text : text.slice(0, newline))
    if (newline < 0) return { checkpoint: snapshot.checkpoint, base: snapshot.checksum, records: 0 }
    const lines = text.slice(newline + 1).split("\n")
    const parts = new Map(snapshot.checkpoint.parts.map((part) => [part.partNumber, part]))
    let updatedAtMs = snapshot.checkpoint.updatedAtMs
    let records = 0
    for (const [i, line] of lines.entries()) {
      const record = decodeRecord(line)
      if (record === undefined) {
        if (i === lines.length - 1) break // the append a crash cut short: only that part is lost
        return yield* new CheckpointCorrupt({
          checkpointId,
          reason: "ChecksumMismatch",
          message: `checkpoint journal record ${i + 1} of ${lines.length} is damaged (edited or corrupted on disk)`
        })
      }
      if (record.base !== snapshot.checksum) continue // left over from before a compaction
      if (record.part.sizeBytes > (snapshot.checkpoint.growth?.partSizeBytesMax ?? snapshot.checkpoint.partSizeBytes)) {
        return yield* new CheckpointCorrupt({
          checkpointId,
          reason: "Invalid",
          message: `checkpoint journal record ${i + 1}: part ${record.part.partNumber} is larger than the part size`
        })
      }
      parts.set(record.part.partNumber, record.part)
      updatedAtMs = Math.max(updatedAtMs, record.updatedAtMs)
      records++
    }
    const sorted = [...parts.values()].sort((a, b) => a.partNumber - b.partNumber)
    const checkpoint = { ...snapshot.checkpoint, parts: sorted, updatedAtMs }
    return { checkpoint, base: snapshot.checksum, records }
  })

/** {@link decodeJournal}, the checkpoint only. @category codec */
export const decode = (checkpointId: string, text: string): Effect.Effect<Checkpoint, CheckpointCorrupt> =>
  Effect.map(decodeJournal(checkpointId, text), (journal) => journal.checkpoint)
