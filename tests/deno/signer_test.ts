/**
 * The signing endpoint under real Deno (`deno test -A tests/deno/`): `signerHandler` served by `Deno.serve`, the
 * local server (node:http through Deno's Node compatibility) as the store, a presigned multipart upload in both
 * dialects through URLs fetched from the Deno-served endpoint, and a policy refusal.
 */
import assert from "node:assert/strict"
import { start } from "../../adapters/server/LocalOssServer.ts"
import { signerHandler } from "../../adapters/signer/signerHandler.ts"
import { createBucket, refusedRule, signedUpload } from "../signer/signedUploadScenario.ts"

const keys = { accessKeyId: "deno-ak", secretAccessKey: "deno-sk" }
const bucket = "deno-bucket"

for (const dialect of ["s3", "oss"] as const) {
  Deno.test(`signerHandler under Deno.serve signs a ${dialect} multipart upload and refuses by rule`, async () => {
    const server = await start({
      storage: { kind: "memory" },
      credentials: [{ accessKeyId: keys.accessKeyId, accessKeySecret: keys.secretAccessKey }],
      dialect,
      storeLimits: { partSizeBytesMin: 4 }
    })
    const handler = signerHandler({
      store:
        dialect === "s3" ? { dialect, endpoint: server.url } : { dialect, endpoint: server.url, region: "cn-hangzhou" },
      credentials: keys,
      policy: { buckets: [bucket], keyPrefix: "in/", maxObjectSizeBytes: 64 }
    })
    const served = Deno.serve({ hostname: "127.0.0.1", port: 0, onListen: () => {} }, handler)
    try {
      const signUrl = `http://127.0.0.1:${served.addr.port}/sign`
      await createBucket(server.url, bucket, keys)
      assert.equal(await signedUpload(signUrl, bucket, "in/deno.bin"), 17)
      const refused = await refusedRule(signUrl, { operation: "HeadObject", bucket, key: "out/x" })
      assert.deepEqual(refused, { status: 403, rule: "keyPrefix" })
    } finally {
      await served.shutdown()
      await server.close()
    }
  })
}
