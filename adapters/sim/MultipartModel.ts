/**
 * The semantic model of one OSS- or S3-style object store: multipart uploads, simple objects, listings.
 *
 * It is the single source of truth behind the simulated `ObjectStore` (which adds fault injection around it) and
 * the local HTTP emulator (which serves it over the wire). So it is deterministic and synchronous, and has no
 * Effect, no I/O and no clock: callers pass `nowMs` where time matters. Protocol errors are returned as values
 * ({@link ModelResult}), never thrown. The rules and codes follow /work/shared/docs/protocol.md §1.
 *
 * Buckets spring into existence on first use (no `NoSuchBucket`); keys are opaque strings, never paths. Results
 * report a CRC-64 only where the dialect's store does (OSS); the object bytes stay available through
 * {@link MultipartModel.objectBytes} for anyone who needs to check more.
 *
 * @since 0.1.0
 */

import { compareCodePoints } from "@resumable-upload/core/CodePointOrder"
import * as Crc64 from "@resumable-upload/core/Crc64"
import type { Dialect, DialectLimits } from "@resumable-upload/core/Limits"
import type { ListedUpload, PartsPage, StoredChecksums, UploadsPage } from "@resumable-upload/core/ports/ObjectStore"
import * as Rules from "./MultipartRules.ts"
import { assemble, type StoredPart } from "./modelCompletion.ts"
import * as Errors from "./modelErrors.ts"
import { fail, type ModelResult, ok } from "./modelErrors.ts"
import type {
  Body,
  CompleteInput,
  GetInput,
  ListedObject,
  ListPartsInput,
  ListUploadsInput,
  LiveUpload,
  ModelObjectInfo,
  MultipartModelOptions,
  ObjectAt,
  ObjectSnapshot,
  RestoredUpload,
  StoredAttributes,
  UploadAt,
  UploadPartInput
} from "./modelRequests.ts"
import { md5, simpleEtag } from "./multipartEtag.ts"

export type { ModelError, ModelResult } from "./modelErrors.ts"
export type * from "./modelRequests.ts"

interface Upload extends ListedUpload, StoredAttributes {
  readonly bucket: string
  readonly parts: Map<number, StoredPart>
}

interface StoredObject extends StoredAttributes {
  readonly bytes: Uint8Array
  readonly etag: string
  readonly crc64: bigint
  readonly modifiedAtMs: number
}

// 12 digits keep lexicographic order equal to creation order for 10^12 uploads, far beyond any test.
const uploadIdDigits = 12
const uploadCountMax = 10 ** uploadIdDigits - 1

const attributesOf = (source: StoredAttributes): StoredAttributes => ({
  ...(source.contentType === undefined ? {} : { contentType: source.contentType }),
  ...(source.metadata === undefined ? {} : { metadata: { ...source.metadata } })
})

/**
 * One store's state. Methods mirror `ObjectStoreShape` (core/ports/ObjectStore.ts).
 *
 * Every mutating call takes `nowMs` even where nothing records it yet, so per-part and per-object timestamps
 * (`LastModified`) can be added for the HTTP emulator without changing callers.
 *
 * @category models
 */
export class MultipartModel {
  readonly dialect: Dialect
  readonly limits: DialectLimits
  private readonly uploadIdPrefix: string
  private uploadCount = 0
  /** Live uploads by id; a Map iterates in insertion order, which is creation order. */
  private readonly uploads = new Map<string, Upload>()
  private readonly buckets = new Map<string, Map<string, StoredObject>>()
  /** Each bucket's sorted listing, until the bucket's next write: paging through a big bucket sorts it once. */
  private readonly listings = new Map<string, ReadonlyArray<ListedObject>>()
  private readonly md5: (bytes: Uint8Array) => Uint8Array

  constructor(options: MultipartModelOptions) {
    this.dialect = options.dialect
    this.limits = options.limits
    this.uploadIdPrefix = options.uploadIdPrefix ?? "upload-"
    this.md5 = options.md5 ?? md5
  }

  initiate(request: ObjectAt & StoredAttributes, nowMs: number): ModelResult<string> {
    if (this.uploadCount >= uploadCountMax) throw new RangeError("MultipartModel: upload id counter exhausted")
    this.uploadCount++
    const uploadId = `${this.uploadIdPrefix}${String(this.uploadCount).padStart(uploadIdDigits, "0")}`
    const { bucket, key } = request
    this.uploads.set(uploadId, {
      bucket,
      key,
      uploadId,
      initiatedAtMs: nowMs,
      parts: new Map(),
      ...attributesOf(request)
    })
    return ok(uploadId)
  }

  uploadPart(request: UploadPartInput, nowMs: number): ModelResult<StoredChecksums> {
    const { partNumber } = request
    const numbered = Rules.checkPartNumber(this.limits, partNumber)
    if (!numbered.ok) return numbered
    const upload = this.liveUpload(request)
    if (!upload.ok) return upload
    const checked = this.checkBody(request)
    if (!checked.ok) return checked
    const part: StoredPart = { ...checked.value, bytes: new Uint8Array(request.bytes), modifiedAtMs: nowMs }
    upload.value.parts.set(partNumber, part)
    return ok(this.checksums(part))
  }

