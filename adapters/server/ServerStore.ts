/**
 * The local server's storage engine: bytes on disk, metadata in memory (diskIndex.ts), the multipart rules from the
 * simulator's shared module (MultipartRules.ts), so the server and the simulated store cannot disagree.
 *
 * Durable before visible: a part or object body streams into a temp file while it is hashed; only once the file is
 * fsynced, renamed into place and its directory fsynced does the index learn of it, so ListParts, HEAD and GET show
 * only what a crash keeps. Complete writes the object's manifest (the part files, in order) and moves the upload's
 * directory under `blobs/` in one rename: no byte is copied, and GET streams the part files (objectSegments.ts).
 * Changes run under {@link KeyedLock}s so changes to one part, upload or object land in order.
 *
 * @since 0.1.0
 */
import { mkdir, mkdtemp, rename, rm } from "node:fs/promises"
import { tmpdir } from "node:os"
import { join } from "node:path"
import type { Readable } from "node:stream"
import type { DialectLimits } from "@resumable-upload/core/Limits"
import type { PartsPage, StoredChecksums, UploadsPage } from "@resumable-upload/core/ports/ObjectStore"
import type {
  CompleteInput,
  ListPartsInput,
  ListUploadsInput,
  ModelResult,
  ObjectAt,
  RestoredUpload,
  StoredAttributes,
  UploadAt
} from "@resumable-upload/sim/MultipartModel"
import * as Rules from "@resumable-upload/sim/MultipartRules"
import * as Errors from "@resumable-upload/sim/modelErrors"
import type { Refusal } from "./bodyReceipt.ts"
import { lockDirectory } from "./directoryLock.ts"
import { DirectorySyncer } from "./directorySync.ts"
import { attributesOf, DiskIndex, type ObjectMeta, type UploadMeta } from "./diskIndex.ts"
import { type DiskLayout, layoutOf, objectFileName, partFileName, uploadFile } from "./diskLayout.ts"
import { recover } from "./diskRecovery.ts"
import { KeyedLock } from "./keyedLock.ts"
import type { ObjectEntry } from "./ObjectEntry.ts"
import { readObject } from "./objectSegments.ts"
import { writeRecord } from "./recordFile.ts"
import * as ServerErrors from "./serverErrors.ts"
import { type BodyClaims, type BodySource, receiveBody, refusal, type Stored } from "./storedBody.ts"
import { manifestHeader, objectHeader, partHeader } from "./storeRecords.ts"

export type { ObjectMeta } from "./diskIndex.ts"
export type { BodyClaims, BodySource, Receive, Stored } from "./storedBody.ts"

const uploadLock = (uploadId: string): string => `upload\n${uploadId}`
const partLock = (uploadId: string, partNumber: number): string => `part\n${uploadId}\n${partNumber}`
const objectLock = (at: ObjectAt): string => `object\n${at.bucket}\n${at.key}`

// 12 digits keep lexicographic order equal to creation order for 10^12 uploads.
const uploadIdDigits = 12

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
export interface StoreOptions {
  /** fsync files and directories (off for the memory storage, whose files die with it). */
  readonly durable: boolean
  /** Remove the whole directory on close (the memory storage's temp directory). */
  readonly removeOnClose: boolean
}

/** @category models */
export class ServerStore {
  /** The OSS rules, which ETags and default limits follow. */
  readonly limits: DialectLimits
  private readonly layout: DiskLayout
  private readonly index = new DiskIndex()
  private readonly locks = new KeyedLock()
  private readonly syncer: DirectorySyncer
  private readonly options: StoreOptions
  private readonly uploadIdPrefix: string
  private uploadCount = 0
  private unlock: (() => Promise<void>) | undefined

  private constructor(root: string, limits: DialectLimits, options: StoreOptions, nowMs: number) {
    this.layout = layoutOf(root)
    this.limits = limits
    this.options = options
    this.syncer = new DirectorySyncer(options.durable)
    this.uploadIdPrefix = uploadIdPrefixAt(nowMs)
  }

