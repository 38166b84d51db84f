/**
 * An unreadable `200` answer to CompleteMultipartUpload never becomes a false failure: the engine verifies the
 * object by HEAD (size and multipart ETag) and succeeds when it matches, fails with a kept, resumable upload when
 * nothing is there, and refuses an object whose ETag is not the parts' (strict where it matters). The store is a
 * scripted HTTP client behind the real S3 adapter, so the whole path (adapter, command runner, transitions) runs.
 */
import { createHash } from "node:crypto"
import { assert, describe, it } from "@effect/vitest"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import * as NodeHasher from "../../adapters/node/NodeHasher.ts"
import * as MemoryByteSource from "../../adapters/portable/MemoryByteSource.ts"
import * as MemoryCheckpointStore from "../../adapters/portable/MemoryCheckpointStore.ts"
import * as S3Credentials from "../../adapters/s3/S3Credentials.ts"
import * as S3Endpoint from "../../adapters/s3/S3Endpoint.ts"
import * as S3ObjectStore from "../../adapters/s3/S3ObjectStore.ts"
import { s3Limits } from "../../core/Limits.ts"
import * as CheckpointStore from "../../core/ports/CheckpointStore.ts"
import { resumableUpload } from "../../core/ResumableUpload.ts"
import * as Scripted from "../support/scriptedHttp.ts"

const ns = 'xmlns="http://s3.amazonaws.com/doc/2006-03-01/"'
const partSizeBytes = 1024
const data = Uint8Array.from({ length: 3 * partSizeBytes + 100 }, (_, i) => (i * 7 + (i >> 8)) & 255)
const md5 = (bytes: Uint8Array) => createHash("md5").update(bytes).digest()

type Head = "object" | "missing" | "other"

/** A store that accepts every part, answers Complete with `completeBody`, and HEAD as `head` says. */
const scriptedStore = (completeBody: string, head: Head) => {
  const parts = new Map<number, Uint8Array>()
  const multipartEtag = () => {
    const digests = [...parts.entries()].sort(([a], [b]) => a - b).map(([, bytes]) => md5(bytes))
    return `"${createHash("md5").update(Buffer.concat(digests)).digest("hex")}-${digests.length}"`
  }
  return Scripted.make(
    Array.from({ length: 20 }, () => (r: Scripted.Recorded): Scripted.Reply => {
      const query = r.url.searchParams
      if (r.method === "POST" && query.has("uploads")) {
        return {
          body: `<InitiateMultipartUploadResult ${ns}><UploadId>up-1</UploadId></InitiateMultipartUploadResult>`
        }
      }
      if (r.method === "PUT" && query.has("partNumber")) {
        parts.set(Number(query.get("partNumber")), r.body)
        return { headers: { etag: `"${md5(r.body).toString("hex")}"` } }
      }
      if (r.method === "POST" && query.has("uploadId")) return { body: completeBody }
      if (r.method === "HEAD") {
        if (head === "missing") return { status: 404 }
        const etag = head === "object" ? multipartEtag() : '"0123456789abcdef0123456789abcdef-4"'
        return { headers: { etag, "content-length": String(data.length) } }
      }
      return { status: 500, body: `unexpected ${r.method} ${r.url}` }
    })
  )
}

// Persistent, as on a disk: a failed run keeps the upload for the next one instead of aborting it.
const checkpoints = Layer.sync(CheckpointStore.CheckpointStore, () =>
  CheckpointStore.make({ ...MemoryCheckpointStore.makeStorage(), persistent: true })
)

const upload = (completeBody: string, head: Head) => {
  const script = scriptedStore(completeBody, head)
  const store = S3ObjectStore.layer({
    endpoint: S3Endpoint.make("http://127.0.0.1:9"),
    region: "us-east-1",
    credentials: S3Credentials.make({ accessKeyId: "ak", secretAccessKey: "sk" }),
    limits: { ...s3Limits, partSizeBytesMin: partSizeBytes }
  }).pipe(Layer.provide(script.layer))
  const run = resumableUpload({
    bucket: "b",
    key: "k.bin",
    source: MemoryByteSource.make(data, { name: "k.bin", lastModifiedMs: 1 }),
    partSizeBytes,
    parallelism: 1,
    retry: { retriesMax: 0 }
  }).pipe(Effect.provide(Layer.mergeAll(store, checkpoints, NodeHasher.layer)))
  return { run, recorded: script.recorded }
}

const methods = (recorded: ReadonlyArray<Scripted.Recorded>) =>
  recorded.map((r) => `${r.method}${r.url.searchParams.has("partNumber") ? " part" : ""}`).join(", ")

describe("an unreadable 200 answer to Complete", () => {
  const unreadable = [
    ["an HTML page", "<html><body>OK</body></html>"],
    ["an unknown root", `<CompleteMultipartUploadReply ${ns}><ETag>"x-4"</ETag></CompleteMultipartUploadReply>`],
    ["a cut-off result", `<CompleteMultipartUploadResult ${ns}><ETag>"ab`],
    ["an empty body", ""]
  ] as const

  for (const [what, body] of unreadable) {
    it.effect(`${what}: verified by HEAD (size + multipart ETag), then Completed`, () =>
      Effect.gen(function* () {
        const { run, recorded } = upload(body, "object")
        const outcome = yield* run
        assert.strictEqual(outcome._tag, "Completed")
        assert.strictEqual(methods(recorded), "POST, PUT part, PUT part, PUT part, PUT part, POST, HEAD")
      })
    )
  }

  it.effect("nothing at the key after it: CompletionUnconfirmed, the upload kept (resumable), never aborted", () =>
    Effect.gen(function* () {
      const { run, recorded } = upload("<html/>", "missing")
      const error = yield* Effect.flip(run)
      assert.strictEqual(error._tag, "UploadFailed")
      if (error._tag !== "UploadFailed") return
      assert.strictEqual(error.reason, "CompletionUnconfirmed", error.message)
      assert.isTrue(error.resumable)
      assert.notInclude(methods(recorded), "DELETE")
    })
  )

  it.effect("another object at the key (ETag not the parts'): not taken for ours", () =>
    Effect.gen(function* () {
      const { run } = upload("<html/>", "other")
      const error = yield* Effect.flip(run)
      assert.strictEqual(error._tag, "UploadFailed")
      if (error._tag === "UploadFailed") assert.strictEqual(error.reason, "CompletionUnconfirmed", error.message)
    })
  )
})
