/**
 * The client side of the memory test (lib-storage #4257/#8286: memory that grows with the file), in its own
 * process so nothing else shares its heap: uploads a generated source of `PROBE_SIZE_BYTES` (made on demand from
 * the offset, never held whole) to the S3 store at `PROBE_URL` through the Promise facade, and samples memory every
 * 50 ms: RSS as is, and the live heap plus array buffers after a forced gc (run with `--expose-gc`). It also counts
 * the bytes of source reads not yet collected (a FinalizationRegistry), the bytes the engine itself still holds.
 * Prints one JSON line with the peaks.
 */
import { mkdtempSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import * as Effect from "effect/Effect"
import * as FetchHttpClient from "effect/http/FetchHttpClient"
import * as Layer from "effect/Layer"
import * as NodeCheckpointStore from "../../adapters/node/NodeCheckpointStore.ts"
import * as NodeHasher from "../../adapters/node/NodeHasher.ts"
import { makeUploader } from "../../core/PromiseFacade.ts"
import type { ByteSource } from "../../core/ports/ByteSource.ts"
import { storeLayer } from "./peerStack.ts"

const url = process.env.PROBE_URL ?? ""
const sizeBytes = Number(process.env.PROBE_SIZE_BYTES)
const partSizeBytes = Number(process.env.PROBE_PART_BYTES)
const parallelism = Number(process.env.PROBE_PARALLELISM)
const gc = (globalThis as { gc?: () => void }).gc
if (gc === undefined) throw new Error("run with --expose-gc")

let readBytes = 0
let collectedBytes = 0
const collected = new FinalizationRegistry<number>((n) => {
  collectedBytes += n
})

/** Each byte a function of its offset, so every part differs; filled a word at a time to keep it cheap. */
const generated: ByteSource = {
  sizeBytes,
  name: `generated-${sizeBytes}`,
  read: (offsetBytes, lengthBytes) =>
    Effect.sync(() => {
      const out = new Uint8Array(lengthBytes)
      const words = new Uint32Array(out.buffer, 0, lengthBytes >>> 2)
      const base = offsetBytes >>> 2
      for (let i = 0; i < words.length; i++) words[i] = Math.imul(base + i, 2654435761) >>> 0
      readBytes += lengthBytes
      collected.register(out, lengthBytes)
      return out
    })
}

const peaks = { rssBytes: 0, liveBytesAfterGc: 0, uncollectedReadBytes: 0 }
const sample = () => {
  peaks.rssBytes = Math.max(peaks.rssBytes, process.memoryUsage().rss)
  gc()
  const m = process.memoryUsage()
  peaks.liveBytesAfterGc = Math.max(peaks.liveBytesAfterGc, m.heapUsed + m.arrayBuffers)
  peaks.uncollectedReadBytes = Math.max(peaks.uncollectedReadBytes, readBytes - collectedBytes)
}
gc()
const before = process.memoryUsage()
const timer = setInterval(sample, 50)

const uploader = makeUploader(
  Layer.mergeAll(
    NodeHasher.layer,
    NodeCheckpointStore.layer(mkdtempSync(join(tmpdir(), "memory-probe-"))),
    storeLayer("s3", url).pipe(Layer.provide(FetchHttpClient.layer))
  )
)
const outcome = await uploader.upload({
  bucket: "peer-bugs",
  key: `memory/${sizeBytes}`,
  source: generated,
  partSizeBytes,
  parallelism
}).done
clearInterval(timer)
sample()
await uploader.dispose()
process.stdout.write(
  `${JSON.stringify({ outcome: outcome._tag, sizeBytes, readBytes, baselineLiveBytes: before.heapUsed + before.arrayBuffers, baselineRssBytes: before.rss, ...peaks })}\n`
)
