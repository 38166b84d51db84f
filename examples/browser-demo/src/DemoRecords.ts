/**
 * The demo's own list of unfinished uploads, in IndexedDB (database `resumable-upload-demo`): per upload its
 * target, the source's fingerprint and, where the browser has File System Access, the file's handle, which
 * IndexedDB stores as it is (structured clone), so a reloaded page can read the file again without a re-pick.
 * The upload's progress is not here: the library's checkpoint (its own IndexedDB store) has it.
 */
import type { SourceFingerprint } from "@resumable-upload/core/Checkpoint"

export interface DemoRecord {
  /** `dialect:bucket:key`, one upload per target. */
  readonly id: string
  readonly dialect: string
  readonly bucket: string
  readonly key: string
  readonly partSizeBytes: number
  readonly fingerprint: SourceFingerprint
  /** A picked, dropped or OPFS file's handle; absent where File System Access is not available. */
  readonly handle?: FileSystemFileHandle
}

const dbName = "resumable-upload-demo"
const storeName = "uploads"

let opened: Promise<IDBDatabase> | undefined

const open = (): Promise<IDBDatabase> => {
  opened ??= new Promise((resolve, reject) => {
    const request = indexedDB.open(dbName, 1)
    request.onupgradeneeded = () => request.result.createObjectStore(storeName, { keyPath: "id" })
    request.onsuccess = () => resolve(request.result)
    request.onerror = () => reject(request.error)
  })
  return opened
}

const run = async <A>(mode: IDBTransactionMode, body: (store: IDBObjectStore) => IDBRequest<A>): Promise<A> => {
  const db = await open()
  return new Promise((resolve, reject) => {
    const request = body(db.transaction(storeName, mode).objectStore(storeName))
    request.onsuccess = () => resolve(request.result)
    request.onerror = () => reject(request.error)
  })
}

export const putRecord = (record: DemoRecord): Promise<unknown> => run("readwrite", (s) => s.put(record))
export const deleteRecord = (id: string): Promise<unknown> => run("readwrite", (s) => s.delete(id))
export const allRecords = (): Promise<Array<DemoRecord>> =>
  run("readonly", (s) => s.getAll() as IDBRequest<Array<DemoRecord>>)
