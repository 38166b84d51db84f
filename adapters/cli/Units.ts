/**
 * Sizes and durations as people type them: `8MiB`, `64MB`, `1.5GiB`, `7d`, `12h`, `90s`.
 *
 * @since 0.1.0
 */

const sizeUnits: Readonly<Record<string, number>> = {
  "": 1,
  b: 1,
  kb: 1e3,
  mb: 1e6,
  gb: 1e9,
  tb: 1e12,
  k: 1024,
  kib: 1024,
  m: 1024 ** 2,
  mib: 1024 ** 2,
  g: 1024 ** 3,
  gib: 1024 ** 3,
  t: 1024 ** 4,
  tib: 1024 ** 4
}

/** Bytes, or `undefined` when the text is not a size. @category parsers */
export const parseSizeBytes = (text: string): number | undefined => {
  const match = /^\s*(\d+(?:\.\d+)?)\s*([a-z]*)\s*$/i.exec(text)
  const unit = sizeUnits[(match?.[2] ?? "").toLowerCase()]
  if (match?.[1] === undefined || unit === undefined) return undefined
  const bytes = Math.round(Number(match[1]) * unit)
  return Number.isSafeInteger(bytes) ? bytes : undefined
}

const durationUnits: Readonly<Record<string, number>> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 }

/** Milliseconds, or `undefined` when the text is not a duration. @category parsers */
export const parseDurationMs = (text: string): number | undefined => {
  const match = /^\s*(\d+(?:\.\d+)?)\s*(ms|s|m|h|d)\s*$/i.exec(text)
  const unit = durationUnits[(match?.[2] ?? "").toLowerCase()]
  return match?.[1] === undefined || unit === undefined ? undefined : Math.round(Number(match[1]) * unit)
}

/** `1.5 GiB`, `812 KiB`: binary units, one decimal. @category formatters */
export const formatBytes = (bytes: number): string => {
  const units = ["B", "KiB", "MiB", "GiB", "TiB"]
  let value = bytes
  let unit = 0
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024
    unit++
  }
  return `${unit === 0 ? value : value.toFixed(1)} ${units[unit]}`
}
