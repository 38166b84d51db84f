/**
 * The `ObjectStore` port for Amazon S3 and S3-compatible stores (Ceph RGW, MinIO, the local server) over Effect's
 * HTTP client, which is fetch-based and so runs in Node, Deno, browsers and workers.
 *
 * The operations both dialects send alike are {@link ../http/ObjectCalls.ts}, with `x-amz-` headers: every part
 * and PutObject body goes with its `Content-MD5`, and S3's lowercase-hex ETag is handed to the engine, which
 * compares it with the MD5 it sent. What is S3's own: optionally (see {@link ./S3Checksum.ts}) CRC-64/NVME
 * full-object checksums go along too, and Complete, the call where stores differ most, is {@link ./S3Complete.ts}.
 *
 * @since 0.1.0
 */

import { type DialectLimits, s3Limits } from "@resumable-upload/core/Limits"
import { ObjectStore, type ObjectStoreShape } from "@resumable-upload/core/ports/ObjectStore"
import * as ListingCalls from "@resumable-upload/http/ListingCalls"
import * as ObjectCalls from "@resumable-upload/http/ObjectCalls"
import * as Effect from "effect/Effect"
import type * as HttpClient from "effect/http/HttpClient"
import * as Layer from "effect/Layer"
import * as Crc64Nvme from "./Crc64Nvme.ts"
import * as S3Checksum from "./S3Checksum.ts"
import { makeComplete } from "./S3Complete.ts"
import { identity } from "./S3Endpoint.ts"
import { make as makeTransport, type S3ClientConfig } from "./S3Transport.ts"

/** @category models */
export interface S3StoreConfig extends S3ClientConfig {
  /** Additional checksums: `"auto"` (default) only on `*.amazonaws.com`, `"none"`, or `"crc64nvme"` always. */
  readonly checksum?: S3Checksum.S3ChecksumMode
  readonly limits?: DialectLimits
  /** The identity checkpoints are bound to; defaults to `s3:<origin> <addressing>`. */
  readonly endpointId?: string
}

/** @category constructors */
export const make = (config: S3StoreConfig): Effect.Effect<ObjectStoreShape, never, HttpClient.HttpClient> =>
  Effect.gen(function* () {
    const transport = yield* makeTransport(config)
    // S3 answers carry no checksum the engine compares (CRC-64/NVME is checked by S3 itself).
    const calls = ObjectCalls.make({ transport, headerPrefix: "x-amz-", checksumsOf: () => ({}) })
    const partChecksums = S3Checksum.enabled(config.checksum, config.endpoint)
      ? S3Checksum.makePartChecksums()
      : undefined

    return {
      ...calls,
      ...ListingCalls.make({ transport }),
      dialect: "s3",
      // No S3 store reports CRC-64/XZ: parts are checked by Content-MD5 and ETag, the object by the multipart ETag.
      verifies: { crc64ecma: false },
      endpointId: config.endpointId ?? `s3:${identity(config.endpoint)}`,
      limits: config.limits ?? s3Limits,
      initiate: (r) => calls.initiate(r, partChecksums === undefined ? {} : S3Checksum.initiateHeaders),
      uploadPart: (r) =>
        Effect.gen(function* () {
          const crc = partChecksums === undefined ? undefined : Crc64Nvme.compute(r.body.bytes)
          const stored = yield* calls.uploadPart(r, crc === undefined ? {} : S3Checksum.bodyHeaders(crc))
          if (crc === undefined) return stored
          const checksum = { crc, sizeBytes: r.body.bytes.length }
          partChecksums?.remember(r.uploadId, r.partNumber, checksum)
          return { ...stored, partChecksum: S3Checksum.encodePart(checksum) }
        }),
      complete: makeComplete(transport, partChecksums),
      abort: (r) => calls.abort(r).pipe(Effect.andThen(Effect.sync(() => partChecksums?.forget(r.uploadId)))),
      putObject: (r) =>
        calls.putObject(r, partChecksums === undefined ? {} : S3Checksum.bodyHeaders(Crc64Nvme.compute(r.body.bytes)))
    }
  })

/** @category layers */
export const layer = (config: S3StoreConfig): Layer.Layer<ObjectStore, never, HttpClient.HttpClient> =>
  Layer.effect(ObjectStore, make(config))
