/**
 * ISO 8601 UTC text (`2026-12-07T02:24:00.513Z`) from epoch milliseconds, by arithmetic alone: core builds error
 * messages (a source's modification time, when it changed) and must stay pure, so the `Date` global is off limits
 * here. The civil-from-days conversion is Howard Hinnant's (proleptic Gregorian, any year 0000–9999).
 *
 * The messages carry the text and not raw epoch numbers because people read them; core formats it rather than
 * each front end, so the library's Promise API, the CLI and logs all say the same.
 *
 * @since 0.1.0
 */

const msPerDay = 86_400_000

const pad = (n: number, width: number): string => String(n).padStart(width, "0")

/**
 * `YYYY-MM-DDTHH:MM:SS.mmmZ` for whole milliseconds from 1970 on (modification times are clamped to that); a
 * value outside 0000–9999 or not finite is shown as `<n> ms since 1970` rather than as a wrong date.
 *
 * @category formatting
 */
export const isoFromEpochMs = (epochMs: number): string => {
  const ms = Math.floor(epochMs)
  const days = Math.floor(ms / msPerDay)
  const inDay = ms - days * msPerDay
  // Days since 0000-03-01, in 400-year eras of 146,097 days; March first puts the leap day at a year's end.
  const z = days + 719_468
  const era = Math.floor(z / 146_097)
  const dayOfEra = z - era * 146_097
  const yearOfEra = Math.floor(
    (dayOfEra - Math.floor(dayOfEra / 1460) + Math.floor(dayOfEra / 36_524) - Math.floor(dayOfEra / 146_096)) / 365
  )
  const dayOfYear = dayOfEra - (365 * yearOfEra + Math.floor(yearOfEra / 4) - Math.floor(yearOfEra / 100))
  const monthIndex = Math.floor((5 * dayOfYear + 2) / 153)
  const day = dayOfYear - Math.floor((153 * monthIndex + 2) / 5) + 1
  const month = monthIndex < 10 ? monthIndex + 3 : monthIndex - 9
  const year = yearOfEra + era * 400 + (month <= 2 ? 1 : 0)
  if (!Number.isFinite(epochMs) || year < 0 || year > 9999) return `${epochMs} ms since 1970`
  const hours = Math.floor(inDay / 3_600_000)
  const minutes = Math.floor((inDay % 3_600_000) / 60_000)
  const seconds = Math.floor((inDay % 60_000) / 1000)
  return `${pad(year, 4)}-${pad(month, 2)}-${pad(day, 2)}T${pad(hours, 2)}:${pad(minutes, 2)}:${pad(seconds, 2)}.${pad(inDay % 1000, 3)}Z`
}
