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
import type { ByteSource } from "@resumable-upload/core/ports/ByteSource"
import type { Hasher } from "@resumable-upload/core/ports/Hasher"
import type { ObjectStore } from "@resumable-upload/core/ports/ObjectStore"
import type { StreamSource } from "@resumable-upload/core/ports/StreamSource"
import { InvalidUploadRequest } from "@resumable-upload/core/UploadErrors"
import type { UploadRequest } from "@resumable-upload/core/UploadRequest"
import * as ChunkedStreamSource from "@resumable-upload/portable/ChunkedStreamSource"
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
  /** The file to upload; its name, size and modification time identify it on resume. Or give `stream`. */
  readonly file?: Blob
  /**
   * A stream of unknown size instead of a file (a `ReadableStream` such as a fetch body or a recorder's output,
   * an async iterable of bytes, or a `StreamSource`); its parts grow as it goes on.
   */
  readonly stream?: ChunkedStreamSource.StreamInput
  /** The stream's name, part of its checkpoint identity (default `"stream"`). */
  readonly streamName?: string
  /** Whether running again yields the same stream bytes (default false). */
  readonly replayable?: boolean
  /** A limit on parts in flight shared with other uploads given the same `partSlots(n)`; each upload's own `parallelism` still applies. */
  readonly partSlots?: PartSlots
  /** Replaces the portable hasher, e.g. `workerHasher({ … }).layer` to hash parts in Web Workers. */
  readonly hasher?: Layer.Layer<Hasher>
}

/** @category constructors */
export const upload = (options: UploadOptions): UploadTask => {
  const { store, file, stream, streamName, replayable, storage, prefix, leaseTtlMs, partSlots, hasher, ...request } =
    options
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
  const source: Effect.Effect<ByteSource | StreamSource, InvalidUploadRequest> =
    stream !== undefined && file === undefined
      ? Effect.succeed(
          ChunkedStreamSource.from(stream, { name: streamName ?? "stream", replayable: replayable ?? false })
        )
      : file !== undefined && stream === undefined
        ? Effect.succeed(BlobByteSource.make(file))
        : Effect.fail(
            new InvalidUploadRequest({ field: "file", message: "give either `file` or `stream`, not both or neither" })
          )
  return uploadTask(
    services,
    Effect.map(source, (source) => ({ ...request, source }))
  )
}
