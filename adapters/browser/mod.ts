/**
 * The browser package (`import … from "@resumable-upload/browser"`): `upload()` (the Promise API), the services
 * layer (portable hasher + checkpoints in `localStorage`), a Blob/File byte source, and how request bodies reach
 * `fetch`. The ObjectStore comes from `@resumable-upload/s3` or `@resumable-upload/oss`.
 *
 * @since 0.1.0
 */

/**
 * How request bodies reach `fetch`: a `Blob` in browsers (Chromium sends bytes ten times slower), else bytes.
 * Override with `Effect.provideService(RequestBodyForm.RequestBodyForm, "bytes")` (DOM emulations under Node).
 */
export * as RequestBodyForm from "@resumable-upload/http/RequestBodyForm"
/** A ByteSource over a Blob or File (`blobSource(file)`), one `slice` per part. @category constructors */
export { make as blobSource } from "./BlobByteSource.ts"
export { type BrowserBundleOptions, layer } from "./BrowserLayer.ts"
export { type PartSlots, partSlots } from "./PartSlots.ts"
export { type UploadOptions, upload } from "./upload.ts"
/** Hashing parts in Web Workers (`hashWorker.ts` is the worker's module). @category constructors */
export { type WorkerHasher, type WorkerHasherOptions, workerHasher } from "./WorkerHasher.ts"
