/**
 * The worker-thread side of {@link ./NodeWorkerHasher.ts}: hashes one whole part per message with node:crypto's MD5
 * and, when asked, core's CRC-64/XZ, and hands the part's buffer back with the digests so the pool can reuse it.
 *
 * Its file sits next to NodeWorkerHasher in every form the package ships in (`.ts` beside the sources, `.js` in
 * dist/ and beside the CLI bundle, which builds it as an entry of its own).
 *
 * @since 0.2.0
 */
import { createHash } from "node:crypto"
import { parentPort } from "node:worker_threads"
import * as Crc64 from "@resumable-upload/core/Crc64"

/** Parent → worker: a part's bytes (transferred), and whether its CRC-64 is wanted. @category models */
export interface HashTask {
  readonly id: number
  readonly bytes: Uint8Array
  readonly crc64: boolean
}

/** Worker → parent, once per task; `bytes` is the task's buffer, transferred back. @category models */
export type HashReply =
  | { readonly id: number; readonly md5: Uint8Array; readonly crc64?: bigint; readonly bytes: Uint8Array }
  | { readonly id: number; readonly error: string; readonly bytes: Uint8Array }

const port = parentPort
if (port === null) throw new Error("NodeHashWorker: must run as a worker thread (see NodeWorkerHasher.ts)")

port.on("message", (task: HashTask) => {
  const { id, bytes } = task
  const transfer = [bytes.buffer as ArrayBuffer]
  try {
    const digest = createHash("md5").update(bytes).digest()
    const md5 = new Uint8Array(digest.buffer.slice(digest.byteOffset, digest.byteOffset + digest.byteLength))
    const reply: HashReply = task.crc64 ? { id, md5, crc64: Crc64.compute(bytes), bytes } : { id, md5, bytes }
    port.postMessage(reply, transfer)
  } catch (error) {
    port.postMessage({ id, error: String(error), bytes } satisfies HashReply, transfer)
  }
})
