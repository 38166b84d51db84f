/**
 * An Effect `KeyValueStore` over IndexedDB: checkpoints of any size (a 10,000-part checkpoint is about 1.2 MB, a
 * fifth of `localStorage`'s whole quota), written without blocking the page. One object store `kv` in a database
 * of its own; the database opens on first use, so importing this never touches IndexedDB.
 *
 * **Gotchas**: IndexedDB is asynchronous, so nothing here can run inside `pagehide` (a page going away does not
 * wait for it); {@link ./BrowserLayer.ts} keeps the small lock leases in `localStorage` for that reason. A browser
 * that refuses IndexedDB (some private modes) fails the first call with a `KeyValueStoreError` naming it.
 *
 * @since 0.2.0
 */
import * as Effect from "effect/Effect"
import * as KeyValueStore from "effect/persistence/KeyValueStore"

/** Default database name (one per origin). @category constants */
export const defaultDatabaseName = "resumable-upload"
const storeName = "kv"

// The slice of the IndexedDB API used here, declared structurally: Deno's lib has no IndexedDB types, and the
// package type-checks there too.
interface IdbRequest<A> {
  readonly result: A
  readonly error: unknown
  onsuccess: (() => void) | null
  onerror: (() => void) | null
}
interface IdbOpenRequest extends IdbRequest<IdbDatabase> {
  onupgradeneeded: (() => void) | null
  onblocked: (() => void) | null
}
interface IdbObjectStore {
  get(key: string): IdbRequest<unknown>
  put(value: string, key: string): IdbRequest<unknown>
  delete(key: string): IdbRequest<unknown>
  clear(): IdbRequest<unknown>
  count(): IdbRequest<number>
  getAllKeys(): IdbRequest<ReadonlyArray<unknown>>
}
interface IdbTransaction {
  readonly error: unknown
  objectStore(name: string): IdbObjectStore
  oncomplete: (() => void) | null
  onerror: (() => void) | null
  onabort: (() => void) | null
}
interface IdbDatabase {
  createObjectStore(name: string): unknown
  transaction(name: string, mode: "readonly" | "readwrite"): IdbTransaction
  close(): void
  onversionchange: (() => void) | null
}

/** The part of `globalThis.indexedDB` this needs. @category models */
export interface IdbFactory {
  open(name: string, version: number): IdbOpenRequest
}

/** This runtime's `indexedDB`, or `undefined` (Node, Deno). @category utils */
export const globalIndexedDb = (): IdbFactory | undefined => (globalThis as { indexedDB?: IdbFactory }).indexedDB

const requestOf = <A>(request: IdbRequest<A>): Promise<A> =>
  new Promise((resolve, reject) => {
    request.onsuccess = () => resolve(request.result)
    request.onerror = () => reject(request.error)
  })

/** @category constructors */
export const make = (
  databaseName: string = defaultDatabaseName,
  factory: IdbFactory | undefined = globalIndexedDb()
): KeyValueStore.KeyValueStore => {
  let opened: Promise<IdbDatabase> | undefined
  const database = (): Promise<IdbDatabase> => {
    opened ??= new Promise<IdbDatabase>((resolve, reject) => {
      if (factory === undefined) throw new Error("this runtime has no indexedDB; use localStorage or memory storage")
      const request = factory.open(databaseName, 1)
      request.onupgradeneeded = () => void request.result.createObjectStore(storeName)
      request.onsuccess = () => {
        const db = request.result
        // Another tab upgrading the schema: let it, and reopen on the next call.
        db.onversionchange = () => {
          db.close()
          opened = undefined
        }
        resolve(db)
      }
      request.onerror = () => reject(request.error)
      request.onblocked = () => reject(new Error(`IndexedDB ${databaseName} is blocked by another tab`))
    }).catch((error) => {
      opened = undefined
      throw error
    })
    return opened
  }
  const run = <A>(
    method: string,
    key: string | undefined,
    mode: "readonly" | "readwrite",
    body: (store: IdbObjectStore) => IdbRequest<A>
  ): Effect.Effect<A, KeyValueStore.KeyValueStoreError> =>
    Effect.tryPromise({
      try: async () => {
        const db = await database()
        const tx = db.transaction(storeName, mode)
        const result = await requestOf(body(tx.objectStore(storeName)))
        // A write counts once it is durable in the transaction, not when the request succeeds.
        if (mode === "readwrite") {
          await new Promise<void>((resolve, reject) => {
            tx.oncomplete = () => resolve()
            tx.onerror = () => reject(tx.error)
            tx.onabort = () => reject(tx.error ?? new Error("IndexedDB transaction aborted"))
          })
        }
        return result
      },
      catch: (cause) =>
        new KeyValueStore.KeyValueStoreError({
          method,
          ...(key === undefined ? {} : { key }),
          message: `IndexedDB ${databaseName}: ${method} failed: ${String(cause)}`,
          cause
        })
    })
  return KeyValueStore.makeStringOnly({
    get: (key) =>
      Effect.map(
        run("get", key, "readonly", (s) => s.get(key)),
        (value) => (typeof value === "string" ? value : undefined)
      ),
    set: (key, value) => Effect.asVoid(run("set", key, "readwrite", (s) => s.put(value, key))),
    remove: (key) => Effect.asVoid(run("remove", key, "readwrite", (s) => s.delete(key))),
    clear: Effect.asVoid(run("clear", undefined, "readwrite", (s) => s.clear())),
    size: run("size", undefined, "readonly", (s) => s.count()),
    keys: Effect.map(
      run("keys", undefined, "readonly", (s) => s.getAllKeys()),
      (keys) => keys.filter((k): k is string => typeof k === "string")
    )
  })
}
