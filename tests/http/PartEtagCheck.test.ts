/**
 * The per-part check of the store's ETag against the MD5 the engine sent (core/CommandRunner.ts). On S3 it is the
 * only per-part check of the answer (no CRC-64 comes back), so a store or middlebox that answers UploadPart with
 * another part's ETag must be caught at that part, not at Complete or never. A proxy rewrites the ETag header of an
 * S3 UploadPart answer to another valid-looking MD5.
 *
 * Both tests fail when the check is deleted: without it the wrong ETag is recorded, Complete is sent with it and
 * the server refuses it (`InvalidPart`), so the first test sees a Complete and a StoreRejected failure, and the
 * second a failed upload instead of one healed by the retry.
 */
import { afterEach, describe, expect, it } from "vitest"
import { upload } from "../../adapters/node/upload.ts"
import { bucket, makePeerStack, md5Hex, type PeerStack, partSizeBytes } from "./peerStack.ts"
import type { Answer, SeenRequest } from "./ScriptedProxy.ts"

const stacks: Array<PeerStack> = []
afterEach(async () => {
  for (const stack of stacks.splice(0)) await stack.close()
})

/** A valid-looking ETag that is not the part's: the MD5 of something else, quoted as S3 quotes it. */
const wrongEtag = `"${md5Hex(new TextEncoder().encode("not this part"))}"`
const withWrongEtag = (answer: Answer): Answer => ({ ...answer, headers: { ...answer.headers, etag: wrongEtag } })
const isPart2 = (r: SeenRequest) => r.operation === "UploadPart" && /[?&]partNumber=2(&|$)/.test(r.path)

describe("the store's part ETag is checked against the sent MD5 (S3)", () => {
  it("an UploadPart answered with a wrong ETag every time fails that part as IntegrityMismatch; no Complete", async () => {
    const stack = await makePeerStack({
      dialect: "s3",
      decide: (r) => (isPart2(r) ? { kind: "forward", rewrite: withWrongEtag } : { kind: "forward" })
    })
    stacks.push(stack)
    const { file } = stack.writeFile(3 * partSizeBytes, 11)
    const task = upload({
      store: stack.proxied,
      file,
      bucket,
      key: "etag/always-wrong.bin",
      partSizeBytes,
      parallelism: 1,
      retry: { retriesMax: 2, baseDelayMs: 1, maxDelayMs: 5 },
      checkpointDirectory: stack.checkpointDirectory
    })
    const error = await task.done.then(
      () => undefined,
      (e: unknown) => e
    )
    expect(error).toMatchObject({ _tag: "UploadFailed", reason: "IntegrityMismatch" })
    expect(String((error as Error).message)).toContain("part 2")
    // Each try of part 2 was answered with the wrong ETag; the retries are the policy's, then the part failed.
    expect(stack.proxy.log.filter(isPart2).length).toBe(3)
    expect(stack.proxy.of("Complete")).toHaveLength(0)
    expect(await stack.objectBytes("etag/always-wrong.bin")).toBeUndefined()
  })

  it("a wrong ETag once is retried: the part is sent again and the object is intact", async () => {
    let rewritten = 0
    const stack = await makePeerStack({
      dialect: "s3",
      decide: (r) =>
        isPart2(r) && rewritten++ === 0 ? { kind: "forward", rewrite: withWrongEtag } : { kind: "forward" }
    })
    stacks.push(stack)
    const { file, bytes } = stack.writeFile(3 * partSizeBytes, 12)
    const outcome = await upload({
      store: stack.proxied,
      file,
      bucket,
      key: "etag/once-wrong.bin",
      partSizeBytes,
      parallelism: 1,
      retry: { retriesMax: 2, baseDelayMs: 1, maxDelayMs: 5 },
      checkpointDirectory: stack.checkpointDirectory
    }).done
    expect(outcome).toMatchObject({ _tag: "Completed", sizeBytes: bytes.length, partCount: 3 })
    expect(stack.proxy.log.filter(isPart2).length).toBe(2)
    expect(stack.proxy.of("Complete")).toHaveLength(1)
    expect(await stack.objectBytes("etag/once-wrong.bin")).toEqual(bytes)
  })
})
