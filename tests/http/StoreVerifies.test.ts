/**
 * The engine computes only the checksums a store verifies (`ObjectStoreShape.verifies`): S3 stores check no
 * CRC-64/XZ, so an S3 upload computes none, yet every part's MD5 and the object's multipart ETag are still checked;
 * OSS reports CRC-64 for parts and objects, so an OSS upload computes and compares it as before. A counting hasher
 * (node:crypto MD5, core CRC-64) sees every CRC-64 the engine asks for, against the local server in this process.
 */
import { createHash } from "node:crypto"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import { afterEach, describe, expect, it } from "vitest"
import * as NodeCheckpointStore from "../../adapters/node/NodeCheckpointStore.ts"
import * as NodeFileByteSource from "../../adapters/node/NodeFileByteSource.ts"
import * as NodeHasher from "../../adapters/node/NodeHasher.ts"
import { makeUpload } from "../../adapters/portable/FileUpload.ts"
import * as Crc64 from "../../core/Crc64.ts"
import { Hasher } from "../../core/ports/Hasher.ts"
import { bucket, type Dialect, makePeerStack, type PeerStack, partSizeBytes } from "./peerStack.ts"

const stacks: Array<PeerStack> = []
afterEach(async () => {
  for (const stack of stacks.splice(0)) await stack.close()
})

/** NodeHasher, counting the CRC-64 states asked for and the bytes they were fed. */
const countingHasher = () => {
  const counts = { crc64States: 0, crc64Bytes: 0, md5States: 0 }
  const layer = Layer.effect(
    Hasher,
    Effect.map(Hasher, (inner) =>
      Hasher.of({
        md5: () => {
          counts.md5States += 1
          return inner.md5()
        },
        crc64: () => {
          counts.crc64States += 1
          const state = inner.crc64()
          return {
            update: (chunk) => {
              counts.crc64Bytes += chunk.length
              state.update(chunk)
            },
            digest: state.digest
          }
        }
      })
    )
  ).pipe(Layer.provide(NodeHasher.layer))
  return { counts, layer }
}

const md5 = (bytes: Uint8Array) => createHash("md5").update(bytes).digest()

/** The multipart ETag of `bytes` cut into `partSizeBytes` parts: md5(md5(part 1) ‖ …)-N. */
const multipartEtag = (bytes: Uint8Array): string => {
  const digests = []
  for (let at = 0; at < bytes.length; at += partSizeBytes) digests.push(md5(bytes.subarray(at, at + partSizeBytes)))
  return `${md5(Buffer.concat(digests)).toString("hex")}-${digests.length}`
}

const uploadWith = async (dialect: Dialect, sizeBytes: number) => {
  const stack = await makePeerStack({ dialect })
  stacks.push(stack)
  const { file, bytes } = stack.writeFile(sizeBytes, 7)
  const hasher = countingHasher()
  const upload = makeUpload({
    hasher: hasher.layer,
    checkpoints: NodeCheckpointStore.layer,
    fileSource: NodeFileByteSource.make
  })
  const outcome = await upload({
    store: stack.proxied,
    file,
    bucket,
    key: `verifies/${dialect}-${sizeBytes}.bin`,
    partSizeBytes,
    parallelism: 2,
    checkpointDirectory: stack.checkpointDirectory
  }).done
  return { outcome, counts: hasher.counts, bytes, stack }
}

describe("only the checksums the store verifies are computed", () => {
  it("S3, multipart: no CRC-64/XZ is computed; every part's MD5 and the multipart ETag are still checked", async () => {
    const { outcome, counts, bytes, stack } = await uploadWith("s3", 5 * partSizeBytes + 123)
    expect(outcome._tag).toBe("Completed")
    if (outcome._tag !== "Completed") return
    expect(counts.crc64States).toBe(0)
    expect(counts.crc64Bytes).toBe(0)
    expect(outcome.crc64).toBeUndefined()
    // Each part went with its Content-MD5 and the ETag the engine judged is the parts' multipart ETag.
    expect(stack.proxy.of("UploadPart").every((r) => r.headers["content-md5"] !== undefined)).toBe(true)
    expect(outcome.etag.replace(/"/g, "")).toBe(multipartEtag(bytes))
    expect(Buffer.compare(Buffer.from((await stack.objectBytes(outcome.key)) ?? []), Buffer.from(bytes))).toBe(0)
  })

  it("S3, a single PutObject: no CRC-64/XZ either, the ETag is the body's MD5", async () => {
    const { outcome, counts, bytes } = await uploadWith("s3", 1000)
    expect(outcome._tag === "Completed" && outcome.crc64).toBeUndefined()
    expect(counts.crc64States).toBe(0)
    expect(outcome._tag === "Completed" && outcome.etag.replace(/"/g, "")).toBe(md5(bytes).toString("hex"))
  })

  it("OSS: every byte goes through CRC-64, and the object's CRC-64 is the file's", async () => {
    const sizeBytes = 3 * partSizeBytes + 5
    const { outcome, counts, bytes } = await uploadWith("oss", sizeBytes)
    expect(outcome._tag).toBe("Completed")
    if (outcome._tag !== "Completed") return
    expect(counts.crc64Bytes).toBe(sizeBytes)
    expect(outcome.crc64).toBe(Crc64.compute(bytes))
  })
})