  listParts(request: ListPartsInput): ModelResult<PartsPage> {
    return Rules.partsPage(this.dialect, this.limits, request, () => {
      const upload = this.liveUpload(request)
      return upload.ok ? ok(upload.value.parts) : upload
    })
  }

  listUploads(request: ListUploadsInput): ModelResult<UploadsPage> {
    return Rules.uploadsPage(this.limits, request, this.uploads.values())
  }

  complete(request: CompleteInput, nowMs: number): ModelResult<StoredChecksums> {
    const headers = Rules.checkCompleteHeaders(this.dialect, request)
    if (!headers.ok) return headers
    const found = this.liveUpload(request)
    if (!found.ok) return found
    const upload = found.value
    const chosen = Rules.chooseParts(upload.parts, request)
    if (!chosen.ok) return chosen
    const assembled = assemble(this.dialect, request.limits ?? this.limits, chosen.value)
    if (!assembled.ok) return assembled
    // Parts not listed are discarded with the upload (S3 semantics); other uploads of the key live on.
    this.uploads.delete(upload.uploadId)
    const object: StoredObject = { ...assembled.value, modifiedAtMs: nowMs, ...attributesOf(upload) }
    this.objectsOf(request.bucket).set(request.key, object)
    return ok(this.checksums(object))
  }

  abort(request: UploadAt): ModelResult<void> {
    const upload = this.liveUpload(request)
    if (!upload.ok) return upload
    this.uploads.delete(request.uploadId)
    return ok(undefined)
  }

  putObject(request: ObjectAt & StoredAttributes & Body, nowMs: number): ModelResult<StoredChecksums> {
    const checked = this.checkBody(request)
    if (!checked.ok) return checked
    const object: StoredObject = {
      ...checked.value,
      bytes: new Uint8Array(request.bytes),
      modifiedAtMs: nowMs,
      ...attributesOf(request)
    }
    this.objectsOf(request.bucket).set(request.key, object)
    return ok(this.checksums(object))
  }

  head(request: ObjectAt): ModelResult<ModelObjectInfo | undefined> {
    const object = this.buckets.get(request.bucket)?.get(request.key)
    if (object === undefined) return ok(undefined)
    return ok({ sizeBytes: object.bytes.length, ...this.checksums(object), ...attributesOf(object) })
  }

  /** The object's bytes, or `[startByte, endByte)` of them clamped to the object (a copy). */
  get(request: GetInput): ModelResult<Uint8Array> {
    const object = this.buckets.get(request.bucket)?.get(request.key)
    if (object === undefined) return fail(Errors.noSuchKey(request.key))
    const sizeBytes = object.bytes.length
    const [startByte, endByte] = request.range ?? [0, sizeBytes]
    const start = Math.min(Math.max(0, Math.trunc(startByte)), sizeBytes)
    const end = Math.min(Math.max(start, Math.trunc(endByte)), sizeBytes)
    return ok(object.bytes.slice(start, end))
  }

  /** Deleting a missing key succeeds, as on both stores. */
  delete(request: ObjectAt): ModelResult<void> {
    this.buckets.get(request.bucket)?.delete(request.key)
    this.listings.delete(request.bucket)
    return ok(undefined)
  }

  /** Lifecycle rule: aborts uploads initiated more than `olderThanMs` before `nowMs`; returns their ids. */
  expireUploads(olderThanMs: number, nowMs: number): ReadonlyArray<string> {
    const expired = [...this.uploads.values()]
      .filter((upload) => nowMs - upload.initiatedAtMs > olderThanMs)
      .map((upload) => upload.uploadId)
    for (const uploadId of expired) this.uploads.delete(uploadId)
    return expired
  }

  /** Kills one upload as if the store had expired it; false when it was not live. */
  expireUpload(uploadId: string): boolean {
    return this.uploads.delete(uploadId)
  }

  /** Live uploads in creation order, with their part numbers ascending. */
  liveUploads(): ReadonlyArray<LiveUpload> {
    return [...this.uploads.values()].map(({ bucket, initiatedAtMs, key, parts, uploadId }) => ({
      bucket,
      key,
      uploadId,
      initiatedAtMs,
      partNumbers: [...parts.keys()].sort((a, b) => a - b)
    }))
  }

  /** A bucket's objects sorted by key in code-point order (the order both stores list in), without their bytes. */
  objectEntries(bucket: string): ReadonlyArray<ListedObject> {
    const cached = this.listings.get(bucket)
    if (cached !== undefined) return cached
    const objects = [...(this.buckets.get(bucket) ?? new Map<string, StoredObject>())]
    const listing = objects
      .sort(([a], [b]) => compareCodePoints(a, b))
      .map(([key, { bytes, contentType, etag, modifiedAtMs }]) => ({
        key,
        etag,
        sizeBytes: bytes.length,
        modifiedAtMs,
        ...(contentType === undefined ? {} : { contentType })
      }))
    this.listings.set(bucket, listing)
    return listing
  }

