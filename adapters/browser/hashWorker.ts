/**
 * The Web Worker side of {@link ./WorkerHasher.ts}: a module worker that hashes parts sent to it in chunks
 * (`{ id, chunk }` … `{ id, end: true }`) and answers the part's MD5 and CRC-64 (`{ id, md5, crc64 }`), computed
 * incrementally by the portable hasher, so a page's main thread never spends a part's hashing time in one task.
 * Load it as a module worker: `new Worker(new URL("./hashWorker.js", import.meta.url), { type: "module" })`, from
 * wherever the bundler put it.
 *
 * @since 0.2.0
 */
import { type IncrementalHash, pureCrc64 } from "@resumable-upload/core/ports/Hasher"
import * as PortableHasher from "@resumable-upload/portable/PortableHasher"

/** A message to the worker: a chunk of part `id`, or its end. @category models */
export type HashRequest =
  | { readonly id: number; readonly chunk: Uint8Array }
  | { readonly id: number; readonly end: true }

/** The worker's answer, once per part. @category models */
export type HashAnswer =
  | { readonly id: number; readonly md5: Uint8Array; readonly crc64: bigint }
  | { readonly id: number; readonly error: string }

interface WorkerScope {
  addEventListener(type: "message", listener: (event: MessageEvent<HashRequest>) => void): void
  postMessage(message: HashAnswer, transfer: Array<Transferable>): void
}

const scope = globalThis as unknown as WorkerScope
// Parts being hashed; bounded by the page's parts in flight, each ends with an `end` message.
const parts = new Map<number, { md5: IncrementalHash<Uint8Array>; crc: IncrementalHash<bigint> }>()

scope.addEventListener("message", (event) => {
  const request = event.data
  try {
    let state = parts.get(request.id)
    if (state === undefined) {
      state = { md5: PortableHasher.md5(), crc: pureCrc64() }
      parts.set(request.id, state)
    }
    if ("chunk" in request) {
      state.md5.update(request.chunk)
      state.crc.update(request.chunk)
      return
    }
    parts.delete(request.id)
    const md5 = state.md5.digest()
    scope.postMessage({ id: request.id, md5, crc64: state.crc.digest() }, [md5.buffer as ArrayBuffer])
  } catch (error) {
    parts.delete(request.id)
    scope.postMessage({ id: request.id, error: String(error) }, [])
  }
})
