/**
 * An `ObjectStore` over the multipart model, with every request passing through a {@link SimNetwork}.
 *
 * The model decides what the store answers; the network decides whether and when the answer arrives. Optional
 * quirks reproduce real servers' habits (Ceph RGW's empty ETag on Complete) without touching the model.
 *
 * @since 0.1.0
 */

import {
  ObjectStore,
  ObjectStoreError,
  type ObjectStoreShape,
  type Operation
} from "@resumable-upload/core/ports/ObjectStore"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import type { MultipartModel } from "./MultipartModel.ts"
import type { ModelResult } from "./modelErrors.ts"
import type { SimNetwork } from "./SimNetwork.ts"

/** @category models */
export interface SimStoreOptions {
  readonly endpointId?: string
  /** Time the model stamps on uploads; the simulator passes its clock. */
  readonly nowMs: () => number
  /** Answer Complete with an empty ETag and no CRC, as Ceph RGW does. */
  readonly emptyCompleteEtag?: boolean
}

/** @category constructors */
export const make = (model: MultipartModel, network: SimNetwork, options: SimStoreOptions): ObjectStoreShape => {
  const call = <A>(
    operation: Operation,
    ids: { readonly uploadId?: string; readonly partNumber?: number },
    run: () => ModelResult<A>
  ): Effect.Effect<A, ObjectStoreError> =>
    Effect.callback<A, ObjectStoreError>((resume) => {
      const apply = () => {
        const result = run()
        return result.ok
          ? result
          : {
              ok: false as const,
              error: new ObjectStoreError({
                operation,
                reason: "Remote",
                status: result.error.status,
                code: result.error.code,
                message: result.error.message,
                requestId: `sim-${operation}`
              })
            }
      }
      const cancel = network.park(operation, ids, apply, (answer) =>
        resume(answer.ok ? Effect.succeed(answer.value as A) : Effect.fail(answer.error))
      )
      return Effect.sync(cancel)
    })
  const now = options.nowMs
  return {
    dialect: model.dialect,
    endpointId: options.endpointId ?? `sim:${model.dialect}`,
    limits: model.limits,
    // As the real dialects: only OSS reports a CRC-64, so only there does the engine compute one.
    verifies: { crc64ecma: model.dialect === "oss" },
    initiate: (r) => call("InitiateMultipartUpload", {}, () => model.initiate(r, now())),
    uploadPart: (r) =>
      call("UploadPart", { uploadId: r.uploadId, partNumber: r.partNumber }, () =>
        model.uploadPart(
          {
            bucket: r.bucket,
            key: r.key,
            uploadId: r.uploadId,
            partNumber: r.partNumber,
            bytes: r.body.bytes,
            md5Base64: r.body.md5Base64
          },
          now()
        )
      ),
    listParts: (r) => call("ListParts", { uploadId: r.uploadId }, () => model.listParts(r)),
    listUploads: (r) => call("ListMultipartUploads", {}, () => model.listUploads(r)),
    complete: (r) =>
      call("CompleteMultipartUpload", { uploadId: r.uploadId }, () => {
        const result = model.complete(
          {
            bucket: r.bucket,
            key: r.key,
            uploadId: r.uploadId,
            parts: r.parts,
            ...(r.completeAll === true ? { completeAll: true } : {})
          },
          now()
        )
        return result.ok && options.emptyCompleteEtag === true ? { ok: true, value: { etag: "" } } : result
      }),
    abort: (r) => call("AbortMultipartUpload", { uploadId: r.uploadId }, () => model.abort(r)),
    putObject: (r) =>
      call("PutObject", {}, () =>
        model.putObject(
          { bucket: r.bucket, key: r.key, bytes: r.body.bytes, md5Base64: r.body.md5Base64, ...attributes(r) },
          now()
        )
      ),
    head: (r) => call("HeadObject", {}, () => model.head(r)),
    get: (r) => call("GetObject", {}, () => model.get(r)),
    delete: (r) => call("DeleteObject", {}, () => model.delete(r))
  }
}

const attributes = (r: { readonly contentType?: string; readonly metadata?: Readonly<Record<string, string>> }) => ({
  ...(r.contentType === undefined ? {} : { contentType: r.contentType }),
  ...(r.metadata === undefined ? {} : { metadata: r.metadata })
})

/** @category layers */
export const layer = (model: MultipartModel, network: SimNetwork, options: SimStoreOptions): Layer.Layer<ObjectStore> =>
  Layer.succeed(ObjectStore, make(model, network, options))
