/**
 * How a key becomes a file name, and a name a path, for the file-backed stores and locks (Node and Deno share it,
 * so either runtime can resume the other's checkpoints).
 *
 * `_` + `encodeURIComponent(key)` with every character outside `[a-z0-9_-]` escaped too: no name contains `.` (so
 * temp `.tmp` and `.lock` files can never be mistaken for keys), upper case is escaped (keys differing only in case
 * stay apart on case-insensitive file systems), and no key ("", "..", "a/b") can escape the directory.
 *
 * @since 0.1.0
 */

/** Key to file name. Throws a `URIError` on lone surrogates. @category utils */
export const encodeFileName = (key: string): string =>
  `_${encodeURIComponent(key).replace(/%[0-9A-F]{2}|[^a-z0-9_-]/g, (m) =>
    m.length === 3 ? m : `%${m.charCodeAt(0).toString(16).toUpperCase().padStart(2, "0")}`
  )}`

/** File name to key, or `undefined` for files that are not keys (temp, lock, foreign). @category utils */
export const decodeFileName = (name: string): string | undefined => {
  if (!name.startsWith("_") || name.includes(".")) return undefined
  try {
    const key = decodeURIComponent(name.slice(1))
    return encodeFileName(key) === name ? key : undefined
  } catch {
    return undefined
  }
}

/**
 * `name` inside `directory`, joined with `/`: Node and Deno accept it on Windows too, and portable code has no path
 * module. A trailing separator is not doubled, and `""` means the current directory (not the root). @category utils
 */
export const inDirectory = (directory: string, name: string): string =>
  directory === "" ? name : /[\\/]$/.test(directory) ? `${directory}${name}` : `${directory}/${name}`
