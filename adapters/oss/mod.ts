/**
 * The OSS dialect (`import … from "@resumable-upload/oss"`): the `ObjectStore` for Alibaba Cloud OSS and
 * OSS-compatible servers, its endpoint and credentials, and the V1/V4 signers for callers that presign URLs.
 *
 * `OssObjectStore.layer({ endpoint: OssEndpoint.make(url), region, signatureVersion: "v4", credentials })` needs an
 * Effect `HttpClient` (fetch everywhere; `@effect/platform-node`'s node:http client is faster on Node).
 *
 * @since 0.2.0
 */

export * as OssCredentials from "./OssCredentials.ts"
export * as OssEndpoint from "./OssEndpoint.ts"
export * as OssObjectStore from "./OssObjectStore.ts"
export * as OssSignatureV1 from "./OssSignatureV1.ts"
export * as OssSignatureV4 from "./OssSignatureV4.ts"
export { type OssStoreOptions, ossStore } from "./ossStore.ts"