  /** The store in `root`, holding what earlier runs left there. @category constructors */
  static async open(root: string, limits: DialectLimits, nowMs: number, options: StoreOptions): Promise<ServerStore> {
    await mkdir(root, { recursive: true })
    const store = new ServerStore(root, limits, options, nowMs)
    store.unlock = await lockDirectory(root)
    try {
      await recover(store.layout, store.index)
    } catch (cause) {
      await store.close()
      throw cause
    }
    return store
  }

  /** A store in a fresh temp directory, removed on close: nothing survives, and no byte is held in memory. */
  static async temporary(limits: DialectLimits, nowMs: number): Promise<ServerStore> {
    const root = await mkdtemp(join(tmpdir(), "local-oss-memory-"))
    return ServerStore.open(root, limits, nowMs, { durable: false, removeOnClose: true })
  }

  /** Releases the directory lock (and removes a temporary store); the store must not be used afterwards. */
  async close(): Promise<void> {
    await this.unlock?.()
    this.unlock = undefined
    if (this.options.removeOnClose) await rm(this.layout.root, { recursive: true, force: true })
  }

  initiate(request: ObjectAt & StoredAttributes, nowMs: number): Promise<ModelResult<string>> {
    this.uploadCount++
    const uploadId = `${this.uploadIdPrefix}${String(this.uploadCount).padStart(uploadIdDigits, "0")}`
    const upload: RestoredUpload = {
      bucket: request.bucket,
      key: request.key,
      uploadId,
      initiatedAtMs: nowMs,
      ...attributesOf(request)
    }
    return this.locks.exclusive(uploadLock(uploadId), async () => {
      const directory = this.layout.uploadDir(uploadId)
      await mkdir(directory, { recursive: true })
      await this.syncer.sync(this.layout.uploads)
      await writeRecord(directory, uploadFile, { ...upload })
      this.index.uploads.set(uploadId, { ...upload, parts: new Map() })
      return Errors.ok(uploadId)
    })
  }

  /** Initiation time and attributes of a live upload, or `undefined` when it is not live. */
  uploadSnapshot(uploadId: string): RestoredUpload | undefined {
    const upload = this.index.uploads.get(uploadId)
    if (upload === undefined) return undefined
    const { bucket, initiatedAtMs, key } = upload
    return { bucket, key, uploadId, initiatedAtMs, ...attributesOf(upload) }
  }

  /** UploadPart and UploadPartCopy: the part becomes visible once durable. */
  async uploadPart(
    request: UploadAt & BodyClaims & { readonly partNumber: number },
    nowMs: number,
    source: BodySource
  ): Promise<Stored | Refusal> {
    const { partNumber, uploadId } = request
    const numbered = Rules.checkPartNumber(this.limits, partNumber)
    if (!numbered.ok) return refusal(numbered.error)
    if (this.index.liveUpload(request) === undefined) return refusal(Errors.noSuchUpload(uploadId))
    const body = await this.receive({ partNumber }, request, source)
    if (!body.ok) return body
    const { echo, facts, record } = body
    const header = partHeader(partNumber, nowMs, facts)
    return this.locks.shared(uploadLock(uploadId), () =>
      this.locks.exclusive(partLock(uploadId, partNumber), async () => {
        const upload = this.index.liveUpload(request)
        if (upload === undefined) {
          await record.discard()
          return refusal(Errors.noSuchUpload(uploadId), false)
        }
        await record.commit(header, this.layout.uploadDir(uploadId), partFileName(partNumber))
        upload.parts.set(partNumber, { ...facts, modifiedAtMs: nowMs, dataOffsetBytes: record.headerBytes })
        return { ok: true, value: Rules.checksumsIn("oss", facts), echo }
      })
    )
  }

  listParts(request: ListPartsInput): ModelResult<PartsPage> {
    return Rules.partsPage("oss", this.limits, request, () => {
      const upload = this.index.liveUpload(request)
      return upload === undefined ? Errors.fail(Errors.noSuchUpload(request.uploadId)) : Errors.ok(upload.parts)
    })
  }

