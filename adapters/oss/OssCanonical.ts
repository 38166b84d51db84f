/**
 * Text building blocks shared by the OSS V1 and V4 signers: header-name normalisation, the byte order the SDKs sort
 * in, RFC 3986 percent-encoding, and the two timestamp formats (/work/shared/docs/protocol.md §3.1, §3.2, §6).
 *
 * Signer and verifier both go through these functions, so a client and the emulator can never disagree on, say,
 * how `+` in a key is encoded.
 *
 * @since 0.1.0
 */
import { utf8 } from "./OssCrypto.ts"

/**
 * Header names lowercased; values kept raw (each signer decides where to trim). Two spellings of one name are
 * joined with `,`, as the SDKs join the values of a repeated header.
 *
 * @category headers
 */
export const headerMap = (headers: Readonly<Record<string, string>>): Map<string, string> => {
  const out = new Map<string, string>()
  for (const [name, value] of Object.entries(headers)) {
    const lower = name.toLowerCase()
    const previous = out.get(lower)
    out.set(lower, previous === undefined ? value : `${previous},${value}`)
  }
  return out
}

/**
 * `headers` with `added` set, replacing any spelling of the same names: a caller's `X-OSS-Date` must not survive
 * next to the signer's `x-oss-date` and get joined into the signed value.
 *
 * @category headers
 */
export const withHeaders = (
  headers: Readonly<Record<string, string>>,
  added: Readonly<Record<string, string>>
): Record<string, string> => {
  const replaced = new Set(Object.keys(added).map((name) => name.toLowerCase()))
  const kept = Object.entries(headers).filter(([name]) => !replaced.has(name.toLowerCase()))
  return { ...Object.fromEntries(kept), ...added }
}

/**
 * Orders strings by Unicode code point, which is UTF-8 byte order: what Go's `sort.Strings` and Python's `sorted` do
 * in the SDKs. Plain `<` compares UTF-16 code units and puts U+E000..U+FFFF after astral characters.
 *
 * @category ordering
 */
export const compareCodePoints = (a: string, b: string): number => {
  const length = Math.min(a.length, b.length)
  for (let i = 0; i < length; i++) {
    const x = a.charCodeAt(i)
    const y = b.charCodeAt(i)
    if (x !== y) return codePointRank(x) - codePointRank(y)
  }
  return a.length - b.length
}

// Surrogates (D800–DFFF) start astral code points, which sort after E000–FFFF: shift the two ranges past each other.
const codePointRank = (unit: number): number =>
  unit >= 0xd800 && unit <= 0xdfff ? unit + 0x2000 : unit >= 0xe000 ? unit - 0x800 : unit

const isUnreserved = (byte: number): boolean =>
  (byte >= 0x41 && byte <= 0x5a) || // A-Z
  (byte >= 0x61 && byte <= 0x7a) || // a-z
  (byte >= 0x30 && byte <= 0x39) || // 0-9
  byte === 0x2d || // -
  byte === 0x2e || // .
  byte === 0x5f || // _
  byte === 0x7e // ~

/**
 * RFC 3986 encoding of the UTF-8 bytes: `A-Za-z0-9-._~` stay, everything else becomes uppercase `%XX` (space is
 * `%20`, never `+`). With `keepSlash`, `/` stays too (the V4 canonical URI). GOv2 `escapePath`, ali-oss `encodeURIComponent` plus `!'()*`.
 *
 * @category encoding
 */
export const uriEncode = (text: string, keepSlash = false): string => {
  let out = ""
  for (const byte of utf8(text)) {
    out +=
      isUnreserved(byte) || (keepSlash && byte === 0x2f)
        ? String.fromCharCode(byte)
        : `%${byte.toString(16).toUpperCase().padStart(2, "0")}`
  }
  return out
}

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
