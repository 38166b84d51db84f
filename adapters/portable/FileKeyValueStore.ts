/**
 * A `KeyValueStore` over one directory (one file per key) whose `set` is atomic: temp file in the same directory,
 * fsync, rename over the target, then a best-effort fsync of the directory. After a crash a key holds its old
 * value or its new one, never a mix. Written once over a {@link FileHost}, so every runtime reads the others' files.
 *
 * File names come from fileNames (`_` + an escaped `encodeURIComponent(key)`): no key can name a path outside the
 * directory, and temp files (`.<uuid>.tmp`) and lock files (`<name>.lock`) are never mistaken for keys. The
 * directory is created on the first write, so building the store never fails.
 *
 * **Gotchas**: `KeyValueStore.layerFileSystem` in effect is NOT atomic (a plain `writeFile`), which is why this
 * exists. A `set` is uninterruptible: abandoning a write mid-way would let its late rename clobber a newer value.
 * Keys with lone surrogates cannot be encoded, and names over 255 bytes fail (`ENAMETOOLONG`). A crash can leave
 * a `.tmp` file behind; reads ignore it, and the store's first write removes temp files older than
 * {@link staleTempAgeMs} (a live write holds its temp file for milliseconds, so an hour-old one has no writer left).
 *
 * @since 0.2.0
 */
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import * as KeyValueStore from "effect/persistence/KeyValueStore"
import { type FileHost, ifFound } from "./FileHost.ts"
import { decodeFileName, encodeFileName, inDirectory } from "./fileNames.ts"

const attemptIn =
  (directory: string) =>
  <A>(method: string, key: string | undefined, f: () => Promise<A>) =>
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

/**
 * Appends `text` to an existing key's file (`O_APPEND`, then fsync), which `make`'s `set` does not offer: O(text),
 * for the checkpoint journal. Not atomic: a crash can leave a prefix of `text`, never damage what was there; a
 * missing key fails (nothing to append to). Uninterruptible, like `set`.
 *
 * @category constructors
 */
export const append =
  (host: FileHost, directory: string) =>
  (key: string, text: string): Effect.Effect<void, KeyValueStore.KeyValueStoreError> =>
    Effect.uninterruptible(
      attemptIn(directory)("append", key, async () => {
        const file = await host.open(inDirectory(directory, encodeFileName(key)), "append")
        try {
          await file.writeAll(text)
          await file.sync() // on disk before the caller counts it as saved
        } finally {
          await file.close()
        }
      })
    )

/** Age after which a temp file is a crashed write's debris, removed by the store's first write. @category models */
export const staleTempAgeMs = 60 * 60 * 1000

const tempName = /^\.[0-9a-f-]{1,64}\.tmp$/

/** Removes this directory's temp files older than {@link staleTempAgeMs}; best effort, each file on its own. */
const sweepStaleTemps = async (host: FileHost, directory: string, nowMs: number): Promise<void> => {
  const names = (await ifFound(host, host.readDir(directory)).catch(() => undefined)) ?? []
  for (const name of names.filter((n) => tempName.test(n))) {
    const path = inDirectory(directory, name)
    const info = await host.stat(path).catch(() => undefined)
    if (info?.mtimeMs !== undefined && nowMs - info.mtimeMs > staleTempAgeMs) {
      await host.remove(path).catch(() => undefined)
    }
  }
}

/** @category constructors */
export const make = (host: FileHost, directory: string): KeyValueStore.KeyValueStore => {
  const attempt = attemptIn(directory)
  const pathOf = (key: string) => inDirectory(directory, encodeFileName(key))
  let swept = false

  const writeAtomic = async (key: string, value: string | Uint8Array): Promise<void> => {
    const target = pathOf(key)
    const temp = inDirectory(directory, `.${host.randomUUID()}.tmp`) // short: the key's name may be near NAME_MAX
    await host.makeDirectory(directory)
    if (!swept) {
      swept = true
      await sweepStaleTemps(host, directory, Date.now())
    }
    try {
      const file = await host.open(temp, "createNew")
      try {
        await file.writeAll(value)
        await file.sync() // data on disk before the rename makes it visible
      } finally {
        await file.close()
      }
      await host.rename(temp, target)
    } catch (cause) {
      await host.remove(temp).catch(() => undefined)
      throw cause
    }
    // Persist the rename itself. Best effort: Windows cannot open a directory, some file systems refuse fsync.
    await host
      .open(directory, "read")
      .then((dir) => dir.sync().finally(() => dir.close()))
      .catch(() => undefined)
  }

  const removeKey = (key: string) => ifFound(host, host.remove(pathOf(key)))
  const listKeys = async (): Promise<Array<string>> => {
    const names = (await ifFound(host, host.readDir(directory))) ?? []
    return names.flatMap((name) => decodeFileName(name) ?? [])
  }

  return KeyValueStore.make({
    get: (key) => attempt("get", key, () => ifFound(host, host.readTextFile(pathOf(key)))),
    getUint8Array: (key) => attempt("getUint8Array", key, () => ifFound(host, host.readFile(pathOf(key)))),
    set: (key, value) => Effect.uninterruptible(attempt("set", key, () => writeAtomic(key, value))),
    remove: (key) => attempt("remove", key, () => removeKey(key)),
    // Only key files: temp and lock files in the directory are left alone (unlike layerFileSystem's `rm -r`).
    clear: attempt("clear", undefined, async () => {
      for (const key of await listKeys()) await removeKey(key)
    }),
    size: attempt("size", undefined, async () => (await listKeys()).length),
    keys: attempt("keys", undefined, listKeys)
  })
}

/** @category layers */
export const layer = (host: FileHost, directory: string): Layer.Layer<KeyValueStore.KeyValueStore> =>
  Layer.sync(KeyValueStore.KeyValueStore, () => make(host, directory))