  /** When each part of a live upload was last written (ListParts' `LastModified`), by part number. */
  partTimes(at: UploadAt): ModelResult<ReadonlyMap<number, number>> {
    const upload = this.index.liveUpload(at)
    if (upload === undefined) return Errors.fail(Errors.noSuchUpload(at.uploadId))
    return Errors.ok(new Map([...upload.parts].map(([partNumber, part]) => [partNumber, part.modifiedAtMs])))
  }

  listUploads(request: ListUploadsInput): ModelResult<UploadsPage> {
    return Rules.uploadsPage(this.limits, request, this.index.uploads.values())
  }

  /** `forbidOverwrite`: OSS `x-oss-forbid-overwrite: true`, refused with 409 when the key already holds an object. */
  complete(request: CompleteInput, nowMs: number, forbidOverwrite: boolean): Promise<ModelResult<StoredChecksums>> {
    return this.locks.exclusive(uploadLock(request.uploadId), () =>
      this.locks.exclusive(objectLock(request), async () => {
        const headers = Rules.checkCompleteHeaders("oss", request)
        if (!headers.ok) return headers
        const upload = this.index.liveUpload(request)
        if (upload === undefined) return Errors.fail(Errors.noSuchUpload(request.uploadId))
        if (forbidOverwrite && this.index.object(request.bucket, request.key) !== undefined) {
          return Errors.fail(ServerErrors.fileAlreadyExists())
        }
        const chosen = Rules.chooseParts(upload.parts, request)
        if (!chosen.ok) return chosen
        const facts = Rules.assembleFacts("oss", request.limits ?? this.limits, chosen.value)
        if (!facts.ok) return facts
        const object: ObjectMeta = {
          bucket: request.bucket,
          key: request.key,
          etag: facts.value.etag,
          crc64: facts.value.crc64,
          sizeBytes: facts.value.sizeBytes,
          modifiedAtMs: nowMs,
          blob: upload.uploadId,
          ...attributesOf(upload),
          segments: chosen.value.map(([partNumber, part]) => ({
            path: join(this.layout.blobDir(upload.uploadId), partFileName(partNumber)),
            offsetBytes: part.dataOffsetBytes,
            sizeBytes: part.sizeBytes
          }))
        }
        // The manifest first, then the move: a crash between them is finished at startup (diskRecovery.ts).
        await writeRecord(
          this.layout.objects,
          objectFileName(object.bucket, object.key),
          manifestHeader(object, chosen.value)
        )
        await rename(this.layout.uploadDir(upload.uploadId), this.layout.blobDir(upload.uploadId))
        await this.syncer.sync(this.layout.uploads)
        await this.syncer.sync(this.layout.blobs)
        this.index.uploads.delete(upload.uploadId)
        this.replaced(this.index.setObject(object))
        return Errors.ok(Rules.checksumsIn("oss", object))
      })
    )
  }

  abort(request: UploadAt): Promise<ModelResult<void>> {
    return this.locks.exclusive(uploadLock(request.uploadId), async () => {
      if (this.index.liveUpload(request) === undefined) return Errors.fail(Errors.noSuchUpload(request.uploadId))
      await this.removeUpload(request.uploadId)
      return Errors.ok(undefined)
    })
  }

  /** PutObject and CopyObject: the object becomes visible once durable. */
  async putObject(
    request: ObjectAt & StoredAttributes & BodyClaims,
    nowMs: number,
    forbidOverwrite: boolean,
    source: BodySource
  ): Promise<Stored | Refusal> {
    if (forbidOverwrite && this.index.object(request.bucket, request.key) !== undefined) {
      return refusal(ServerErrors.fileAlreadyExists())
    }
    const attributes = attributesOf(request)
    const body = await this.receive({ bucket: request.bucket, key: request.key, ...attributes }, request, source)
    if (!body.ok) return body
    const { echo, facts, record } = body
    return this.locks.exclusive(objectLock(request), async () => {
      if (forbidOverwrite && this.index.object(request.bucket, request.key) !== undefined) {
        await record.discard()
        return refusal(ServerErrors.fileAlreadyExists(), false)
      }
      const path = this.layout.objectPath(request.bucket, request.key)
      const object: ObjectMeta = {
        bucket: request.bucket,
        key: request.key,
        etag: facts.etag,
        crc64: facts.crc64,
        sizeBytes: facts.sizeBytes,
        modifiedAtMs: nowMs,
        ...attributes,
        segments: [{ path, offsetBytes: record.headerBytes, sizeBytes: facts.sizeBytes }]
      }
      await record.commit(objectHeader(object), this.layout.objects, objectFileName(request.bucket, request.key))
      this.replaced(this.index.setObject(object))
      return { ok: true, value: Rules.checksumsIn("oss", object), echo }
    })
  }

