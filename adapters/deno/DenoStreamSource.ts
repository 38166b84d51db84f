/**
 * Stream sources on Deno: a reader (`Deno.FsFile`, `Deno.Conn`: anything with `read(p)`), a `ReadableStream`
 * (`Deno.stdin.readable`, a fetch body), standard input, and a growing file, each a core `StreamSource`.
 *
 * @since 0.4.0
 */
import { SourceReadError } from "@resumable-upload/core/ports/ByteSource"
import type { StreamSource } from "@resumable-upload/core/ports/StreamSource"
import * as ChunkedStreamSource from "@resumable-upload/portable/ChunkedStreamSource"
import * as FollowFileSource from "@resumable-upload/portable/FollowFileSource"
import * as Effect from "effect/Effect"
import { DenoFileHost } from "./DenoFileHost.ts"

/** What a Deno reader has: `read(p)` gives the count read into `p`, or `null` at the end. @category models */
export interface Reader {
  readonly read: (p: Uint8Array) => Promise<number | null>
}

/** A reader, pulled in chunks of `chunkBytes` (default 1 MiB). @category constructors */
export const fromReader = (
  reader: Reader,
  options: ChunkedStreamSource.StreamOptions & { readonly chunkBytes?: number }
): StreamSource => {
  const chunkBytes = Math.max(1, options.chunkBytes ?? 1024 * 1024)
  let offsetBytes = 0
  const pull: StreamSource["pull"] = Effect.tryPromise({
    try: async () => {
      const buffer = new Uint8Array(chunkBytes)
      const count = await reader.read(buffer)
      if (count === null) return undefined
      offsetBytes += count
      return count === chunkBytes ? buffer : buffer.slice(0, count)
    },
    catch: (cause) =>
      new SourceReadError({
        sourceName: options.name,
        offsetBytes,
        lengthBytes: chunkBytes,
        message: `reading ${options.name} failed after ${offsetBytes} bytes: ${String(cause)}`,
        cause
      })
  })
  return { name: options.name, replayable: options.replayable ?? false, pull }
}

/** Standard input, named `-`: it cannot be replayed, which the upload announces. @category constructors */
export const stdin = (): StreamSource =>
  ChunkedStreamSource.fromReadableStream(Deno.stdin.readable, { name: "-", replayable: false })

/** A file still being written, read until its writer is done. @category constructors */
export const follow = (path: string, options: FollowFileSource.FollowOptions): StreamSource =>
  FollowFileSource.make(DenoFileHost, path, options)
