/**
 * Stream sources on Node: a `Readable` (a socket, a child's stdout, `fs.createReadStream`, a gzip stream),
 * standard input, and a growing file (`cp --follow`), each a core `StreamSource` through the portable adapters.
 *
 * @since 0.4.0
 */
import type { Readable } from "node:stream"
import type { StreamSource } from "@resumable-upload/core/ports/StreamSource"
import * as ChunkedStreamSource from "@resumable-upload/portable/ChunkedStreamSource"
import * as FollowFileSource from "@resumable-upload/portable/FollowFileSource"
import { NodeFileHost } from "./NodeFileHost.ts"

/** A `Readable` in binary mode (no `setEncoding`); one-shot unless `replayable`. @category constructors */
export const fromReadable = (readable: Readable, options: ChunkedStreamSource.StreamOptions): StreamSource =>
  ChunkedStreamSource.fromAsyncIterable(readable, options)

/** Standard input, named `-`: it cannot be replayed, which the upload announces. @category constructors */
export const stdin = (): StreamSource => fromReadable(process.stdin, { name: "-", replayable: false })

/** A file still being written, read until its writer is done. @category constructors */
export const follow = (path: string, options: FollowFileSource.FollowOptions): StreamSource =>
  FollowFileSource.make(NodeFileHost, path, options)
