/**
 * The local object store server (`import … from "@resumable-upload/server"`): OSS and S3 dialects on one port,
 * data in a directory (or memory), for development, tests and offline use. `LocalOssServer.start(options)`
 * listens and resolves once it accepts connections; `close()` stops it.
 *
 * @since 0.2.0
 */
export * as LocalOssServer from "./LocalOssServer.ts"
