/**
 * Listing, sync and copy with unmodified S3 clients against the local server (signed, memory storage): the aws CLI,
 * rclone, boto3, minio-js with and without a region, and @aws-sdk/client-s3 (listingSuite.ts).
 * listingClientsRgw.test.ts runs the same suite against Ceph RGW, so each difference shows; docs/compatibility.md
 * lists them.
 */
import { afterAll, beforeAll } from "vitest"
import { type LocalOssServer, start } from "../../adapters/server/LocalOssServer.ts"
import { listingSuite } from "./listingSuite.ts"

const keys = { accessKeyId: "lister", accessKeySecret: "lister-secret" }
let server: LocalOssServer

beforeAll(async () => {
  server = await start(
    { storage: { kind: "memory" }, credentials: [keys] },
    { onInternalError: (cause) => console.error("server internal error", cause) }
  )
})
afterAll(() => server?.close())

listingSuite("S3 clients list, sync and copy against the local server", () => ({
  endpoint: server.url,
  accessKeyId: keys.accessKeyId,
  secretAccessKey: keys.accessKeySecret
}))
