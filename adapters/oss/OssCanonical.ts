/**
 * The two timestamp formats of the OSS signers (/work/shared/docs/protocol.md §3.1, §3.2, §6): RFC 1123 for V1's
 * `Date`, ISO 8601 basic for V4's `x-oss-date`, and the lenient reading of either a server does for clock-skew
 * checks. The header, ordering and percent-encoding rules they share with S3 are in `@resumable-upload/http`
 * (`HeaderMap`, `CodePointOrder`, `UriEncoding`).
 *
 * @since 0.1.0
 */

/** @category dates */
export const epochMillis = (date: Date | number): number => {
  const ms = typeof date === "number" ? date : date.getTime()
  if (!Number.isFinite(ms)) throw new RangeError(`OSS signing: invalid request date ${String(date)}`)
  return ms
}

/** RFC 1123 GMT (`Wed, 28 Dec 2022 10:27:41 GMT`): the `Date` / V1 `x-oss-date` format. @category dates */
export const formatHttpDate = (ms: number): string => new Date(ms).toUTCString()

/** ISO 8601 basic (`20231216T162057Z`): the V4 `x-oss-date` format. @category dates */
export const formatIso8601Basic = (ms: number): string =>
  new Date(ms)
    .toISOString()
    .replace(/\.\d{3}Z$/, "Z")
    .replace(/[-:]/g, "")

const iso8601Basic = /^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z$/

/**
 * Parses a request timestamp in either format OSS accepts (§6 and open point 4: V1 clients send RFC 1123 or ISO
 * basic), for clock-skew checks; `undefined` when it is neither.
 *
 * @category dates
 */
export const parseOssDate = (value: string): number | undefined => {
  const text = value.trim()
  const iso = iso8601Basic.exec(text)
  if (iso !== null) {
    const [y, mo, d, h, mi, s] = iso.slice(1).map(Number) as [number, number, number, number, number, number]
    const ms = Date.UTC(y, mo - 1, d, h, mi, s)
    return formatIso8601Basic(ms) === text ? ms : undefined // rejects 20231332T…, which Date.UTC would roll over
  }
  if (!text.endsWith(" GMT")) return undefined
  const ms = Date.parse(text)
  return Number.isFinite(ms) ? ms : undefined
}
