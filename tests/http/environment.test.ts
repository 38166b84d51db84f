/**
 * Contention and the environment (issue 12, item 5), in process against the local server with keys, through the
 * Node package's `upload()` (the real engine, file source, hasher and file checkpoints):
 *
 * - two uploads of the same file to the same key at once: the second fails at once on the checkpoint lock, typed,
 *   and touches nothing; the first completes and the object is the file;
 * - two different files to the same key at once: both complete (their checkpoints differ), and the object is one of
 *   the two files whole, never a mix;
 * - a checkpoint directory that is read-only, or that fills up (ENOSPC) mid-upload: a typed error that names the
 *   directory's failure, nothing sent (read-only) or the upload aborted (full), no upload left on the store. The
 *   machine runs as root, where a read-only mode does not stop writes, so both faults are injected through the
 *   checkpoint store's file API (a FileHost that fails the writes with EROFS or ENOSPC);
 * - a client clock 20 minutes ahead of or behind the server's: `RequestTimeTooSkewed` is corrected from the
 *   server's time and the upload completes (both dialects);
 * - an unresolvable host and a refused connection: retried, then a failure that is `StoreUnreachable`, names the
 *   endpoint, and says it was retried.
 */
import * as Effect from "effect/Effect"
import { afterEach, describe, expect, it } from "vitest"
import { renderReport, reportOf } from "../../adapters/cli/FailureReport.ts"
import * as NodeFileByteSource from "../../adapters/node/NodeFileByteSource.ts"
import { NodeFileHost } from "../../adapters/node/NodeFileHost.ts"
import * as NodeHasher from "../../adapters/node/NodeHasher.ts"
import { upload } from "../../adapters/node/upload.ts"
import * as FileCheckpointStore from "../../adapters/portable/FileCheckpointStore.ts"
import type { FileHost } from "../../adapters/portable/FileHost.ts"
import { makeUpload, type UploadOptions } from "../../adapters/portable/FileUpload.ts"
import { bucket, type Dialect, makePeerStack, type PeerStack, partSizeBytes, storeLayer } from "./peerStack.ts"

const stacks: Array<PeerStack> = []
afterEach(async () => {
  for (const stack of stacks.splice(0)) await stack.close()
})
const open = async (options: Parameters<typeof makePeerStack>[0]) => {
  const stack = await makePeerStack(options)
  stacks.push(stack)
  return stack
}
const retry = { retriesMax: 2, baseDelayMs: 5, maxDelayMs: 20 }
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
const liveUploads = (stack: PeerStack) =>
  Effect.runPromise(stack.direct.listUploads({ bucket }).pipe(Effect.map((page) => page.uploads)))
const rejection = async (promise: Promise<unknown>) => {
  try {
    await promise
  } catch (e) {
    return e as { readonly _tag: string; readonly message: string; readonly reason?: string; readonly method?: string }
  }
  throw new Error("expected the upload to fail")
}

/**
 * `upload()` over a checkpoint directory whose writes fail with `code`: every write (EROFS), or only the appends of
 * part records (ENOSPC: the lock, the intent and the first checkpoint still fit, the disk fills up after).
 */
const uploadWithFaultyDisk = (code: "EROFS" | "ENOSPC") => {
  const fail = (mode: string) => {
    if (code === "ENOSPC" && mode !== "append") return
    throw Object.assign(
      new Error(`${code}: ${code === "ENOSPC" ? "no space left on device" : "read-only file system"}`),
      { code }
    )
  }
  const host: FileHost = {
    ...NodeFileHost,
    makeDirectory: async (path) => {
      fail("makeDirectory")
      return NodeFileHost.makeDirectory(path)
    },
    open: async (path, mode) => {
      if (mode !== "read") fail(mode)
      return NodeFileHost.open(path, mode)
    }
  }
  return makeUpload({
    hasher: NodeHasher.layer,
    checkpoints: (directory) => FileCheckpointStore.layer(host, directory),
    fileSource: NodeFileByteSource.make
  })
}

