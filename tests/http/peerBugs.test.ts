/**
 * Bugs users reported against other uploaders (docs: /work/shared/docs/peers.md §c), replayed against the local
 * server with keys, through a scripted proxy that counts and alters requests, with the Node package's `upload()`.
 * Each test is named after the report and shows the engine does not have the bug:
 *
 * - ali-oss #604: after a 403 RequestTimeTooSkewed, the retry sent an empty body and stored a 0-byte object.
 * - ali-oss #1190: part 1 fails, the others succeed, and the checkpoint is empty.
 * - ali-oss #1388: toggling pause/resume sends Complete twice.
 * - aliyun-oss-ios-sdk #209: NoSuchUpload forever once lifecycle cleanup removed the upload.
 */
import * as Effect from "effect/Effect"
import { afterEach, describe, expect, it } from "vitest"
import { upload } from "../../adapters/node/upload.ts"
import type { UploadOptions } from "../../adapters/portable/FileUpload.ts"
import { bucket, type Dialect, makePeerStack, type PeerStack, partSizeBytes } from "./peerStack.ts"
import type { Action, Answer, SeenRequest } from "./ScriptedProxy.ts"

const stacks: Array<PeerStack> = []
afterEach(async () => {
  for (const stack of stacks.splice(0)) await stack.close()
})
const open = async (options: Parameters<typeof makePeerStack>[0]) => {
  const stack = await makePeerStack(options)
  stacks.push(stack)
  return stack
}

const forward: Action = { kind: "forward" }
const retry = { retriesMax: 2, baseDelayMs: 1, maxDelayMs: 5 }
const partNumberOf = (r: SeenRequest) => Number(new URL(r.path, "http://x").searchParams.get("partNumber"))
const settled = <A>(p: Promise<A>) =>
  p.then(
    (value) => ({ ok: true as const, value }),
    (error: unknown) => ({ ok: false as const, error })
  )

/** An error answer shaped as the dialect's store shapes it. */
const storeError = (dialect: Dialect, status: number, code: string): Answer => ({
  status,
  headers: {
    "content-type": "application/xml",
    [dialect === "oss" ? "x-oss-request-id" : "x-amz-request-id"]: "peer-proxy"
  },
  body: Buffer.from(
    `<?xml version="1.0" encoding="UTF-8"?>\n<Error><Code>${code}</Code><Message>from the test proxy</Message><RequestId>peer-proxy</RequestId></Error>`
  )
})

const optionsFor = (
  stack: PeerStack,
  file: string,
  key: string,
  extra: Partial<UploadOptions> = {}
): UploadOptions => ({
  store: stack.proxied,
  file,
  bucket,
  key,
  partSizeBytes,
  retry,
  checkpointDirectory: stack.checkpointDirectory,
  ...extra
})

