/**
 * What a caller asks for, its defaults, and its validation into the machine's settings.
 *
 * Every numeric option has a bound, so a typo cannot ask for ten thousand parallel requests or a retry storm.
 *
 * @since 0.1.0
 */
import * as Effect from "effect/Effect"
import type { SourceFingerprint } from "./Checkpoint.ts"
import * as Crc64 from "./Crc64.ts"
import { defaultPartSizeBytes, validateObjectKey } from "./Limits.ts"
import * as PartGrowth from "./PartGrowth.ts"
import * as PartPlan from "./PartPlan.ts"
import type { Progress } from "./Progress.ts"
import type { ByteSource } from "./ports/ByteSource.ts"
import type { ObjectStoreShape, StoredAttributes, UploadCallback } from "./ports/ObjectStore.ts"
import { isStreamSource, type StreamSource } from "./ports/StreamSource.ts"
import type * as Resume from "./Resume.ts"
import type * as RetryPolicy from "./RetryPolicy.ts"
import { InvalidUploadRequest } from "./UploadErrors.ts"
import type { Notice, Settings } from "./UploadMachine.ts"
import * as Utf8 from "./Utf8.ts"

/** The object's attributes (content type, metadata, storage class, ACL, encryption) ride on the request. @category models */
export interface UploadRequest extends StoredAttributes {
  readonly bucket: string
  readonly key: string
  /** A sized source (a file, a Blob), or a stream of unknown size whose parts grow (core/PartGrowth.ts). */
  readonly source: ByteSource | StreamSource
  /**
   * Default 8 MiB; grown automatically when the source would need more than the store's part limit. For a
   * stream, the size of its first parts.
   */
  readonly partSizeBytes?: number
  /** Parts in flight at once; default 3, at most {@link parallelismMax}. Also bounds parts held in memory. */
  readonly parallelism?: number
  /** On cancel, abort the multipart upload and delete the checkpoint (default true); false keeps both. */
  readonly deleteUploadIdOnCancelling?: boolean
  /** When a checkpoint no longer fits: start over (default) or fail with `CannotResumeUpload`. */
  readonly onUnresumable?: "restart" | "fail"
  readonly retry?: Partial<RetryPolicy.RetryPolicy>
  readonly callback?: UploadCallback
  /** Overrides the checkpoint id derived from store, bucket, key and source name. */
  readonly checkpointId?: string
  /** Send a one-part source as a single PutObject (default true). */
  readonly singleRequest?: boolean
  readonly onProgress?: (progress: Progress) => void
  readonly onNotice?: (notice: Notice) => void
}

/** @category constants */
export const defaultParallelism = 3
export const parallelismMax = 64
/** Restarts of a run whose upload id vanished, before it gives up. */
export const restartsMax = 2

/** A file-name-safe id, stable for the same store, bucket, key and source name. @category utils */
export const checkpointIdFor = (
  store: Pick<ObjectStoreShape, "dialect" | "endpointId">,
  request: UploadRequest
): string => {
  const identity = [store.dialect, store.endpointId, request.bucket, request.key, request.source.name].join("\n")
  return `${store.dialect}-${Crc64.compute(Utf8.encode(identity)).toString(16).padStart(16, "0")}`
}

/** What a checkpoint must match for this request, store and source. @category constructors */
export const targetOf = (
  request: UploadRequest,
  store: ObjectStoreShape,
  source: SourceFingerprint,
  requestedPartSizeBytes: number
): Resume.Target => ({
  dialect: store.dialect,
  endpointId: store.endpointId,
  bucket: request.bucket,
  key: request.key,
  source,
  limits: store.limits,
  requestedPartSizeBytes,
  ...(isStreamSource(request.source) ? { stream: true } : {})
})

const invalid = (field: string, message: string) => new InvalidUploadRequest({ field, message })

/** @category constructors */
export const toSettings = Effect.fnUntraced(function* (
  request: UploadRequest,
  store: ObjectStoreShape,
  source: SourceFingerprint,
  persistent: boolean
) {
  yield* validateObjectKey(request.key).pipe(Effect.mapError((e) => invalid("key", e.message)))
  if (request.bucket.length === 0) return yield* invalid("bucket", "bucket must not be empty")
  // Refused here, before a byte is sent, rather than at Complete after the whole upload.
  if (request.callback !== undefined && store.dialect !== "oss") {
    return yield* invalid("callback", `the upload callback is an OSS feature; this store speaks ${store.dialect}`)
  }
  const parallelism = request.parallelism ?? defaultParallelism
  if (!Number.isInteger(parallelism) || parallelism < 1 || parallelism > parallelismMax) {
    return yield* invalid(
      "parallelism",
      `parallelism must be an integer from 1 to ${parallelismMax}, got ${parallelism}`
    )
  }
  const requested = request.partSizeBytes ?? Math.max(defaultPartSizeBytes, store.limits.partSizeBytesMin)
  const stream = isStreamSource(request.source)
  const plan = yield* PartPlan.make(source.sizeBytes, requested, store.limits).pipe(
    Effect.map((sized) =>
      stream ? PartPlan.streaming(PartGrowth.make(sized.partSizeBytes, store.limits), requested) : sized
    ),
    Effect.mapError((e) => invalid(e.reason === "SourceTooLarge" ? "source" : "partSizeBytes", e.message))
  )
  const settings: Settings = {
    checkpointId: request.checkpointId ?? checkpointIdFor(store, request),
    target: targetOf(request, store, source, requested),
    plan,
    parallelism,
    persistent,
    onUnresumable: request.onUnresumable ?? "restart",
    deleteUploadIdOnCancelling: request.deleteUploadIdOnCancelling ?? true,
    // The upload callback rides on Complete, so an upload that asks for one is never sent as a single PutObject.
    singleRequest: (request.singleRequest ?? true) && plan.partCount === 1 && request.callback === undefined,
    restartsMax,
    ...(isStreamSource(request.source) ? { stream: { replayable: request.source.replayable } } : {})
  }
  return settings
})
