/**
 * A `KeyValueStore` over one directory (one file per key) whose `set` is atomic: temp file in the same directory,
 * fsync, rename over the target, fsync the directory. After a crash a key holds its old value or its new one.
 *
 * File names are `_` + `encodeURIComponent(key)` with every character outside `[a-z0-9_-]` escaped too, so no key
 * can name a path outside the directory (`/`, `..`, `""`), and names hold no `.`: temp files (`.<uuid>.tmp`)
 * and lock files (`<name>.lock`) can never be mistaken for keys. Upper-case letters are escaped so keys differing
 * only in case stay distinct on case-insensitive file systems (macOS, Windows); the `_` keeps `""` and Windows
 * device names (`con`, `nul`) valid. The directory is created on the first write, so building the store never fails.
 *
 * **Gotchas**: `KeyValueStore.layerFileSystem` in effect is NOT atomic (a plain `writeFile`), which is why this
 * exists. A `set` is uninterruptible: abandoning a write mid-way would let its late rename clobber a newer value.
 * Keys with lone surrogates cannot be encoded, and names over 255 bytes fail with `ENAMETOOLONG`. A crash can leave
 * a `.tmp` file behind; it is ignored, never cleaned up.
 *
 * @since 0.1.0
 */
import { randomUUID } from "node:crypto"
import { mkdir, open, readdir, readFile, rename, rm } from "node:fs/promises"
import { join } from "node:path"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import * as KeyValueStore from "effect/persistence/KeyValueStore"
import { decodeFileName, encodeFileName } from "../kv/fileNames.ts"

/** Re-exported: lock files and tests name files the same way. */
export { decodeFileName, encodeFileName }

/** "Not found" is `undefined`, not an error (a missing key, or a directory not created yet). */
const orUndefined = <A>(promise: Promise<A>): Promise<A | undefined> =>
  promise.catch((cause) =>
    (cause as { code?: unknown } | null)?.code === "ENOENT" ? undefined : Promise.reject(cause)
  )

/** @category constructors */
export const make = (directory: string): KeyValueStore.KeyValueStore => {
  const attempt = <A>(method: string, key: string | undefined, f: () => Promise<A>) =>
    Effect.tryPromise({
      try: f,
      catch: (cause) =>
        new KeyValueStore.KeyValueStoreError({
          method,
          ...(key === undefined ? {} : { key }),
          message: `${method}${key === undefined ? "" : ` "${key}"`} in ${directory} failed: ${
            cause instanceof Error ? cause.message : String(cause)
          }`,
          cause
        })
    })
  const pathOf = (key: string) => join(directory, encodeFileName(key))

  const writeAtomic = async (key: string, value: string | Uint8Array): Promise<void> => {
    const target = pathOf(key)
    const temp = join(directory, `.${randomUUID()}.tmp`) // short: the key's name may be near NAME_MAX
    await mkdir(directory, { recursive: true })
    try {
      const handle = await open(temp, "wx")
      try {
        await handle.writeFile(value)
        await handle.sync() // data on disk before the rename makes it visible
      } finally {
        await handle.close()
      }
      await rename(temp, target)
    } catch (cause) {
      await rm(temp, { force: true }).catch(() => undefined)
      throw cause
    }
    // Persist the rename itself. Best effort: Windows cannot open a directory, some file systems refuse fsync.
    await open(directory, "r")
      .then((dir) => dir.sync().finally(() => dir.close()))
      .catch(() => undefined)
  }

  const listKeys = async (): Promise<Array<string>> => {
    const names = (await orUndefined(readdir(directory))) ?? []
    return names.flatMap((name) => decodeFileName(name) ?? [])
  }

  return KeyValueStore.make({
    get: (key) => attempt("get", key, () => orUndefined(readFile(pathOf(key), "utf8"))),
    getUint8Array: (key) =>
      attempt("getUint8Array", key, async () => {
        const buffer = await orUndefined(readFile(pathOf(key)))
        // A plain Uint8Array view: a Buffer does not deep-equal one and its `slice` shares memory.
        return buffer && new Uint8Array(buffer.buffer, buffer.byteOffset, buffer.byteLength)
      }),
    set: (key, value) => Effect.uninterruptible(attempt("set", key, () => writeAtomic(key, value))),
    remove: (key) => attempt("remove", key, () => rm(pathOf(key), { force: true })),
    // Only key files: temp and lock files in the directory are left alone (unlike layerFileSystem's `rm -r`).
    clear: attempt("clear", undefined, async () => {
      for (const key of await listKeys()) await rm(pathOf(key), { force: true })
    }),
    size: attempt("size", undefined, async () => (await listKeys()).length),
    keys: attempt("keys", undefined, listKeys)
  })
}

/** @category layers */
export const layer = (directory: string): Layer.Layer<KeyValueStore.KeyValueStore> =>
  Layer.sync(KeyValueStore.KeyValueStore, () => make(directory))
