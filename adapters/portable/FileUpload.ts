/**
 * The Promise API over files, written once for every runtime that has a file system: `makeUpload(runtime)` gives
 * the runtime package's `upload(options)`, given its hasher, its file checkpoint store and its file source. A store
 * (from `ossStore` or `s3Store`), a path and the usual options go in; a task with `done`, `pause()` and `cancel()`
 * comes out (see core's `uploadTask`). Progress comes through `onProgress`; a crashed or paused run resumes.
 *
 * @since 0.2.0
 */

import { type UploadTask, uploadTask } from "@resumable-upload/core/PromiseFacade"
import type { ByteSource, SourceReadError } from "@resumable-upload/core/ports/ByteSource"
import type { CheckpointStore } from "@resumable-upload/core/ports/CheckpointStore"
import type { Hasher } from "@resumable-upload/core/ports/Hasher"
import type { ObjectStore } from "@resumable-upload/core/ports/ObjectStore"
import type { StreamSource } from "@resumable-upload/core/ports/StreamSource"
import { InvalidUploadRequest } from "@resumable-upload/core/UploadErrors"
import type { UploadRequest } from "@resumable-upload/core/UploadRequest"
import * as Effect from "effect/Effect"
import * as FetchHttpClient from "effect/http/FetchHttpClient"
import type * as HttpClient from "effect/http/HttpClient"
import * as Layer from "effect/Layer"
import type { StreamInput } from "./ChunkedStreamSource.ts"
import * as ChunkedStreamSource from "./ChunkedStreamSource.ts"

/** @category models */
export interface UploadOptions extends Omit<UploadRequest, "source"> {
  /** Where the bytes go: `s3Store({ … })` or `ossStore({ … })`, or any ObjectStore layer. */
  readonly store: Layer.Layer<ObjectStore, never, HttpClient.HttpClient>
  /** The file to upload; or give `stream` instead. */
  readonly file?: string
  /**
   * A stream of unknown size instead of a file: a Node `Readable`, a web `ReadableStream`, any async iterable of
   * bytes, or a `StreamSource`. Its parts grow as it goes on (up to 48.8 TB in 10,000 parts).
   */
  readonly stream?: StreamInput
  /** The stream's name, part of its checkpoint identity (default `"stream"`). */
  readonly streamName?: string
  /** Whether running again yields the same stream bytes (default false); see `StreamSource.replayable`. */
  readonly replayable?: boolean
  /** Where checkpoints live; default {@link defaultCheckpointDirectory} under the working directory. */
  readonly checkpointDirectory?: string
  /** Default: `fetch`. Any Effect `HttpClient` layer (the CLI uses node:http's, which copies bodies less). */
  readonly httpClient?: Layer.Layer<HttpClient.HttpClient>
}

/** What a runtime brings: its hasher, its file checkpoint store and its file source. @category models */
export interface FileRuntime {
  readonly hasher: Layer.Layer<Hasher>
  readonly checkpoints: (directory: string) => Layer.Layer<CheckpointStore>
  readonly fileSource: (path: string) => Effect.Effect<ByteSource, SourceReadError>
}

/** The default checkpoint directory, shared with the CLI. */
export const defaultCheckpointDirectory = ".resumable-upload/checkpoints"

/** @category constructors */
export const makeUpload =
  (runtime: FileRuntime) =>
  (options: UploadOptions): UploadTask => {
    const { store, file, stream, streamName, replayable, checkpointDirectory, httpClient, ...request } = options
    const services = Layer.mergeAll(
      runtime.hasher,
      runtime.checkpoints(checkpointDirectory ?? defaultCheckpointDirectory),
      store.pipe(Layer.provide(httpClient ?? FetchHttpClient.layer))
    )
    const source: Effect.Effect<ByteSource | StreamSource, SourceReadError | InvalidUploadRequest> =
      stream !== undefined && file === undefined
        ? Effect.succeed(
            ChunkedStreamSource.from(stream, { name: streamName ?? "stream", replayable: replayable ?? false })
          )
        : file !== undefined && stream === undefined
          ? runtime.fileSource(file)
          : Effect.fail(
              new InvalidUploadRequest({
                field: "file",
                message: "give either `file` or `stream`, not both or neither"
              })
            )
    return uploadTask(
      services,
      Effect.map(source, (source) => ({ ...request, source }))
    )
  }
