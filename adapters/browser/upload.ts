/**
 * `upload(options)`: the Promise API in browsers. A store (from `ossStore` or `s3Store`), a `File` or `Blob` and
 * the usual options in; a task with `done`, `pause()` and `cancel()` out. Checkpoints go to IndexedDB where it
 * exists, else `localStorage` (see {@link ./BrowserLayer.ts}), so a reloaded page that picks the same file resumes
 * where the last one stopped.
 *
 * `done` rejects with the tagged errors of the Effect API (`e._tag === "CannotResumeUpload"`, …).
 *
 * @since 0.2.0
 */

import { type UploadTask, uploadTask } from "@resumable-upload/core/PromiseFacade"
import type { Hasher } from "@resumable-upload/core/ports/Hasher"
import type { ObjectStore } from "@resumable-upload/core/ports/ObjectStore"
import type { UploadRequest } from "@resumable-upload/core/UploadRequest"
import * as Effect from "effect/Effect"
import * as FetchHttpClient from "effect/http/FetchHttpClient"
import type * as HttpClient from "effect/http/HttpClient"
import * as Layer from "effect/Layer"
import * as BlobByteSource from "./BlobByteSource.ts"
import { type BrowserBundleOptions, hasIndexedDb, layer } from "./BrowserLayer.ts"
import type { PartSlots } from "./PartSlots.ts"

/** @category models */
export interface UploadOptions extends Omit<UploadRequest, "source">, BrowserBundleOptions {
  /** Where the bytes go: `s3Store({ … })` or `ossStore({ … })`, or any ObjectStore layer. */
  readonly store: Layer.Layer<ObjectStore, never, HttpClient.HttpClient>
  /** The file to upload; its name, size and modification time identify it on resume. */
  readonly file: Blob
  /** A limit on parts in flight shared with other uploads given the same `partSlots(n)`; each upload's own `parallelism` still applies. */
  readonly partSlots?: PartSlots
  /** Replaces the portable hasher, e.g. `workerHasher({ … }).layer` to hash parts in Web Workers. */
  readonly hasher?: Layer.Layer<Hasher>
}

/** @category constructors */
export const upload = (options: UploadOptions): UploadTask => {
  const { store, file, storage, prefix, leaseTtlMs, partSlots, hasher, ...request } = options
  const bundle = {
    storage: storage ?? (hasIndexedDb() ? "indexedDB" : "localStorage"),
    ...(prefix ? { prefix } : {}),
    ...(leaseTtlMs ? { leaseTtlMs } : {})
  }
  const http =
    partSlots === undefined
      ? FetchHttpClient.layer
      : FetchHttpClient.layer.pipe(Layer.provide(Layer.succeed(FetchHttpClient.Fetch, partSlots.fetch)))
  const base = layer(bundle)
  // Merged last, so its Hasher is the one the upload sees.
  const withHasher = hasher === undefined ? base : Layer.merge(base, hasher)
  const services = Layer.mergeAll(withHasher, store.pipe(Layer.provide(http)))
  return uploadTask(services, Effect.succeed({ ...request, source: BlobByteSource.make(file) }))
}