  /** The buckets that hold an object or a live upload, in code-point order. */
  bucketNames(): ReadonlyArray<string> {
    const names = new Set<string>()
    for (const [name, objects] of this.buckets) if (objects.size > 0) names.add(name)
    for (const upload of this.uploads.values()) names.add(upload.bucket)
    return [...names].sort(compareCodePoints)
  }

  /** A copy of the object's bytes, or `undefined` when there is none. */
  objectBytes(bucket: string, key: string): Uint8Array | undefined {
    const object = this.buckets.get(bucket)?.get(key)
    return object === undefined ? undefined : new Uint8Array(object.bytes)
  }

  /**
   * Re-creates a persisted upload under its recorded id, without parts (a server restart replays them through
   * {@link uploadPart}); false when that id is already live. An id of this model's own shape moves the counter past
   * it, so ids handed out later never repeat a restored one.
   */
  restoreUpload(upload: RestoredUpload): boolean {
    if (this.uploads.has(upload.uploadId)) return false
    const { bucket, initiatedAtMs, key, uploadId } = upload
    this.uploads.set(uploadId, { bucket, key, uploadId, initiatedAtMs, parts: new Map(), ...attributesOf(upload) })
    const suffix = uploadId.startsWith(this.uploadIdPrefix) ? uploadId.slice(this.uploadIdPrefix.length) : ""
    if (suffix.length === uploadIdDigits && /^[0-9]+$/.test(suffix)) {
      this.uploadCount = Math.max(this.uploadCount, Number(suffix))
    }
    return true
  }

  /**
   * Re-creates a persisted object with its recorded ETag and CRC-64: a multipart object's ETag depends on its
   * parts, so it cannot be recomputed from the bytes. The model keeps `bytes` itself (no copy).
   */
  restoreObject(object: ObjectSnapshot): void {
    const { bucket, bytes, crc64, etag, key, modifiedAtMs } = object
    this.objectsOf(bucket).set(key, { bytes, etag, crc64, modifiedAtMs, ...attributesOf(object) })
  }

  /** An object with everything needed to persist or serve it; `bytes` is the model's own array: do not mutate it. */
  objectSnapshot(bucket: string, key: string): ObjectSnapshot | undefined {
    const object = this.buckets.get(bucket)?.get(key)
    if (object === undefined) return undefined
    const { bytes, crc64, etag, modifiedAtMs } = object
    return { bucket, key, bytes, etag, crc64, modifiedAtMs, ...attributesOf(object) }
  }

  /** When each part of a live upload was last written (ListParts' `LastModified`), by part number. */
  partTimes(at: UploadAt): ModelResult<ReadonlyMap<number, number>> {
    const upload = this.liveUpload(at)
    if (!upload.ok) return upload
    return ok(new Map([...upload.value.parts].map(([partNumber, part]) => [partNumber, part.modifiedAtMs ?? 0])))
  }

  /** Initiation time and attributes of a live upload, or `undefined` when it is not live. */
  uploadSnapshot(uploadId: string): RestoredUpload | undefined {
    const upload = this.uploads.get(uploadId)
    if (upload === undefined) return undefined
    const { bucket, initiatedAtMs, key } = upload
    return { bucket, key, uploadId, initiatedAtMs, ...attributesOf(upload) }
  }

  /** The upload, if it is live and was started for this bucket and key (S3 and OSS answer NoSuchUpload otherwise). */
  private liveUpload(at: UploadAt): ModelResult<Upload> {
    const upload = this.uploads.get(at.uploadId)
    return upload !== undefined && upload.bucket === at.bucket && upload.key === at.key
      ? ok(upload)
      : fail(Errors.noSuchUpload(at.uploadId))
  }

  /** Size limit and Content-MD5 of an uploaded body; a malformed digest is rejected before the body is read. */
  private checkBody(body: Body): ModelResult<Rules.PartFacts> {
    const expected = Rules.checkContentMd5(body.md5Base64)
    if (!expected.ok) return expected
    const sized = Rules.checkBodySize(this.limits, body.bytes.length)
    if (!sized.ok) return sized
    const digest = this.md5(body.bytes)
    const matched = Rules.checkDigest(expected.value, digest, body.dialect ?? this.dialect)
    if (!matched.ok) return matched
    return ok({
      sizeBytes: body.bytes.length,
      md5: digest,
      etag: simpleEtag(this.dialect, digest),
      crc64: Crc64.compute(body.bytes)
    })
  }

  private checksums(stored: { readonly etag: string; readonly crc64: bigint }): StoredChecksums {
    return Rules.checksumsIn(this.dialect, stored)
  }

  /** The bucket's objects, for a write (which makes its cached listing stale). */
  private objectsOf(bucket: string): Map<string, StoredObject> {
    this.listings.delete(bucket)
    let objects = this.buckets.get(bucket)
    if (objects === undefined) {
      objects = new Map()
      this.buckets.set(bucket, objects)
    }
    return objects
  }
}