describe("contention", () => {
  it("the same file to the same key twice at once: the second fails on the lock and touches nothing", async () => {
    const stack = await open({ dialect: "s3" })
    const { file, bytes } = stack.writeFile(4 * partSizeBytes + 10, 5101)
    const first = upload(optionsFor(stack, file, "same/file.bin", { parallelism: 1 }))
    await new Promise((resolve) => setTimeout(resolve, 30)) // the first holds the lock by now
    const second = await rejection(upload(optionsFor(stack, file, "same/file.bin")).done)
    expect(second._tag).toBe("CheckpointLocked")
    const report = reportOf(second as never, ["put", file, "s3://peer-bugs/same/file.bin"], stack.checkpointDirectory)
    expect(report?.happened).toMatch(/^another upload of this file to this object is running/)
    await expect(first.done).resolves.toMatchObject({ _tag: "Completed", sizeBytes: bytes.length })
    expect(await stack.objectBytes("same/file.bin")).toEqual(bytes)
    expect(stack.proxy.of("Initiate")).toHaveLength(1)
    expect(await liveUploads(stack)).toEqual([])
  })

  it("two different files to the same key at once: both complete, the object is one of them whole", async () => {
    const stack = await open({ dialect: "oss" })
    const a = stack.writeFile(5 * partSizeBytes, 5201)
    const b = stack.writeFile(3 * partSizeBytes + 7, 5202)
    const outcomes = await Promise.all([
      upload(optionsFor(stack, a.file, "shared.bin", { parallelism: 2 })).done,
      upload(optionsFor(stack, b.file, "shared.bin", { parallelism: 2 })).done
    ])
    expect(outcomes.map((o) => o._tag)).toEqual(["Completed", "Completed"])
    const stored = await stack.objectBytes("shared.bin")
    expect([a.bytes, b.bytes].some((bytes) => Buffer.from(bytes).equals(Buffer.from(stored ?? [])))).toBe(true)
    expect(await liveUploads(stack)).toEqual([])
    expect(stack.checkpointFiles()).toEqual([])
  })
})

describe("the checkpoint directory", () => {
  it("read-only: a typed error naming the directory's failure, and nothing sent", async () => {
    const stack = await open({ dialect: "s3" })
    const { file } = stack.writeFile(2 * partSizeBytes, 5301)
    const e = await rejection(uploadWithFaultyDisk("EROFS")(optionsFor(stack, file, "ro.bin")).done)
    expect(e._tag).toBe("CheckpointStoreError")
    expect(e.message).toMatch(/read-only file system/)
    const report = reportOf(e as never, ["put", file, "s3://peer-bugs/ro.bin"], stack.checkpointDirectory)
    expect(renderReport(report ?? { happened: "", kept: "", next: [], command: "" })).toMatch(
      /^cannot lock the checkpoint in .*read-only file system\nkept: nothing was sent to the store/
    )
    expect(stack.proxy.log).toEqual([])
  })

  it("full (ENOSPC) mid-upload: the upload fails CheckpointUnwritable, is aborted, and nothing is left", async () => {
    const stack = await open({ dialect: "oss" })
    const { file } = stack.writeFile(6 * partSizeBytes, 5401)
    const e = await rejection(
      uploadWithFaultyDisk("ENOSPC")(optionsFor(stack, file, "full.bin", { parallelism: 1 })).done
    )
    expect(e).toMatchObject({ _tag: "UploadFailed", reason: "CheckpointUnwritable", resumable: false })
    expect(e.message).toMatch(/no space left on device/)
    expect(stack.proxy.of("Abort").length).toBeGreaterThan(0)
    expect(await liveUploads(stack)).toEqual([])
  })
})

describe.each(["oss", "s3"] as const)("a client clock 20 minutes off (%s)", (dialect: Dialect) => {
  it.each([20, -20])(
    "server %i minutes from the client: corrected from the server's time, completed",
    async (minutes) => {
      const stack = await open({ dialect, server: { now: () => Date.now() + minutes * 60_000 } })
      const { file, bytes } = stack.writeFile(2 * partSizeBytes + 3, 5500 + minutes)
      const outcome = await upload(optionsFor(stack, file, `skew/${minutes}.bin`)).done
      expect(outcome).toMatchObject({ _tag: "Completed", sizeBytes: bytes.length })
      expect(stack.proxy.log.filter((r) => r.status === 403).length).toBeGreaterThan(0)
      expect(await stack.objectBytes(`skew/${minutes}.bin`)).toEqual(bytes)
    }
  )
})

describe("the network", () => {
  it.each([
    ["an unresolvable host", "http://no-such-host.invalid:9000"],
    ["a refused connection", "http://127.0.0.1:1"]
  ])("%s: retried, then StoreUnreachable naming the endpoint", async (_name, url) => {
    const stack = await open({ dialect: "s3" })
    const { file } = stack.writeFile(2 * partSizeBytes, 5601)
    const e = await rejection(upload({ ...optionsFor(stack, file, "net.bin"), store: storeLayer("s3", url) }).done)
    expect(e).toMatchObject({ _tag: "UploadFailed", reason: "StoreUnreachable" })
    expect(e.message).toContain(new URL(url).host)
    expect(e.message).toMatch(/\(gave up after 3 attempts\)$/)
  })
})
