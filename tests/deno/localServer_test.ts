/**
 * The local server under Deno (issue 10: "at least `deno run` of the server"): started from its sources through
 * Deno's Node compatibility over a data directory, it takes a resumable multipart upload from the Deno adapter (S3
 * dialect, SigV4, 3 parts), and after a restart over the same directory it lists the object (ListObjectsV2) and
 * serves it back byte for byte. `deno test -A tests/deno/` (not a vitest file, hence `_test.ts`).
 */

import assert from "node:assert/strict"
import { Buffer } from "node:buffer"
import * as Effect from "effect/Effect"
import * as FetchHttpClient from "effect/http/FetchHttpClient"
import * as Layer from "effect/Layer"
import { upload } from "../../adapters/deno/upload.ts"
import { s3Store } from "../../adapters/s3/s3Store.ts"
import { start } from "../../adapters/server/LocalOssServer.ts"
import { ObjectStore } from "../../core/ports/ObjectStore.ts"

const MiB = 1024 * 1024
const keys = { accessKeyId: "deno-key", secretAccessKey: "deno-secret" }

Deno.test("the local server runs under Deno: multipart upload, restart, listing, GET", async () => {
  const dir = await Deno.makeTempDir({ prefix: "deno-server-" })
  const options = {
    storage: { kind: "directory", path: `${dir}/data` },
    credentials: [{ accessKeyId: keys.accessKeyId, accessKeySecret: keys.secretAccessKey }]
  } as const
  const bytes = Uint8Array.from({ length: 11 * MiB }, (_, i) => (i * 2654435761) >>> 24)
  await Deno.writeFile(`${dir}/source.bin`, bytes)
  let server = await start(options)
  try {
    const store = () => s3Store({ endpoint: server.url, ...keys })
    const task = upload({
      store: store(),
      file: `${dir}/source.bin`,
      bucket: "deno-bucket",
      key: "dir/object.bin",
      partSizeBytes: 5 * MiB,
      checkpointDirectory: `${dir}/checkpoints`
    })
    const outcome = await task.done
    assert.equal(outcome._tag, "Completed")
    await server.close()
    server = await start(options) // the same data directory: the object survives the restart
    const anonymous = await fetch(`${server.url}/deno-bucket?list-type=2`)
    assert.equal(anonymous.status, 403, "listing needs a signature, as every request does")
    await anonymous.body?.cancel()
    const { page, stored } = await Effect.runPromise(
      Effect.gen(function* () {
        const objects = yield* ObjectStore
        assert.ok(objects.listObjects !== undefined, "the S3 store lists")
        const page = yield* objects.listObjects({ bucket: "deno-bucket", prefix: "dir/" })
        const stored = yield* objects.get({ bucket: "deno-bucket", key: "dir/object.bin" })
        return { page, stored }
      }).pipe(Effect.provide(store().pipe(Layer.provide(FetchHttpClient.layer))))
    )
    assert.deepEqual(
      page.objects.map((o) => [o.key, o.sizeBytes]),
      [["dir/object.bin", bytes.length]]
    )
    assert.ok(Buffer.from(stored).equals(Buffer.from(bytes)), "the object is the file, byte for byte")
  } finally {
    await server.close()
    await Deno.remove(dir, { recursive: true })
  }
})
