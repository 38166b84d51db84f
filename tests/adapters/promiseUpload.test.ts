/**
 * The Promise API (`upload()` of the Node package, built by portable's FileUpload.ts over core's `uploadTask`):
 * a store, a file and options in; progress, pause, cancel and `done` out, with the Effect API's tagged errors.
 * The store is the simulated one, so the checks can look at what it holds.
 */
import { mkdtempSync, readdirSync, writeFileSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import * as Layer from "effect/Layer"
import { describe, expect, it } from "vitest"
import { upload } from "../../adapters/node/upload.ts"
import { MultipartModel } from "../../adapters/sim/MultipartModel.ts"
import { SimNetwork } from "../../adapters/sim/SimNetwork.ts"
import * as SimObjectStore from "../../adapters/sim/SimObjectStore.ts"
import type { Progress } from "../../core/Progress.ts"
import { ObjectStore } from "../../core/ports/ObjectStore.ts"
import { bytesOf, testLimits } from "../support/simStack.ts"

const setup = (sizeBytes: number) => {
  const model = new MultipartModel({ dialect: "s3", limits: testLimits })
  const network = new SimNetwork()
  network.autoFate = "Deliver"
  const store = Layer.succeed(ObjectStore, SimObjectStore.make(model, network, { nowMs: () => 0 }))
  const dir = mkdtempSync(join(tmpdir(), "promise-upload-"))
  const file = join(dir, "video.bin")
  const bytes = bytesOf(sizeBytes, 3)
  writeFileSync(file, bytes)
  const checkpointDirectory = join(dir, "checkpoints")
  return { model, store, file, bytes, checkpointDirectory }
}

describe("upload() (Promise API, Node)", () => {
  it("uploads a file in parts, reports progress that only grows, and resolves with the outcome", async () => {
    const { model, store, file, bytes, checkpointDirectory } = setup(1000)
    const seen: Array<Progress> = []
    const task = upload({
      store,
      file,
      bucket: "b",
      key: "video.bin",
      partSizeBytes: 64,
      checkpointDirectory,
      onProgress: (p) => seen.push(p)
    })
    const outcome = await task.done
    expect(outcome).toMatchObject({ _tag: "Completed", key: "video.bin", sizeBytes: 1000, partCount: 16 })
    expect(model.objectBytes("b", "video.bin")).toEqual(bytes)
    expect(seen.length).toBeGreaterThan(1)
    expect(seen.map((p) => p.committedBytes)).toEqual([...seen.map((p) => p.committedBytes)].sort((a, b) => a - b))
    expect(seen.at(-1)?.committedBytes).toBe(1000)
    // A finished upload leaves no checkpoint (nor lock file) behind.
    expect(readdirSync(checkpointDirectory)).toEqual([])
  })

  it("rejects `done` with the tagged error of the Effect API", async () => {
    const { store, file, checkpointDirectory } = setup(100)
    const bad = upload({ store, file, bucket: "b", key: "/starts-with-slash", checkpointDirectory })
    await expect(bad.done).rejects.toMatchObject({ _tag: "InvalidUploadRequest", field: "key" })
    const missing = upload({ store, file: `${file}.missing`, bucket: "b", key: "k", checkpointDirectory })
    await expect(missing.done).rejects.toMatchObject({ _tag: "SourceReadError" })
  })

  it("pauses, keeping the checkpoint, and a second upload() of the same file resumes it", async () => {
    const { model, store, file, bytes, checkpointDirectory } = setup(1000)
    const options = { store, file, bucket: "b", key: "k", partSizeBytes: 64, checkpointDirectory }
    // Paused once two parts are stored, from inside the progress callback, as a pause button would.
    const first: { task?: ReturnType<typeof upload> } = {}
    first.task = upload({ ...options, onProgress: (p) => (p.partsCommitted >= 2 ? first.task?.pause() : undefined) })
    const paused = await first.task.done
    expect(paused).toMatchObject({ _tag: "Paused" })
    expect(paused._tag === "Paused" && paused.committedBytes).toBeGreaterThanOrEqual(128)
    expect(model.objectBytes("b", "k")).toBeUndefined()
    expect(readdirSync(checkpointDirectory).length).toBeGreaterThan(0)
    expect(await upload(options).done).toMatchObject({ _tag: "Completed", sizeBytes: 1000 })
    expect(model.objectBytes("b", "k")).toEqual(bytes)
  })

  it("cancels: the outcome is Cancelled and no object is stored", async () => {
    const { model, store, file, checkpointDirectory } = setup(1000)
    const task = upload({ store, file, bucket: "b", key: "k", partSizeBytes: 64, checkpointDirectory })
    task.cancel()
    expect(await task.done).toMatchObject({ _tag: "Cancelled" })
    expect(model.objectBytes("b", "k")).toBeUndefined()
  })
})
