/**
 * Multipart limits of each object-store dialect, and object-key validation.
 *
 * The numbers come from the OSS and S3 documentation (see README, "Limits"). A store adapter declares the limits it
 * enforces, so a store with stricter or looser rules (a simulator, a private S3 clone) is planned for correctly
 * without the engine knowing its name.
 *
 * @since 0.1.0
 */
import * as Data from "effect/Data"
import * as Effect from "effect/Effect"
import * as Utf8 from "./Utf8.ts"

/** @category models */
export type Dialect = "oss" | "s3"

/** @category models */
export interface DialectLimits {
  readonly partCountMax: number
  /** Every part but the last must be at least this large; checked by the server at Complete. */
  readonly partSizeBytesMin: number
  readonly partSizeBytesMax: number
  readonly objectSizeBytesMax: number
  /** The largest page a single ListParts / ListMultipartUploads call returns. */
  readonly listPageSizeMax: number
}

const KiB = 1024
const MiB = 1024 * KiB
const GiB = 1024 * MiB

/** OSS: 100 KB to 5 GB per part, 10,000 parts, 48.8 TB per object. @category constants */
export const ossLimits: DialectLimits = {
  partCountMax: 10_000,
  partSizeBytesMin: 100 * KiB,
  partSizeBytesMax: 5 * GiB,
  objectSizeBytesMax: 10_000 * 5 * GiB,
  listPageSizeMax: 1000
}

/** S3: 5 MiB to 5 GiB per part, 10,000 parts, 48.8 TiB per object. @category constants */
export const s3Limits: DialectLimits = {
  partCountMax: 10_000,
  partSizeBytesMin: 5 * MiB,
  partSizeBytesMax: 5 * GiB,
  objectSizeBytesMax: 10_000 * 5 * GiB,
  listPageSizeMax: 1000
}

/** @category constants */
export const limitsOf = (dialect: Dialect): DialectLimits => (dialect === "oss" ? ossLimits : s3Limits)

/** The part size used when the caller names none: 8 MiB, as the OSS SDKs do. @category constants */
export const defaultPartSizeBytes = 8 * MiB

/** Object keys: 1 to 1023 bytes of UTF-8. @category constants */
export const keyBytesMax = 1023

/** A key the stores would reject or mangle. @category errors */
export class InvalidObjectKey extends Data.TaggedError("InvalidObjectKey")<{
  readonly key: string
  readonly reason: "Empty" | "TooLong" | "LeadingSlash" | "LeadingBackslash" | "InvalidUtf16"
  readonly message: string
}> {}

/** True when the string holds an unpaired surrogate, which has no UTF-8 encoding. */
const hasLoneSurrogate = (s: string): boolean => {
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i)
    if (c >= 0xd800 && c <= 0xdbff) {
      const next = s.charCodeAt(i + 1)
      if (next >= 0xdc00 && next <= 0xdfff) {
        i++
        continue
      }
      return true
    }
    if (c >= 0xdc00 && c <= 0xdfff) return true
  }
  return false
}

/**
 * Checks an object key: non-empty, at most 1023 bytes of UTF-8, not starting with `/` or `\`.
 *
 * @category validation
 */
export const validateObjectKey = (key: string): Effect.Effect<string, InvalidObjectKey> => {
  const fail = (reason: InvalidObjectKey["reason"], message: string) =>
    Effect.fail(new InvalidObjectKey({ key, reason, message }))
  if (key.length === 0) return fail("Empty", "object key must not be empty")
  if (hasLoneSurrogate(key)) return fail("InvalidUtf16", "object key holds an unpaired UTF-16 surrogate")
  const bytes = Utf8.encode(key).length
  if (bytes > keyBytesMax) return fail("TooLong", `object key is ${bytes} bytes of UTF-8; the limit is ${keyBytesMax}`)
  if (key.startsWith("/")) return fail("LeadingSlash", "object key must not start with '/'")
  if (key.startsWith("\\")) return fail("LeadingBackslash", "object key must not start with '\\'")
  return Effect.succeed(key)
}
