/**
 * The stream-source port: bytes of unknown size that arrive in order (stdin, a Node `Readable`, a web
 * `ReadableStream`, a Deno reader, an async iterable, a file that is still growing).
 *
 * Unlike a `ByteSource` it cannot be read at an offset, only pulled chunk after chunk until it ends, so the engine
 * reads it once, in part order, through a `StreamCursor` (core/StreamCursor.ts). A value passed with each upload
 * request, like a `ByteSource`; two uploads never share one.
 *
 * @since 0.4.0
 */
import type * as Effect from "effect/Effect"
import type { SourceReadError } from "./ByteSource.ts"

/** @category models */
export interface StreamSource {
  /** A stable name ("-" for stdin, a file path, one the caller chooses). Part of the checkpoint identity. */
  readonly name: string
  /**
   * Whether running the same request again yields the same bytes from the start (a file, a producer that is
   * deterministic). A resume verifies every committed part by digest either way; this only decides what the
   * caller is told up front (a `StreamNotReplayable` notice).
   */
  readonly replayable: boolean
  /** The next chunk (any length, possibly empty), or `undefined` once the stream has ended. */
  readonly pull: Effect.Effect<Uint8Array | undefined, SourceReadError>
}

/** Whether a request's source is a stream rather than a sized `ByteSource`. @category guards */
export const isStreamSource = (source: object): source is StreamSource => "pull" in source && "replayable" in source
