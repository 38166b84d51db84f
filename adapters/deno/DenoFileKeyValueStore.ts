/**
 * A `KeyValueStore` over one directory (one file per key) for Deno, whose `set` is atomic: temp file in the same
 * directory, `sync()`, rename over the target, then a best-effort sync of the directory. After a crash a key holds
 * its old value or its new one, never a mix.
 *
 * File names follow NodeFileKeyValueStore exactly (`_` + `encodeURIComponent(key)` with everything outside
 * `[a-z0-9_-]` escaped), so a checkpoint directory written by Node reads the same under Deno: no key can name a
 * path outside the directory, and temp files (`.<uuid>.tmp`) and lock files (`<name>.lock`) are never keys.
 *
 * **Gotchas**: the name codec is a copy of the Node one (the runtime folders may not import each other); change
 * both together. A `set` is uninterruptible: an abandoned write's late rename would clobber a newer value. A crash
 * can leave a `.tmp` file behind; it is ignored, never cleaned up. Needs `--allow-read` and `--allow-write`.
 *
 * @since 0.1.0
 */
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import * as KeyValueStore from "effect/persistence/KeyValueStore"
import { decodeFileName, encodeFileName } from "../kv/fileNames.ts"

/** Re-exported: lock files and tests name files the same way. */
export { decodeFileName, encodeFileName }

/** "Not found" is `undefined`, not an error (a missing key, or a directory not created yet). */
const orUndefined = <A>(promise: Promise<A>): Promise<A | undefined> =>
  promise.catch((cause) => (cause instanceof Deno.errors.NotFound ? undefined : Promise.reject(cause)))

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
  // Forward slashes work on Windows too, and avoid a path module.
  const pathOf = (key: string) => `${directory}/${encodeFileName(key)}`

  const writeAtomic = async (key: string, value: string | Uint8Array): Promise<void> => {
    const target = pathOf(key)
    const temp = `${directory}/.${crypto.randomUUID()}.tmp` // short: the key's name may be near NAME_MAX
    const bytes = typeof value === "string" ? new TextEncoder().encode(value) : value
    await Deno.mkdir(directory, { recursive: true })
    try {
      const file = await Deno.open(temp, { write: true, createNew: true })
      try {
        for (let written = 0; written < bytes.length; ) written += await file.write(bytes.subarray(written))
        await file.sync() // data on disk before the rename makes it visible
      } finally {
        file.close()
      }
      await Deno.rename(temp, target)
    } catch (cause) {
      await Deno.remove(temp).catch(() => undefined)
      throw cause
    }
    // Persist the rename itself. Best effort: Windows cannot open a directory, some file systems refuse fsync.
    await Deno.open(directory, { read: true })
      .then((dir) => dir.sync().finally(() => dir.close()))
      .catch(() => undefined)
  }

  const listKeys = async (): Promise<Array<string>> => {
    const keys: Array<string> = []
    const collect = async () => {
      for await (const entry of Deno.readDir(directory)) {
        const key = entry.isFile ? decodeFileName(entry.name) : undefined
        if (key !== undefined) keys.push(key)
      }
    }
    await orUndefined(collect())
    return keys
  }

  return KeyValueStore.make({
    get: (key) => attempt("get", key, () => orUndefined(Deno.readTextFile(pathOf(key)))),
    getUint8Array: (key) => attempt("getUint8Array", key, () => orUndefined(Deno.readFile(pathOf(key)))),
    set: (key, value) => Effect.uninterruptible(attempt("set", key, () => writeAtomic(key, value))),
    remove: (key) => attempt("remove", key, () => orUndefined(Deno.remove(pathOf(key)))),
    // Only key files: temp and lock files in the directory are left alone.
    clear: attempt("clear", undefined, async () => {
      for (const key of await listKeys()) await orUndefined(Deno.remove(pathOf(key)))
    }),
    size: attempt("size", undefined, async () => (await listKeys()).length),
    keys: attempt("keys", undefined, listKeys)
  })
}

/** @category layers */
export const layer = (directory: string): Layer.Layer<KeyValueStore.KeyValueStore> =>
  Layer.sync(KeyValueStore.KeyValueStore, () => make(directory))
