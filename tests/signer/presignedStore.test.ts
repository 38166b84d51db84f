/**
 * The stores' presigned mode and temporary credentials, through the Node `upload()` against the local server with
 * keys: `s3Store`/`ossStore` given only a signing endpoint (a URL served over HTTP, or a function) and no keys
 * upload a multipart file; a policy refusal fails the upload naming the rule; a credentials provider is called once
 * for a whole upload while its credentials stay fresh.
 */
import { mkdtempSync, writeFileSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { assert, describe, it } from "@effect/vitest"
import type { SignAnswer } from "../../adapters/http/SignWire.ts"
import { upload } from "../../adapters/node/upload.ts"
import { ossStore } from "../../adapters/oss/ossStore.ts"
import { s3Store } from "../../adapters/s3/s3Store.ts"
import { accessKeyId, accessKeySecret, bucket, bytesOf, signedFetch, withServer } from "../server/serverSupport.ts"
import { serveHandler } from "./serveHandler.ts"
import { createBucket } from "./signedUploadScenario.ts"
import { ask, handlerFor } from "./signerSupport.ts"

const credentials = [{ accessKeyId, accessKeySecret }]
const mib = 1024 * 1024
const partSizeBytes = 5 * mib

const fileOf = (sizeBytes: number) => {
  const dir = mkdtempSync(join(tmpdir(), "presigned-store-"))
  const file = join(dir, "big.bin")
  writeFileSync(file, bytesOf(sizeBytes, 7))
  return { file, checkpointDirectory: join(dir, "checkpoints") }
}

const wide = { maxObjectSizeBytes: 8 * mib, contentTypes: ["application/octet-stream"] }

describe("presigned stores: the page holds no keys", () => {
  it(
    "s3Store({ signer: url }) uploads a multipart file through a signing endpoint served over HTTP",
    () =>
      withServer({ credentials, dialect: "s3" }, async (server) => {
        await createBucket(server.url, bucket, { accessKeyId, secretAccessKey: accessKeySecret })
        const served = await serveHandler(
          handlerFor(server, "s3", { policy: { buckets: [bucket], keyPrefix: "uploads/", ...wide } })
        )
        try {
          const outcome = await upload({
            store: s3Store({ endpoint: server.url, signer: served.url }),
            ...fileOf(11 * mib),
            bucket,
            key: "uploads/big.bin",
            partSizeBytes,
            contentType: "application/octet-stream"
          }).done
          assert.strictEqual(outcome._tag, "Completed")
          // Initiate, three parts, Complete at least; each one asked the endpoint.
          assert.isAtLeast(served.requests(), 5)
          const head = await signedFetch(server, { method: "HEAD", key: "uploads/big.bin" }, { version: "v4" })
          assert.strictEqual(head.headers.get("content-length"), String(11 * mib))
        } finally {
          await served.close()
        }
      }),
    60_000
  )

  it(
    "ossStore({ signer: fn }) uploads through a function that asks the handler",
    () =>
      withServer({ credentials, dialect: "oss" }, async (server) => {
        assert.strictEqual((await signedFetch(server, { method: "PUT" }, { version: "v4" })).status, 200)
        const handler = handlerFor(server, "oss", { policy: { buckets: [bucket], keyPrefix: "uploads/", ...wide } })
        const asked: Array<string> = []
        const outcome = await upload({
          store: ossStore({
            endpoint: server.url,
            region: "cn-hangzhou",
            signer: async (request) => {
              asked.push(request.operation)
              return (await (await ask(handler, request)).json()) as SignAnswer
            }
          }),
          ...fileOf(6 * mib),
          bucket,
          key: "uploads/oss.bin",
          partSizeBytes,
          contentType: "application/octet-stream"
        }).done
        assert.strictEqual(outcome._tag, "Completed")
        assert.includeMembers(asked, ["InitiateMultipartUpload", "UploadPart", "CompleteMultipartUpload"])
      }),
    60_000
  )

  it(
    "fails with SignerRejected when a signer function answers something that is not a URL",
    () =>
      withServer({ credentials, dialect: "oss" }, async (server) => {
        const failure = await upload({
          store: ossStore({ endpoint: server.url, region: "cn-hangzhou", signer: async () => "not a url" }),
          ...fileOf(6 * mib),
          bucket,
          key: "uploads/x.bin",
          partSizeBytes
        }).done.then(
          () => undefined,
          (e: unknown) => e
        )
        assert.include(JSON.stringify(failure) + String(failure), "SignerRejected")
      }),
    60_000
  )

  it(
    "fails with SignerRefused, once and naming the rule, when a signer function answers the endpoint's refusal",
    () =>
      withServer({ credentials, dialect: "oss" }, async (server) => {
        let asked = 0
        const failure = await upload({
          store: ossStore({
            endpoint: server.url,
            region: "cn-hangzhou",
            signer: async () => {
              asked += 1
              return { error: "PolicyRefused", rule: "keyPrefix", message: 'key must start with "mine/"' }
            }
          }),
          ...fileOf(6 * mib),
          bucket,
          key: "uploads/x.bin",
          partSizeBytes
        }).done.then(
          () => undefined,
          (e: unknown) => e as { cause?: { code?: string; message?: string } }
        )
        assert.strictEqual(failure?.cause?.code, "SignerRefused")
        assert.include(failure?.cause?.message, '(403, rule keyPrefix): key must start with "mine/"')
        assert.strictEqual(asked, 1, "a refusal is not retried")
      }),
    60_000
  )

  it(
    "fails the upload with SignerRefused naming the rule when the policy refuses",
    () =>
      withServer({ credentials, dialect: "s3" }, async (server) => {
        await createBucket(server.url, bucket, { accessKeyId, secretAccessKey: accessKeySecret })
        const served = await serveHandler(
          handlerFor(server, "s3", { policy: { buckets: [bucket], keyPrefix: "uploads/", ...wide } })
        )
        try {
          const failure = await upload({
            store: s3Store({ endpoint: server.url, signer: served.url }),
            ...fileOf(6 * mib),
            bucket,
            key: "elsewhere/big.bin",
            partSizeBytes,
            contentType: "application/octet-stream",
            retry: { retriesMax: 0 }
          }).done.then(
            () => undefined,
            (e: unknown) => e
          )
          const text = JSON.stringify(failure) + String(failure)
          assert.include(text, "SignerRefused")
          assert.include(text, "keyPrefix")
        } finally {
          await served.close()
        }
      }),
    60_000
  )
})

describe("temporary credentials in the stores", () => {
  it.each(["s3", "oss"] as const)(
    "%sStore({ credentials: provider }) asks once per upload while fresh",
    (dialect) =>
      withServer({ credentials, dialect }, async (server) => {
        await createBucket(server.url, bucket, { accessKeyId, secretAccessKey: accessKeySecret })
        let calls = 0
        const provider = async () => {
          calls += 1
          return { accessKeyId, secretAccessKey: accessKeySecret, expiresAtMs: Date.now() + 3_600_000 }
        }
        const store =
          dialect === "s3"
            ? s3Store({ endpoint: server.url, credentials: provider })
            : ossStore({ endpoint: server.url, region: "cn-hangzhou", credentials: provider })
        const outcome = await upload({ store, ...fileOf(11 * mib), bucket, key: "k.bin", partSizeBytes }).done
        assert.strictEqual(outcome._tag, "Completed")
        assert.strictEqual(calls, 1)
      }),
    60_000
  )
})
