/**
 * Where a stored object's bytes are on disk: one or more segments (a file and a byte range in it). A PutObject or
 * CopyObject is one segment of its own record file; a completed multipart upload is its part files in order, which
 * Complete moves under the object instead of copying. Reading streams the segments in pieces, so a GET, a ranged
 * GET or a copy holds a piece at a time, whatever the object's size.
 *
 * @since 0.1.0
 */
import { createReadStream } from "node:fs"
import { Readable } from "node:stream"

/** @category models */
export interface Segment {
  readonly path: string
  readonly offsetBytes: number
  readonly sizeBytes: number
}

const pieceBytes = 128 * 1024

/** The segments covering `[startByte, endByte)` of the object. @category utils */
export const segmentsIn = (
  segments: ReadonlyArray<Segment>,
  startByte: number,
  endByte: number
): ReadonlyArray<Segment> => {
  const out: Array<Segment> = []
  let objectOffset = 0
  for (const segment of segments) {
    const from = Math.max(startByte, objectOffset)
    const to = Math.min(endByte, objectOffset + segment.sizeBytes)
    if (from < to) {
      out.push({ path: segment.path, offsetBytes: segment.offsetBytes + from - objectOffset, sizeBytes: to - from })
    }
    objectOffset += segment.sizeBytes
  }
  return out
}

async function* piecesOf(segments: ReadonlyArray<Segment>): AsyncGenerator<Buffer> {
  for (const { offsetBytes, path, sizeBytes } of segments) {
    if (sizeBytes === 0) continue
    let seen = 0
    const stream = createReadStream(path, {
      start: offsetBytes,
      end: offsetBytes + sizeBytes - 1,
      highWaterMark: pieceBytes
    })
    for await (const piece of stream as AsyncIterable<Buffer>) {
      seen += piece.length
      yield piece
    }
    // A file cut short under the server (by hand, or a disk fault) must not pass for the object.
    if (seen !== sizeBytes) throw new Error("objectSegments: a stored file is shorter than its record says")
  }
}

/** A stream of `[startByte, endByte)` of the object. @category constructors */
export const readObject = (segments: ReadonlyArray<Segment>, startByte: number, endByte: number): Readable =>
  Readable.from(piecesOf(segmentsIn(segments, startByte, endByte)), { objectMode: false })
