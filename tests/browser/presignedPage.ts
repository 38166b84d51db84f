/**
 * The page side of the presigned browser test, bundled with esbuild and loaded by headless Chromium: `upload()`
 * with `s3Store({ endpoint, signer })` and no keys at all, checkpoints in `upload()`'s default storage (IndexedDB).
 * Publishes `globalThis.__presigned.run(args)`, which uploads a generated Blob, optionally pausing once a part is
 * committed, and reports the outcome and where the checkpoint lives (IndexedDB keys, `localStorage` keys).
 */
import * as Effect from "effect/Effect"
import * as IndexedDbKeyValueStore from "../../adapters/browser/IndexedDbKeyValueStore.ts"
import { upload } from "../../adapters/browser/upload.ts"
import { s3Store } from "../../adapters/s3/s3Store.ts"
import type { UploadTask } from "../../core/PromiseFacade.ts"
import { sourceBytes } from "./sourceBytes.ts"

export interface PresignedArgs {
  readonly endpoint: string
  readonly signUrl: string
  readonly bucket: string
  readonly key: string
  readonly sizeBytes: number
  readonly seed: number
  readonly partSizeBytes: number
  /** Pause once this many bytes are committed; absent: run to the end. */
  readonly pauseAtBytes?: number
}

export interface PresignedResult {
  readonly outcome: string
  readonly message: string
  readonly indexedDbKeys: ReadonlyArray<string>
  readonly localStorageKeys: ReadonlyArray<string>
}

const run = async (args: PresignedArgs): Promise<PresignedResult> => {
  let task: UploadTask | undefined
  task = upload({
    store: s3Store({ endpoint: args.endpoint, signer: args.signUrl }),
    file: new Blob([sourceBytes(args.sizeBytes, args.seed).slice()]),
    bucket: args.bucket,
    key: args.key,
    partSizeBytes: args.partSizeBytes,
    parallelism: 1,
    contentType: "application/octet-stream",
    onProgress: (p) => {
      if (args.pauseAtBytes !== undefined && p.committedBytes >= args.pauseAtBytes) task?.pause()
    }
  })
  const outcome = await task.done.then(
    (o) => ({ outcome: o._tag, message: "" }),
    (e: unknown) => ({ outcome: "Failed", message: String(e) })
  )
  const indexedDbKeys = await Effect.runPromise(IndexedDbKeyValueStore.make().keys)
  return { ...outcome, indexedDbKeys, localStorageKeys: Object.keys(localStorage) }
}

export interface PresignedPageApi {
  readonly run: typeof run
}

;(globalThis as unknown as { __presigned: PresignedPageApi }).__presigned = { run }
