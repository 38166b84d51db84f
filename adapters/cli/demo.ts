/**
 * `npm run demo`: the engine end to end on one machine, with no account. A file (given, or 48 MiB generated) is
 * uploaded from disk through the Node adapters (range reads, node:crypto MD5, atomic file checkpoints with a lock)
 * into the embedded store model. The process "crashes" (the upload fiber is interrupted) halfway; a second run
 * resumes from the checkpoint, and the stored object is compared with the file byte for byte.
 *
 * Until the HTTP adapters land, the embedded store is the in-process model the simulation uses.
 */

import { randomBytes } from "node:crypto"
import { mkdtempSync, rmSync, writeFileSync } from "node:fs"
import { readFile } from "node:fs/promises"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { ossLimits } from "@resumable-upload/core/Limits"
import { ObjectStore } from "@resumable-upload/core/ports/ObjectStore"
import { resumableUpload } from "@resumable-upload/core/ResumableUpload"
import * as NodeCheckpointStore from "@resumable-upload/node/NodeCheckpointStore"
import * as NodeFileByteSource from "@resumable-upload/node/NodeFileByteSource"
import * as NodeHasher from "@resumable-upload/node/NodeHasher"
import { MultipartModel } from "@resumable-upload/sim/MultipartModel"
import { SimNetwork } from "@resumable-upload/sim/SimNetwork"
import * as SimObjectStore from "@resumable-upload/sim/SimObjectStore"
import * as Effect from "effect/Effect"
import * as Fiber from "effect/Fiber"
import * as Layer from "effect/Layer"

const MiB = 1024 * 1024
const workDir = mkdtempSync(join(tmpdir(), "resumable-upload-demo-"))
const path = process.argv[2] ?? join(workDir, "demo.bin")
if (process.argv[2] === undefined) writeFileSync(path, randomBytes(48 * MiB))

const model = new MultipartModel({ dialect: "oss", limits: ossLimits })
const network = new SimNetwork()
network.autoFate = "Deliver"
const layer = Layer.mergeAll(
  Layer.succeed(
    ObjectStore,
    SimObjectStore.make(model, network, { nowMs: () => Date.now(), endpointId: "embedded:oss" })
  ),
  NodeCheckpointStore.layer(join(workDir, "checkpoints")),
  NodeHasher.layer
)

const line = (text: string) => process.stdout.write(`${text}\n`)
const run = (label: string, crashAtBytes?: number) =>
  Effect.gen(function* () {
    const source = yield* NodeFileByteSource.make(path)
    const fiber = yield* Effect.forkChild(
      resumableUpload({
        bucket: "demo",
        key: "uploads/demo.bin",
        source,
        partSizeBytes: 4 * MiB,
        onNotice: (n) => line(`  ${label}: notice ${JSON.stringify(n)}`),
        onProgress: (p) =>
          line(
            `  ${label}: ${p.phase} ${(p.committedBytes / MiB).toFixed(0)}/${(p.totalBytes / MiB).toFixed(0)} MiB committed`
          )
      })
    )
    if (crashAtBytes === undefined) return yield* Fiber.join(fiber)
    while (
      model.liveUploads()[0] === undefined ||
      (model.liveUploads()[0]?.partNumbers.length ?? 0) * 4 * MiB < crashAtBytes
    ) {
      yield* Effect.sleep("5 millis")
    }
    yield* Fiber.interrupt(fiber)
    line(`  ${label}: process crashed with ${model.liveUploads()[0]?.partNumbers.length} parts on the store`)
    return undefined
  })

const main = Effect.gen(function* () {
  line(`uploading ${path} into the embedded store (oss dialect), checkpoints in ${join(workDir, "checkpoints")}`)
  yield* run("run 1", 24 * MiB)
  const outcome = yield* run("run 2")
  if (outcome?._tag !== "Completed")
    return yield* Effect.die(new Error(`unexpected outcome ${JSON.stringify(outcome)}`))
  const stored = model.objectBytes("demo", "uploads/demo.bin") ?? new Uint8Array(0)
  const same = Buffer.compare(Buffer.from(stored), yield* Effect.promise(() => readFile(path))) === 0
  line(`stored oss://demo/uploads/demo.bin: ${outcome.sizeBytes} bytes in ${outcome.partCount} parts`)
  line(`  etag ${outcome.etag}, crc64 ${outcome.crc64} (x-oss-hash-crc64ecma), identical to the file: ${same}`)
  if (!same) return yield* Effect.die(new Error("stored object differs from the file"))
})

const cleanUp = () => rmSync(workDir, { recursive: true, force: true })

Effect.runPromise(main.pipe(Effect.provide(layer))).then(
  () => {
    cleanUp()
    process.exit(0)
  },
  (error: unknown) => {
    process.stderr.write(`demo failed: ${String(error)}\n`)
    cleanUp()
    process.exit(1)
  }
)
