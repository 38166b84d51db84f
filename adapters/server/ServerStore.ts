/**
 * The local OSS server's state: the simulator's {@link MultipartModel} plus a {@link Persistence} that mirrors every
 * accepted change before it is acknowledged.
 *
 * Each change runs the model (synchronous, the single source of truth for the protocol rules) and then the persistence
 * hook, under {@link KeyedLock}s, so changes to one part, upload or object reach the disk in model order. Reads go
 * straight to the model; they may therefore see a change whose persistence is still in flight (and that a crash at
 * that very moment would lose); no response acknowledging a change is sent before it is durable.
 *
 * @since 0.1.0
 */
import { createHash } from "node:crypto"
import type { DialectLimits } from "@resumable-upload/core/Limits"
import type { StoredChecksums } from "@resumable-upload/core/ports/ObjectStore"
import {
  type Body,
  type CompleteInput,
  type ModelResult,
  MultipartModel,
  type ObjectAt,
  type StoredAttributes,
  type UploadAt,
  type UploadPartInput
} from "@resumable-upload/sim/MultipartModel"
import { KeyedLock } from "./keyedLock.ts"
import type { ObjectEntry } from "./ObjectEntry.ts"
import type { Persistence } from "./Persistence.ts"
import * as ServerErrors from "./serverErrors.ts"

/** node:crypto MD5: the server hashes every byte it receives, and spark-md5 is about four times slower. */
const nodeMd5 = (bytes: Uint8Array): Uint8Array => new Uint8Array(createHash("md5").update(bytes).digest())

const uploadLock = (uploadId: string): string => `upload\n${uploadId}`
const partLock = (uploadId: string, partNumber: number): string => `part\n${uploadId}\n${partNumber}`
const objectLock = (at: ObjectAt): string => `object\n${at.bucket}\n${at.key}`

/**
 * Upload ids start with the server start time in hex, so ids made after a restart sort after (and never collide with)
 * restored ones; the random tail separates two servers started in the same millisecond on one directory.
 */
const uploadIdPrefixAt = (nowMs: number): string =>
  `${Math.trunc(nowMs).toString(16).toUpperCase().padStart(12, "0")}${Math.floor(Math.random() * 0xffffffff)
    .toString(16)
    .toUpperCase()
    .padStart(8, "0")}`

/** @category models */
export class ServerStore {
  readonly model: MultipartModel
  private readonly persistence: Persistence
  private readonly locks = new KeyedLock()

  private constructor(model: MultipartModel, persistence: Persistence) {
    this.model = model
    this.persistence = persistence
  }

  /** A store holding what `persistence` kept from earlier runs. @category constructors */
  static async open(persistence: Persistence, limits: DialectLimits, nowMs: number): Promise<ServerStore> {
    const model = new MultipartModel({ dialect: "oss", limits, uploadIdPrefix: uploadIdPrefixAt(nowMs), md5: nodeMd5 })
    try {
      await persistence.load(model)
    } catch (cause) {
      await persistence.close()
      throw cause
    }
    return new ServerStore(model, persistence)
  }

  /** Releases the persistence (the directory lock); the store must not be used afterwards. */
  close(): Promise<void> {
    return this.persistence.close()
  }

  async initiate(request: ObjectAt & StoredAttributes, nowMs: number): Promise<ModelResult<string>> {
    const result = this.model.initiate(request, nowMs)
    if (!result.ok) return result
    const upload = this.model.uploadSnapshot(result.value)
    // Held exclusively so no part of the new upload can be written before its directory exists.
    if (upload !== undefined)
      await this.locks.exclusive(uploadLock(upload.uploadId), () => this.persistence.initiate(upload))
    return result
  }

  uploadPart(request: UploadPartInput, nowMs: number): Promise<ModelResult<StoredChecksums>> {
    return this.locks.shared(uploadLock(request.uploadId), () =>
      this.locks.exclusive(partLock(request.uploadId, request.partNumber), async () => {
        const result = this.model.uploadPart(request, nowMs)
        if (result.ok) await this.persistence.part(request.uploadId, request.partNumber, request.bytes, nowMs)
        return result
      })
    )
  }

  /** `forbidOverwrite`: OSS `x-oss-forbid-overwrite: true`, refused with 409 when the key already holds an object. */
  complete(request: CompleteInput, nowMs: number, forbidOverwrite: boolean): Promise<ModelResult<StoredChecksums>> {
    return this.locks.exclusive(uploadLock(request.uploadId), () =>
      this.locks.exclusive(objectLock(request), async () => {
        const live = this.model.uploadSnapshot(request.uploadId)
        if (forbidOverwrite && live !== undefined && this.model.objectSnapshot(request.bucket, request.key)) {
          return { ok: false, error: ServerErrors.fileAlreadyExists() }
        }
        const result = this.model.complete(request, nowMs)
        const object = this.model.objectSnapshot(request.bucket, request.key)
        if (result.ok && object !== undefined) await this.persistence.complete(request.uploadId, object)
        return result
      })
    )
  }

  abort(request: UploadAt): Promise<ModelResult<void>> {
    return this.locks.exclusive(uploadLock(request.uploadId), async () => {
      const result = this.model.abort(request)
      if (result.ok) await this.persistence.abort(request.uploadId)
      return result
    })
  }

  putObject(
    request: ObjectAt & StoredAttributes & Body,
    nowMs: number,
    forbidOverwrite: boolean
  ): Promise<ModelResult<StoredChecksums>> {
    return this.locks.exclusive(objectLock(request), async () => {
      if (forbidOverwrite && this.model.objectSnapshot(request.bucket, request.key)) {
        return { ok: false, error: ServerErrors.fileAlreadyExists() }
      }
      const result = this.model.putObject(request, nowMs)
      const object = this.model.objectSnapshot(request.bucket, request.key)
      if (result.ok && object !== undefined) await this.persistence.putObject(object)
      return result
    })
  }

  deleteObject(request: ObjectAt): Promise<ModelResult<void>> {
    return this.locks.exclusive(objectLock(request), async () => {
      const result = this.model.delete(request)
      if (result.ok) await this.persistence.deleteObject(request.bucket, request.key)
      return result
    })
  }

  /** A bucket's objects sorted by key in code-point order, for listings. */
  objectEntries(bucket: string): ReadonlyArray<ObjectEntry> {
    return this.model.objectEntries(bucket)
  }

  /** The buckets holding an object or an upload (explicitly created ones are in the BucketRegistry). */
  bucketNames(): ReadonlyArray<string> {
    return this.model.bucketNames()
  }

  /** The lifecycle rule: aborts uploads initiated more than `olderThanMs` ago; returns their ids. */
  async expireUploads(olderThanMs: number, nowMs: number): Promise<ReadonlyArray<string>> {
    const expired = this.model.expireUploads(olderThanMs, nowMs)
    for (const uploadId of expired) {
      await this.locks.exclusive(uploadLock(uploadId), () => this.persistence.abort(uploadId))
    }
    return expired
  }
}
