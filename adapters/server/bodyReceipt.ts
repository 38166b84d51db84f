/**
 * What receiving a stored body yields (bodyIngest.ts) and where its bytes go: shared by the request side and the
 * storage, which hands the receiver its temp file as the sink.
 *
 * @since 0.1.0
 */
import type { ModelError } from "@resumable-upload/sim/MultipartModel"

/** Where the decoded body goes; `write` resolves once the pieces are written (that is the backpressure). @category models */
export interface BodySink {
  readonly write: (pieces: ReadonlyArray<Uint8Array>) => Promise<void>
}

/** @category models */
export interface Ingested {
  readonly ok: true
  readonly sizeBytes: number
  readonly md5: Uint8Array
  readonly crc64: bigint
  /** The checksum header to answer with, as S3 does. */
  readonly echo: Readonly<Record<string, string>>
}

/** `closeConnection`: refused before the body was read to its end. `aborted`: the client went away. @category models */
export interface Refusal {
  readonly ok: false
  readonly error: ModelError
  readonly closeConnection: boolean
  readonly aborted?: true
}
