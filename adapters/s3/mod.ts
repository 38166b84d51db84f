/**
 * The S3 dialect (`import … from "@resumable-upload/s3"`): the `ObjectStore` for Amazon S3 and S3-compatible
 * stores (Ceph RGW, MinIO, …), its endpoint and credentials, SigV4 for callers that presign URLs, and bucket
 * creation for tools and tests (uploads never create buckets).
 *
 * `S3ObjectStore.layer({ endpoint: S3Endpoint.make(url), region, credentials })` needs an Effect `HttpClient`.
 *
 * @since 0.2.0
 */

export { createBucket } from "./S3Bucket.ts"
export * as S3Credentials from "./S3Credentials.ts"
export * as S3Endpoint from "./S3Endpoint.ts"
export * as S3ObjectStore from "./S3ObjectStore.ts"
export * as S3SignatureV4 from "./S3SignatureV4.ts"
export { type S3StoreOptions, s3Store } from "./s3Store.ts"
