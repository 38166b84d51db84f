/**
 * One file's upload on the page: its state, progress and error, and pause, resume and cancel. Each run is one
 * `upload()` of the browser package; resuming is simply another run on the same target, which finds the library's
 * checkpoint in IndexedDB and sends only the parts the store does not have. Cancelling a paused or failed upload
 * starts a run that is cancelled at once: the library then aborts the multipart upload, so its parts are removed.
 */

import { make as blobSource } from "@resumable-upload/browser/BlobByteSource"
import type { PartSlots } from "@resumable-upload/browser/PartSlots"
import { upload } from "@resumable-upload/browser/upload"
import * as Fingerprint from "@resumable-upload/core/Fingerprint"
import type { UploadTask } from "@resumable-upload/core/PromiseFacade"
import type { Hasher } from "@resumable-upload/core/ports/Hasher"
import type { ObjectStore } from "@resumable-upload/core/ports/ObjectStore"
import * as Effect from "effect/Effect"
import type * as HttpClient from "effect/http/HttpClient"
import type * as Layer from "effect/Layer"
import { type DemoRecord, deleteRecord } from "./DemoRecords.ts"

export type UploadState =
  | "uploading"
  | "paused"
  | "failed"
  | "completed"
  | "cancelled"
  | "needs-file"
  | "needs-permission"

export interface UploadContext {
  /** Hashes parts in Web Workers when set (the page's "Hash in a Web Worker" box). */
  readonly hasher: () => Layer.Layer<Hasher> | undefined
  readonly storeFor: (dialect: string) => Layer.Layer<ObjectStore, never, HttpClient.HttpClient>
  readonly slots: PartSlots
  readonly parallelism: number
  readonly changed: () => void
}

const describe = (error: unknown): string => {
  const e = error as { message?: string; cause?: { message?: string } }
  const cause = e.cause?.message
  return cause === undefined || e.message?.includes(cause) ? String(e.message ?? error) : `${e.message}\n${cause}`
}

export class DemoUpload {
  state: UploadState
  committedBytes = 0
  error = ""
  /** A refusal of the signing endpoint: going online again does not fix it. */
  refused = false
  private task: UploadTask | undefined

  readonly record: DemoRecord
  private file: File | undefined
  private readonly context: UploadContext

  constructor(record: DemoRecord, file: File | undefined, context: UploadContext) {
    this.record = record
    this.file = file
    this.context = context
    this.state = file === undefined ? (record.handle === undefined ? "needs-file" : "needs-permission") : "paused"
  }

  get running(): boolean {
    return this.task !== undefined
  }

  start(cancelAtOnce = false): void {
    if (this.file === undefined || this.task !== undefined) return
    const { record, context } = this
    this.state = "uploading"
    this.error = ""
    this.refused = false
    const hasher = context.hasher()
    const task = upload({
      ...(hasher === undefined ? {} : { hasher }),
      store: context.storeFor(record.dialect),
      file: this.file,
      bucket: record.bucket,
      key: record.key,
      partSizeBytes: record.partSizeBytes,
      parallelism: context.parallelism,
      partSlots: context.slots,
      contentType: this.file.type || "application/octet-stream",
      onProgress: (p) => {
        this.committedBytes = p.committedBytes
        context.changed()
      }
    })
    this.task = task
    if (cancelAtOnce) task.cancel()
    context.changed()
    task.done.then(
      async (outcome) => {
        this.task = undefined
        if (outcome._tag === "Completed") this.committedBytes = outcome.sizeBytes
        this.state = outcome._tag === "Completed" ? "completed" : outcome._tag === "Paused" ? "paused" : "cancelled"
        if (this.state !== "paused") await deleteRecord(record.id)
        context.changed()
      },
      (error: unknown) => {
        this.task = undefined
        this.state = "failed"
        this.error = describe(error)
        const code = (error as { cause?: { code?: string } }).cause?.code
        this.refused = code === "SignerRefused" || code === "SignerRejected"
        context.changed()
      }
    )
  }

  pause(): void {
    this.task?.pause()
  }

  cancel(): void {
    if (this.task !== undefined) this.task.cancel()
    else if (this.file !== undefined) this.start(true)
    else {
      this.state = "cancelled"
      void deleteRecord(this.record.id).then(() => this.context.changed())
    }
  }

  /** Gives the file back (a re-pick, or read from a handle); refused when its fingerprint is not the recorded one. */
  async attach(file: File): Promise<boolean> {
    const current = await Effect.runPromise(Fingerprint.fingerprint(blobSource(file)))
    const difference = Fingerprint.difference(this.record.fingerprint, current)
    if (difference !== undefined) {
      this.error = `not the file this upload was started with: ${difference}`
      this.context.changed()
      return false
    }
    this.file = file
    this.state = "paused"
    this.error = ""
    this.context.changed()
    return true
  }
}
