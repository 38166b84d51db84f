/**
 * Request headers as the signers read them, for every signature the stores check (OSS V1 and V4, S3 SigV4): names
 * lowercased, repeated names joined, and a way to set headers that replaces any other spelling of their names.
 *
 * Signer and verifier both go through these functions, so a client and the emulator can never disagree on which
 * value a header has.
 *
 * @since 0.1.0
 */

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
