/**
 * The initiate intent: a small record written under the checkpoint's id just before `InitiateMultipartUpload`, so an
 * upload whose Initiate answer a crash lost (an empty upload no checkpoint names) is found by the next run. That run
 * lists the key's uploads initiated since the intent (ListMultipartUploads, prefix = key, bounded pages) and takes
 * them as strays of its new upload (core/StrayUploads.ts), which aborts them after Complete or on cancel.
 *
 * The first checkpoint of the new upload replaces the intent (same id), so the intent lives only while Initiate is
 * unanswered. Stored as its own envelope format, with a CRC-64 like a checkpoint; never mistaken for one.
 *
 * @since 0.5.0
 */
import * as Schema from "effect/Schema"
import { checksumOf } from "./Checkpoint.ts"

/** Format marker of an intent text. @category constants */
export const intentFormat = "resumable-upload.initiating"

/**
 * How far before the intent an upload may have been initiated by the store's clock and still be ours: the store
 * stamps `Initiated` with its own clock, which may run behind ours (S3 refuses requests more than 15 minutes off).
 * @category constants
 */
export const clockSlackMs = 15 * 60 * 1000

/** At most this many ListMultipartUploads pages are read to find orphans (then the rest is left to gc). @category constants */
export const orphanListPagesMax = 4

/** @category models */
export const InitiateIntent = Schema.Struct({
  bucket: Schema.String,
  key: Schema.String,
  /** When the first Initiate of this request was about to be sent, by the client's clock. */
  sinceMs: Schema.Int.pipe(Schema.check(Schema.isGreaterThanOrEqualTo(0)))
})
export type InitiateIntent = typeof InitiateIntent.Type

const Envelope = Schema.Struct({ format: Schema.Literal(intentFormat), crc64: Schema.String, body: Schema.Unknown })

/** Intent to stored text. @category codec */
export const encode = (intent: InitiateIntent): string => {
  const bodyJson = JSON.stringify(Schema.encodeSync(InitiateIntent)(intent))
  return `{"format":"${intentFormat}","crc64":"${checksumOf(bodyJson)}","body":${bodyJson}}`
}

/** Whether stored text is an intent (not a checkpoint); cheap, reads the prefix only. @category codec */
export const isIntent = (text: string): boolean => text.startsWith(`{"format":"${intentFormat}"`)

/** Stored text to intent; `undefined` for anything else or a damaged intent (then nothing is looked for). @category codec */
export const decode = (text: string): InitiateIntent | undefined => {
  if (!isIntent(text) || text.length > 64 * 1024) return undefined
  let parsed: unknown
  try {
    parsed = JSON.parse(text)
  } catch {
    return undefined
  }
  const envelope = Schema.decodeUnknownOption(Envelope)(parsed)
  if (envelope._tag === "None" || checksumOf(JSON.stringify(envelope.value.body)) !== envelope.value.crc64)
    return undefined
  const intent = Schema.decodeUnknownOption(InitiateIntent)(envelope.value.body)
  return intent._tag === "None" ? undefined : intent.value
}
