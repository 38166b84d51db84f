/**
 * The third-party client snippets of docs/clients.md, run as written: the AWS SDK v3, the aws CLI, boto3 and ali-oss
 * each upload a 12 MiB `video.mp4` as a multipart object to a local server on the port and with the keys the
 * snippets name (127.0.0.1:9911, `dev` / `dev-secret`, default S3 and OSS limits), and the object the server stored
 * must equal the file byte for byte, with an ETag of two parts or more. The sync snippets (aws CLI `s3 sync` both
 * ways, rclone `copy`/`lsl`/`check`) move a `photos/` folder: every file must be stored, and the aws CLI's copy back
 * must equal the original.
 *
 * The aws CLI, rclone and boto3 come from the machine: when one is missing its test is skipped with the reason, or fails
 * under `CLIENTS_REQUIRED=1` (as in CI, where skipping would hide that the documented configuration went untested).
 */
import { readFile } from "node:fs/promises"
import { join } from "node:path"
import { afterAll, assert, beforeAll, describe, it } from "vitest"
import { type LocalOssServer, start } from "../../adapters/server/LocalOssServer.ts"
import { missingTool, readSnippets, runSnippets, type Snippet, scratchDirectory } from "./clientSnippets.ts"

// What the snippets name; the test substitutes none of it.
const endpoint = "http://127.0.0.1:9911"
const port = 9911
const credentials = { accessKeyId: "dev", accessKeySecret: "dev-secret" }
const bucket = "demo"
const fileName = "video.mp4"

const MiB = 1024 * 1024
const fileBytes = Uint8Array.from({ length: 12 * MiB }, (_, i) => (i * 2654435761) >>> 24)
const photos: Readonly<Record<string, Uint8Array>> = {
  "photos/a.jpg": fileBytes.subarray(0, 1000),
  "photos/2024/b c.jpg": fileBytes.subarray(1000, 300_000)
}

interface ClientCase {
  readonly name: string
  /** The key the snippet uploads to. */
  readonly key: string
  /** A command that fails when the client is not installed; none for the npm packages, which are devDependencies. */
  readonly probe?: readonly [string, ReadonlyArray<string>]
}

const clients: ReadonlyArray<ClientCase> = [
  { name: "aws-sdk", key: "video-sdk.mp4" },
  { name: "aws-cli", key: "video-cli.mp4", probe: ["aws", ["--version"]] },
  { name: "boto3", key: "video-boto3.mp4", probe: ["python3", ["-c", "import boto3"]] },
  { name: "ali-oss", key: "video-ali.mp4" }
]

interface SyncCase {
  readonly name: string
  /** Where the snippets put the folder, under the bucket. */
  readonly prefix: string
  readonly probe: readonly [string, ReadonlyArray<string>]
  /** Where the snippets copy the folder back to, in the scratch directory, if they do. */
  readonly copiedBack?: string
}

const syncs: ReadonlyArray<SyncCase> = [
  { name: "aws-cli-sync", prefix: "photos/", probe: ["aws", ["--version"]], copiedBack: "photos-copy" },
  { name: "rclone", prefix: "rclone-photos/", probe: [process.env.RCLONE_PATH ?? "rclone", ["version"]] }
]

const required = process.env.CLIENTS_REQUIRED === "1"

/** Skips the test (fails it under CLIENTS_REQUIRED=1) when the probe fails. */
const requireProbe = async (
  name: string,
  probe: readonly [string, ReadonlyArray<string>],
  context: { skip: (note?: string) => void }
) => {
  const missing = await missingTool(...probe)
  if (missing === undefined) return
  const reason = `${name} is not installed (${missing}); CLIENTS_REQUIRED=1 makes this a failure`
  if (required) assert.fail(reason)
  console.warn(`skipped: ${reason}`)
  context.skip(reason)
}