describe.each(["oss", "s3"] as const)("peers' bugs replayed (%s)", (dialect) => {
  it("ali-oss #604: the retry after RequestTimeTooSkewed carries the whole part; the object is intact", async () => {
    // The server's clock jumps 20 minutes ahead when the first part arrives, so the server itself refuses it.
    const skew = { ms: 0 }
    const stack = await open({
      dialect,
      server: { now: () => Date.now() + skew.ms },
      decide: (r) => {
        if (r.operation === "UploadPart" && skew.ms === 0) skew.ms = 20 * 60_000
        return forward
      }
    })
    const { file, bytes } = stack.writeFile(3 * partSizeBytes + 100, 604)
    const outcome = await upload(optionsFor(stack, file, "604/multipart.bin", { parallelism: 1 })).done
    expect(outcome).toMatchObject({ _tag: "Completed", sizeBytes: bytes.length, partCount: 4 })
    const parts = stack.proxy.of("UploadPart")
    expect(parts.map((p) => [partNumberOf(p), p.status, p.bodyBytes])).toEqual([
      [1, 403, partSizeBytes],
      [1, 200, partSizeBytes],
      [2, 200, partSizeBytes],
      [3, 200, partSizeBytes],
      [4, 200, 100]
    ])
    expect(await stack.objectBytes("604/multipart.bin")).toEqual(bytes)
  })

  it("ali-oss #604: a one-request upload (PutObject) refused for skew is re-sent whole, not as 0 bytes", async () => {
    const stack = await open({ dialect, server: { now: () => Date.now() + 20 * 60_000 } })
    const { file, bytes } = stack.writeFile(1000, 6040)
    const outcome = await upload(optionsFor(stack, file, "604/small.bin")).done
    expect(outcome).toMatchObject({ _tag: "Completed", sizeBytes: 1000 })
    expect(stack.proxy.of("PutObject").map((p) => [p.status, p.bodyBytes])).toEqual([
      [403, 1000],
      [200, 1000]
    ])
    expect(await stack.objectBytes("604/small.bin")).toEqual(bytes)
  })

  it("ali-oss #1190: part 1 fails while 2-4 succeed; the checkpoint keeps 2-4 and the rerun sends only part 1", async () => {
    const healed = { now: false }
    const stack = await open({
      dialect,
      // Part 1's failure comes late, after the other parts are stored, as in the report.
      decide: (r) =>
        !healed.now && r.operation === "UploadPart" && partNumberOf(r) === 1
          ? { kind: "answer", answer: storeError(dialect, 500, "InternalError"), delayMs: 300 }
          : forward
    })
    const { file, bytes } = stack.writeFile(4 * partSizeBytes, 1190)
    const first = await settled(upload(optionsFor(stack, file, "1190.bin", { parallelism: 4 })).done)
    expect(first.ok).toBe(false)
    expect(first.ok ? undefined : first.error).toMatchObject({ _tag: "UploadFailed", resumable: true })
    expect(stack.checkpointFiles().length).toBe(1)
    const sentBefore = stack.proxy.log.length
    healed.now = true
    const second = await upload(optionsFor(stack, file, "1190.bin", { parallelism: 4 })).done
    expect(second).toMatchObject({ _tag: "Completed", partCount: 4 })
    const rerun = stack.proxy.log.slice(sentBefore)
    expect(rerun.filter((r) => r.operation === "UploadPart").map(partNumberOf)).toEqual([1])
    expect(rerun.filter((r) => r.operation === "Initiate")).toHaveLength(0)
    expect(await stack.objectBytes("1190.bin")).toEqual(bytes)
    expect(stack.checkpointFiles()).toEqual([])
  })

  it("ali-oss #1190: when nothing was stored yet, the checkpoint still holds the upload id and the rerun reuses it", async () => {
    const healed = { now: false }
    const stack = await open({
      dialect,
      decide: (r) =>
        !healed.now && r.operation === "UploadPart"
          ? { kind: "answer", answer: storeError(dialect, 500, "InternalError") }
          : forward
    })
    const { file, bytes } = stack.writeFile(2 * partSizeBytes, 11900)
    const first = await settled(upload(optionsFor(stack, file, "1190-none.bin", { parallelism: 1 })).done)
    expect(first.ok).toBe(false)
    expect(stack.checkpointFiles().length).toBe(1)
    healed.now = true
    const sentBefore = stack.proxy.log.length
    expect(await upload(optionsFor(stack, file, "1190-none.bin")).done).toMatchObject({ _tag: "Completed" })
    expect(stack.proxy.log.slice(sentBefore).filter((r) => r.operation === "Initiate")).toHaveLength(0)
    expect(stack.proxy.of("Initiate")).toHaveLength(1)
    expect(await stack.objectBytes("1190-none.bin")).toEqual(bytes)
  })

  it("ali-oss #1388: pause and resume, over and over: exactly one Complete, and the object is intact", async () => {
    const stack = await open({ dialect })
    const { file, bytes } = stack.writeFile(12 * partSizeBytes, 1388)
    const outcomes: Array<string> = []
    for (let run = 0; run < 30 && outcomes.at(-1) !== "Completed"; run++) {
      const task: { pause?: () => void } = {}
      let seen = -1
      const started = upload(
        optionsFor(stack, file, "1388.bin", {
          parallelism: 3,
          // Pause as soon as this run has stored a part, including the last one, while Complete is due.
          onProgress: (p) => {
            if (seen === -1) seen = p.partsCommitted
            else if (p.partsCommitted > seen) task.pause?.()
          }
        })
      )
      task.pause = started.pause
      outcomes.push((await started.done)._tag)
    }
    expect(outcomes.at(-1)).toBe("Completed")
    expect(outcomes.filter((o) => o === "Paused").length).toBeGreaterThan(2)
    expect(stack.proxy.of("Complete")).toHaveLength(1)
    expect(stack.proxy.log.at(-1)?.operation).not.toBe("UploadPart")
    expect(await stack.objectBytes("1388.bin")).toEqual(bytes)
  })

  it("iOS SDK #209: after lifecycle cleanup removed the upload, the rerun restarts once and completes", async () => {
    const stack = await open({ dialect, server: { lifecycle: { abortIncompleteAfterMs: 1, sweepEveryMs: 3_600_000 } } })
    const { file, bytes } = stack.writeFile(5 * partSizeBytes, 209)
    const first: { pause?: () => void } = {}
    const task = upload(
      optionsFor(stack, file, "209.bin", {
        parallelism: 1,
        onProgress: (p) => (p.partsCommitted >= 2 ? first.pause?.() : undefined)
      })
    )
    first.pause = task.pause
    expect(await task.done).toMatchObject({ _tag: "Paused" })
    expect(await stack.server.sweepLifecycle()).toHaveLength(1)
    const sentBefore = stack.proxy.log.length
    const outcome = await upload(optionsFor(stack, file, "209.bin")).done
    expect(outcome).toMatchObject({ _tag: "Completed", partCount: 5 })
    const rerun = stack.proxy.log.slice(sentBefore)
    expect(rerun.filter((r) => r.status === 404).length).toBeLessThanOrEqual(1)
    expect(rerun.filter((r) => r.operation === "Initiate")).toHaveLength(1)
    expect(rerun.filter((r) => r.operation === "UploadPart")).toHaveLength(5)
    expect(await stack.objectBytes("209.bin")).toEqual(bytes)
  })

  it("iOS SDK #209: an upload aborted behind the engine's back mid-run ends (restarted or refused), never loops", async () => {
    let parts = 0
    const stack: PeerStack = await open({
      dialect,
      decide: async (r) => {
        if (r.operation === "UploadPart" && ++parts === 3) {
          const uploadId = new URL(r.path, "http://x").searchParams.get("uploadId") ?? ""
          await Effect.runPromise(stack.direct.abort({ bucket, key: "209-mid.bin", uploadId }))
        }
        return forward
      }
    })
    const { file, bytes } = stack.writeFile(5 * partSizeBytes, 2090)
    const result = await settled(upload(optionsFor(stack, file, "209-mid.bin", { parallelism: 1 })).done)
    expect(stack.proxy.log.length).toBeLessThan(40)
    if (result.ok) {
      expect(result.value).toMatchObject({ _tag: "Completed", partCount: 5 })
      expect(await stack.objectBytes("209-mid.bin")).toEqual(bytes)
    } else expect(result.error).toMatchObject({ _tag: "CannotResumeUpload" })
    console.log(
      `#209 mid-run (${dialect}): ${result.ok ? result.value._tag : String(result.error)}; requests: ${stack.proxy.log.map((r) => `${r.operation}${partNumberOf(r) || ""}:${r.status}`).join(" ")}`
    )
  })
})