  /** The object's metadata and where its bytes are; `undefined` when there is none. */
  objectSnapshot(bucket: string, key: string): ObjectMeta | undefined {
    return this.index.object(bucket, key)
  }

  /** `[startByte, endByte)` of the object, streamed from disk. */
  readObject(object: ObjectMeta, startByte: number, endByte: number): Readable {
    return readObject(object.segments, startByte, endByte)
  }

  /** The whole object in memory, for tests and tools that check what was stored; never used to serve. */
  async objectBytes(bucket: string, key: string): Promise<Uint8Array | undefined> {
    const object = this.index.object(bucket, key)
    if (object === undefined) return undefined
    const pieces: Array<Buffer> = []
    for await (const piece of readObject(object.segments, 0, object.sizeBytes)) pieces.push(piece as Buffer)
    return new Uint8Array(Buffer.concat(pieces))
  }

  /** Deleting a missing key succeeds, as on both stores. */
  deleteObject(request: ObjectAt): Promise<ModelResult<void>> {
    return this.locks.exclusive(objectLock(request), async () => {
      if (this.index.object(request.bucket, request.key) === undefined) return Errors.ok(undefined)
      await rm(this.layout.objectPath(request.bucket, request.key), { force: true })
      await this.syncer.sync(this.layout.objects)
      this.replaced(this.index.deleteObject(request.bucket, request.key))
      return Errors.ok(undefined)
    })
  }

  /** The lifecycle rule: aborts uploads initiated more than `olderThanMs` ago; returns their ids. */
  async expireUploads(olderThanMs: number, nowMs: number): Promise<ReadonlyArray<string>> {
    const expired = [...this.index.uploads.values()]
      .filter((upload) => nowMs - upload.initiatedAtMs > olderThanMs)
      .map((upload) => upload.uploadId)
    for (const uploadId of expired) {
      await this.locks.exclusive(uploadLock(uploadId), () => this.removeUpload(uploadId))
    }
    return expired
  }

  /** The bucket's objects sorted by key in code-point order (for the listings). */
  objectEntries(bucket: string): ReadonlyArray<ObjectEntry> {
    return this.index.objectEntries(bucket)
  }

  /** Buckets that hold objects or uploads, in code-point order. */
  bucketNames(): ReadonlyArray<string> {
    return this.index.bucketNames()
  }

  /** A body streamed into a temp record and checked against the rules; the caller commits or discards it. */
  private receive(known: Readonly<Record<string, unknown>>, claims: BodyClaims, source: BodySource) {
    return receiveBody(
      { tempDirectory: this.layout.tmp, syncer: this.syncer, limits: this.limits },
      known,
      claims,
      source
    )
  }

  /** Takes the upload's directory out of `uploads/` in one rename, then deletes it at leisure. */
  private async removeUpload(uploadId: string): Promise<void> {
    const parked = join(
      this.layout.trash,
      `${uploadId}-${Date.now().toString(36)}-${Math.random().toString(36).slice(2)}`
    )
    await rename(this.layout.uploadDir(uploadId), parked).catch((cause: { code?: unknown }) => {
      if (cause.code !== "ENOENT") throw cause
    })
    await this.syncer.sync(this.layout.uploads)
    this.index.uploads.delete(uploadId)
    await rm(parked, { recursive: true, force: true }).catch(() => undefined)
  }

  /** Frees the part files of an object that was replaced or deleted (its record is already gone). */
  private replaced(previous: ObjectMeta | undefined): void {
    if (previous?.blob === undefined) return
    void rm(this.layout.blobDir(previous.blob), { recursive: true, force: true }).catch(() => undefined)
  }
}

export type { UploadMeta }