/** Starts the server on the snippets' port, waiting a while if another run of this file still holds it. */
const startOnFixedPort = async (): Promise<LocalOssServer> => {
  for (let attempt = 0; ; attempt++) {
    try {
      return await start(
        { storage: { kind: "memory" }, credentials: [credentials], port },
        { onInternalError: (cause) => console.error("server internal error", cause) }
      )
    } catch (cause) {
      const inUse = (cause as NodeJS.ErrnoException).code === "EADDRINUSE"
      if (!inUse || attempt >= 60) {
        throw new Error(`cannot listen on ${endpoint}, the port docs/clients.md uses${inUse ? " (in use)" : ""}`, {
          cause
        })
      }
      await new Promise((resolve) => setTimeout(resolve, 500))
    }
  }
}

describe("docs/clients.md snippets against the local server", () => {
  let server: LocalOssServer
  let snippets: ReadonlyMap<string, ReadonlyArray<Snippet>>
  let scratch: Awaited<ReturnType<typeof scratchDirectory>>

  beforeAll(async () => {
    snippets = await readSnippets()
    scratch = await scratchDirectory({ [fileName]: fileBytes, ...photos })
    server = await startOnFixedPort()
  })
  afterAll(async () => {
    await server?.close()
    await scratch?.dispose()
  })

  it("marks a configuration and an upload for each client, and nothing else", () => {
    assert.deepStrictEqual([...snippets.keys()].sort(), [...clients, ...syncs].map((c) => c.name).sort())
    for (const { name } of syncs) assert.include((snippets.get(name) ?? []).map((b) => b.code).join("\n"), "photos")
    for (const { key, name } of clients) {
      const blocks = snippets.get(name) ?? []
      assert.strictEqual(blocks.length, 2, `${name}: one configuration block and one upload block`)
      const text = blocks.map((b) => b.code).join("\n")
      for (const expected of [endpoint, key, fileName]) assert.include(text, expected, `${name} snippets`)
    }
  })

  for (const client of clients) {
    it(`${client.name}: uploads ${fileName} in parts, stored byte for byte`, async (context) => {
      if (client.probe !== undefined) await requireProbe(client.name, client.probe, context)
      const result = await runSnippets(client.name, snippets.get(client.name) ?? [], scratch.dir)
      assert.strictEqual(result.exitCode, 0, `${client.name} snippets failed:\n${result.stderr}\n${result.stdout}`)

      const stored = server.store.objectSnapshot(bucket, client.key)
      assert.isDefined(stored, `${client.name} stored nothing at ${bucket}/${client.key}`)
      assert.strictEqual(stored?.sizeBytes, fileBytes.length)
      const storedBytes = await server.store.objectBytes(bucket, client.key)
      assert.isTrue(Buffer.from(storedBytes ?? []).equals(fileBytes), `${client.name}: stored bytes differ`)
      const partCount = Number(/-(\d+)"$/.exec(stored?.etag ?? "")?.[1] ?? 0)
      assert.isAtLeast(partCount, 2, `${client.name}: ETag ${stored?.etag} is not that of a multipart object`)
      // Each snippet prints the ETag the client received, which must be the stored one.
      assert.include(result.stdout.toLowerCase(), (stored?.etag ?? "").replace(/"/g, "").toLowerCase())
    })
  }

  for (const sync of syncs) {
    it(`${sync.name}: syncs the photos folder`, async (context) => {
      await requireProbe(sync.name, sync.probe, context)
      const result = await runSnippets(sync.name, snippets.get(sync.name) ?? [], scratch.dir)
      assert.strictEqual(result.exitCode, 0, `${sync.name} snippets failed:\n${result.stderr}\n${result.stdout}`)
      for (const [path, bytes] of Object.entries(photos)) {
        const key = `${sync.prefix}${path.slice("photos/".length)}`
        const stored = await server.store.objectBytes(bucket, key)
        assert.isTrue(Buffer.from(stored ?? []).equals(bytes), `${sync.name}: ${bucket}/${key} missing or different`)
        assert.include(result.stdout, path.slice("photos/".length), `${sync.name} lists ${key}`)
        if (sync.copiedBack !== undefined) {
          const back = await readFile(join(scratch.dir, sync.copiedBack, path.slice("photos/".length)))
          assert.isTrue(back.equals(bytes), `${sync.name}: the copy back of ${path} differs`)
        }
      }
    })
  }
})
