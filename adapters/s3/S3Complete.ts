/**
 * CompleteMultipartUpload for S3: the namespaced body, the optional full-object CRC-64/NVME, and the reading of
 * S3's answer, which is the part of the protocol where stores differ most:
 *
 * - S3 sends whitespace while it assembles the object, so a failure after that arrives as a `200` whose body is an
 *   `<Error>`: it is an error, with the status S3 would have used for its code (5xx for `InternalError`).
 * - Ceph RGW answers `<ETag></ETag>`: passed on as `""`, which tells the engine the answer cannot be judged, so it
 *   verifies the object with a HEAD (whose ETag RGW does fill in).
 * - An answer that is `200` but not a readable `CompleteMultipartUploadResult` (an emulator's own root name beyond
 *   those XmlParse accepts, a cut-off body, a missing ETag) is not a failure: the store said 200, so the object is
 *   probably there. It is passed on as an empty ETag, like RGW's, and the engine verifies the object by HEAD (size,
 *   multipart ETag) before it reports success; if nothing is there, the upload is kept and a rerun lists its parts.
 * - `completeAll` and the upload callback are OSS features: they fail with code `NotSupported` before any request,
 *   never silently dropped.
 *
 * @since 0.1.0
 */

import { ObjectStoreError, type ObjectStoreShape } from "@resumable-upload/core/ports/ObjectStore"
import { type StoreTransport, textOf } from "@resumable-upload/http/StoreCall"
import * as Xml from "@resumable-upload/http/XmlParse"
import * as Effect from "effect/Effect"
import * as S3Checksum from "./S3Checksum.ts"
import { errorBodyOf, statusOfCode, toObjectStoreError } from "./S3ErrorMapping.ts"
import { buildS3CompleteBody } from "./S3XmlComplete.ts"

const encoder = new TextEncoder()

const operation = "CompleteMultipartUpload"

/** @category errors */
export const notSupported = (message: string): ObjectStoreError =>
  new ObjectStoreError({ operation, reason: "Remote", status: 0, code: "NotSupported", message })

/** `partChecksums` is present when CRC-64/NVME checksums are enabled. @category constructors */
export const makeComplete =
  (transport: StoreTransport, partChecksums: S3Checksum.PartChecksums | undefined): ObjectStoreShape["complete"] =>
  (r) =>
    Effect.gen(function* () {
      if (r.callback !== undefined)
        return yield* notSupported("S3 has no upload callback (an OSS feature); complete without one")
      if (r.completeAll === true)
        return yield* notSupported("S3 has no complete-all (an OSS feature); list the parts to complete")
      // Parts sent by an earlier process are not in memory; their checksums come back from the checkpoint.
      const objectCrc =
        partChecksums === undefined
          ? undefined
          : (partChecksums.fullObject(
              r.uploadId,
              r.parts.map((p) => p.partNumber)
            ) ?? S3Checksum.fullObjectOf(r.parts))
      const answer = yield* transport.execute({
        operation,
        method: "POST",
        bucket: r.bucket,
        key: r.key,
        query: { uploadId: r.uploadId },
        headers: {
          "content-type": "application/xml",
          ...(objectCrc === undefined ? {} : S3Checksum.completeHeaders(objectCrc))
        },
        body: encoder.encode(buildS3CompleteBody(r.parts))
      })
      // The keep-alive whitespace comes before the XML declaration, where XML allows none.
      const body = textOf(answer).trimStart()
      const result = yield* Xml.decodeCompleteResult(body).pipe(
        Effect.catchTag("MalformedResponse", (e) =>
          e.root === "Error"
            ? Effect.fail(
                toObjectStoreError(
                  operation,
                  statusOfCode(errorBodyOf(operation, body)?.code ?? ""),
                  answer.headers,
                  body
                )
              )
            : Effect.succeed({ etag: "" })
        )
      )
      partChecksums?.forget(r.uploadId)
      return { etag: result.etag }
    })
