/**
 * Runtime-neutral adapters (`import … from "@resumable-upload/portable"`): they run wherever Effect runs. Memory and
 * key-value checkpoint stores, a byte source over bytes in memory, and the spark-md5 hasher need no host API; the
 * file adapters (lock, key-value store, checkpoint store, byte source) need only a {@link FileHost}, which the
 * Node and Deno packages supply.
 *
 * @since 0.2.0
 */
export * as ChunkedStreamSource from "./ChunkedStreamSource.ts"
export * as FileByteSource from "./FileByteSource.ts"
export * as FileCheckpointStore from "./FileCheckpointStore.ts"
export * as FileHost from "./FileHost.ts"
export * as FileKeyValueStore from "./FileKeyValueStore.ts"
export * as FileLock from "./FileLock.ts"
export * as FileUpload from "./FileUpload.ts"
export * as FollowFileSource from "./FollowFileSource.ts"
export * as KvCheckpointStore from "./KvCheckpointStore.ts"
export * as MemoryByteSource from "./MemoryByteSource.ts"
export * as MemoryCheckpointStore from "./MemoryCheckpointStore.ts"
export * as PortableHasher from "./PortableHasher.ts"
