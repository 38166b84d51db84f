/**
 * Stream sources (core's `StreamSource` port) over the chunked streams every runtime has: async iterables (Node's
 * `Readable`, async generators, Deno's `readable`), web `ReadableStream`s (fetch bodies, `Blob.stream()`, Deno and
 * browser streams) and, for tests, an array of chunks.
 *
 * Typed structurally, not with DOM or Node types, so this module stays runtime-neutral. Chunks are handed on as
 * they come (no copy); the engine's cursor cuts them into parts. A string chunk (a stream in text mode) is refused
 * with a `SourceReadError`: its bytes depend on an encoding the engine cannot know.
 *
 * @since 0.4.0
 */
import { SourceReadError } from "@resumable-upload/core/ports/ByteSource"
import { isStreamSource, type StreamSource } from "@resumable-upload/core/ports/StreamSource"
import * as Effect from "effect/Effect"

/** @category models */
export interface StreamOptions {
  /** Part of the checkpoint identity: the same name finds the same checkpoint. */
  readonly name: string
  /** Whether a rerun yields the same bytes (default false: a one-shot stream). */
  readonly replayable?: boolean
}

/** What `ReadableStream.getReader()` gives, structurally. @category models */
export interface ChunkReader {
  readonly read: () => Promise<{ readonly done: boolean; readonly value?: unknown }>
}

/** A web `ReadableStream`, structurally. @category models */
export interface ReadableStreamLike {
  readonly getReader: () => ChunkReader
}

/** Anything `upload({ stream })` accepts. @category models */
export type StreamInput = StreamSource | AsyncIterable<unknown> | ReadableStreamLike

const chunkOf = (name: string, offsetBytes: number, value: unknown): Effect.Effect<Uint8Array, SourceReadError> =>
  value instanceof Uint8Array
    ? Effect.succeed(value)
    : Effect.fail(
        new SourceReadError({
          sourceName: name,
          offsetBytes,
          lengthBytes: 0,
          message: `${name} gave a ${typeof value} chunk, not bytes (is the stream in text mode?)`
        })
      )

/** A source over `next()`: one pull at a time, counting offsets for error messages. */
const fromNext = (
  options: StreamOptions,
  next: () => Promise<{ readonly done?: boolean; readonly value?: unknown }>
): StreamSource => {
  let offsetBytes = 0
  let ended = false
  const pull: StreamSource["pull"] = Effect.gen(function* () {
    if (ended) return undefined
    const result = yield* Effect.tryPromise({
      try: next,
      catch: (cause) =>
        new SourceReadError({
          sourceName: options.name,
          offsetBytes,
          lengthBytes: 0,
          message: `reading ${options.name} failed after ${offsetBytes} bytes: ${String(cause)}`,
          cause
        })
    })
    if (result.done === true) {
      ended = true
      return undefined
    }
    const chunk = yield* chunkOf(options.name, offsetBytes, result.value)
    offsetBytes += chunk.length
    return chunk
  })
  return { name: options.name, replayable: options.replayable ?? false, pull }
}

/** @category constructors */
export const fromAsyncIterable = (iterable: AsyncIterable<unknown>, options: StreamOptions): StreamSource => {
  let iterator: AsyncIterator<unknown> | undefined
  return fromNext(options, () => {
    iterator ??= iterable[Symbol.asyncIterator]()
    return iterator.next()
  })
}

/** @category constructors */
export const fromReadableStream = (stream: ReadableStreamLike, options: StreamOptions): StreamSource => {
  let reader: ChunkReader | undefined
  return fromNext(options, () => {
    reader ??= stream.getReader()
    return reader.read()
  })
}

/** Chunks already in memory (tests, small payloads); replayable unless said otherwise. @category constructors */
export const fromChunks = (chunks: ReadonlyArray<Uint8Array>, options: StreamOptions): StreamSource => {
  let index = 0
  return {
    name: options.name,
    replayable: options.replayable ?? true,
    pull: Effect.sync(() => (index < chunks.length ? chunks[index++] : undefined))
  }
}

/** Any accepted input as a `StreamSource` (one already is; the others get `options`). @category constructors */
export const from = (input: StreamInput, options: StreamOptions): StreamSource => {
  if (isStreamSource(input)) return input
  if ("getReader" in input) return fromReadableStream(input, options)
  return fromAsyncIterable(input, options)
}
