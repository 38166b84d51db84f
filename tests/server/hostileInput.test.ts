/**
 * Hostile input against the local server with keys (auth enforced), in its own process, in both dialects:
 * malformed HTTP, heads over the limit, missing/expired/tampered signatures and presigned URLs (OSS V1, V4,
 * SigV4), traversal keys, bad part numbers, XML bombs and deep nesting, lying lengths and cut bodies, and slow
 * clients, all over raw sockets. 1,000 seeded requests by default; `HOSTILE_REQUESTS=10000` for the full campaign,
 * `HOSTILE_SEED` to change the seed. The goals: the server keeps answering, no 5xx but documented 501s, no stack
 * trace in any answer, no 2xx without valid auth, no file outside the data directory, and afterwards a normal
 * multipart upload works in both dialects.
 */
import { type ChildProcess, spawn } from "node:child_process"
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { fileURLToPath, pathToFileURL } from "node:url"
import * as Effect from "effect/Effect"
import { afterAll, beforeAll, describe, expect, it } from "vitest"
import { upload } from "../../adapters/node/upload.ts"
import { bytesOf, md5Hex, storeAt, storeLayer } from "../http/peerStack.ts"
import { namesContaining, snapshot } from "../support/fileSnapshot.ts"
import { exchange } from "../support/rawHttp.ts"
import { authCase } from "./hostileAuth.ts"
import { type CaseContext, categories, choiceOf, type HostileCase, piecesOf, signed } from "./hostileCase.ts"
import { makeTally, record, summary, violationsOf } from "./hostileChecks.ts"
import { type Auth, keyId, keySecret } from "./hostileSigning.ts"
import { storeCase } from "./hostileStore.ts"
import { wireCase } from "./hostileWire.ts"

const requests = Number(process.env.HOSTILE_REQUESTS ?? 1000)
const seed = Number(process.env.HOSTILE_SEED ?? 20_260_812)
const concurrency = 16
const repo = fileURLToPath(new URL("../..", import.meta.url))

const makers = { ...wireCase, ...authCase, ...storeCase }

describe(`hostile input: ${requests} requests, seed ${seed}`, () => {
  const root = mkdtempSync(join(tmpdir(), "hostile-"))
  const cwd = join(root, "x", "y")
  const dataDir = join(cwd, "data")
  const marker = `hostile-marker-${seed}-${process.pid}`
  let child: ChildProcess
  let port = 0
  const stderr: Array<string> = []
  let exitCode: number | null | undefined

  beforeAll(async () => {
    mkdirSync(dataDir, { recursive: true })
    child = spawn(
      process.execPath,
      [
        "--conditions=@resumable-upload/source",
        "--import",
        pathToFileURL(join(repo, "node_modules/tsx/dist/loader.mjs")).href,
        join(repo, "tests/server/hostileServerProcess.ts")
      ],
      {
        cwd,
        env: { ...process.env, HOSTILE_DATA_DIR: dataDir, HOSTILE_KEY_ID: keyId, HOSTILE_KEY_SECRET: keySecret },
        stdio: ["ignore", "pipe", "pipe"]
      }
    )
    child.stderr?.on("data", (chunk: Buffer) => stderr.push(chunk.toString()))
    child.once("exit", (code) => {
      exitCode = code
    })
    port = await new Promise<number>((resolve, reject) => {
      child.stdout?.on("data", (chunk: Buffer) => {
        const match = /ready (\d+)/.exec(chunk.toString())
        if (match !== null) resolve(Number(match[1]))
      })
      child.once("exit", (code) => reject(new Error(`server exited early with ${code}: ${stderr.join("")}`)))
    })
  }, 60_000)

  afterAll(() => {
    child?.kill("SIGKILL")
    rmSync(root, { recursive: true, force: true })
  })

  const target = () => ({ host: "127.0.0.1", port })
  const send = async (auth: Auth, ctx: CaseContext, r: Parameters<typeof signed>[1]) =>
    exchange(target(), { pieces: piecesOf(await signed(auth, r, ctx)) })

  it("keeps answering, without 5xx, stack traces, unauthenticated 2xx or files outside its data directory", async () => {
    const base = { host: `127.0.0.1:${port}`, bucket: "hostile", objectKey: "seed/object", marker }
    const seeding = { ...base, uploadIds: { oss: "", s3: "" } }
    const put = await send("ossV4", seeding, {
      method: "PUT",
      bucket: base.bucket,
      key: base.objectKey,
      query: {},
      headers: {},
      body: Buffer.from("seed")
    })
    expect(put.statuses).toEqual([200])
    const initiate = async (auth: Auth) => {
      const answer = await send(auth, seeding, {
        method: "POST",
        bucket: base.bucket,
        key: "seed/upload",
        query: { uploads: "" },
        headers: {},
        body: Buffer.alloc(0)
      })
      const id = /<UploadId>([^<]+)<\/UploadId>/.exec(answer.text)?.[1]
      if (id === undefined) throw new Error(`initiate failed: ${answer.text.slice(0, 300)}`)
      return id
    }
    const ctx: CaseContext = { ...base, uploadIds: { oss: await initiate("ossV1"), s3: await initiate("sigV4") } }
    const before = snapshot(root, dataDir)
    const tally = makeTally()
    let probes = 0
    const probe = async () => {
      const answer = await send("sigV4", ctx, {
        method: "GET",
        bucket: ctx.bucket,
        key: ctx.objectKey,
        query: {},
        headers: {},
        body: Buffer.alloc(0)
      })
      probes++
      if (answer.statuses[0] !== 200)
        tally.violations.push(`liveness probe ${probes}: ${answer.statuses.join("+") || "no answer"}`)
    }
    let next = 0
    const worker = async () => {
      while (next < requests) {
        const index = next++
        const category = categories[index % categories.length] ?? "malformedHttp"
        const c: HostileCase = await makers[category](ctx, choiceOf(seed * 7919 + index), seed + index)
        record(tally, index, c, await exchange(target(), c.exchange))
        if (index % 100 === 99) await probe()
      }
    }
    const startedMs = Date.now()
    await Promise.all(Array.from({ length: concurrency }, worker))
    await probe()
    const tookMs = Date.now() - startedMs
    console.log(
      `hostile input: ${requests} requests (seed ${seed}) in ${tookMs} ms, ${probes} liveness probes\n${summary(tally)}`
    )

    expect(exitCode, `the server exited: ${stderr.join("")}`).toBeUndefined()
    expect(stderr.filter((line) => line.includes("INTERNAL"))).toEqual([])
    expect(tally.violations.slice(0, 20)).toEqual([])
    expect(snapshot(root, dataDir)).toEqual(before)
    const leaked = [root, tmpdir(), repo].flatMap((dir) => namesContaining(dir, marker, dir === root ? 6 : 1))
    expect(leaked).toEqual([])
    expect(namesContaining(dataDir, marker, 6)).toEqual([])
  }, 600_000)

  it("the judge flags what it is meant to, so a clean run is not vacuous", () => {
    const c: HostileCase = {
      category: "badSignature",
      dialect: "oss",
      variant: "t",
      exchange: { pieces: [] },
      authValid: false,
      mustFail: false
    }
    const answer = (text: string, statuses: ReadonlyArray<number>) => ({ text, statuses, closed: true, refused: false })
    expect(violationsOf(c, answer("HTTP/1.1 200 OK\r\n\r\n", [200]))).toHaveLength(1)
    expect(violationsOf(c, answer("HTTP/1.1 500 x\r\n\r\n", [500]))).toHaveLength(1)
    expect(violationsOf(c, answer("HTTP/1.1 501 x\r\n\r\n<Code>NotImplemented</Code>", [501]))).toHaveLength(0)
    const trace = "Error: boom\n    at handle (/srv/adapters/server/router.ts:10:5)"
    expect(violationsOf(c, answer(`HTTP/1.1 400 x\r\n\r\n${trace}`, [400]))).toHaveLength(1)
    const inHeader = `HTTP/1.1 404 x\r\nx-oss-err: ${Buffer.from(trace).toString("base64")}\r\n\r\n`
    expect(violationsOf(c, answer(inHeader, [404]))).toHaveLength(1)
    expect(violationsOf(c, { text: "", statuses: [], closed: false, refused: false })).toHaveLength(1)
    expect(violationsOf(c, { text: "", statuses: [], closed: true, refused: true })).toHaveLength(1)
  })

  it("afterwards, a normal multipart upload works in both dialects", async () => {
    const dir = join(root, "uploads")
    mkdirSync(dir, { recursive: true })
    for (const dialect of ["oss", "s3"] as const) {
      const bytes = bytesOf(3 * 64 * 1024 + 123, dialect === "oss" ? 1 : 2)
      const file = join(dir, `${dialect}.bin`)
      writeFileSync(file, bytes)
      const url = `http://127.0.0.1:${port}`
      const outcome = await upload({
        store: storeLayer(dialect, url, { accessKeyId: keyId, accessKeySecret: keySecret }),
        file,
        bucket: "hostile",
        key: `after/${dialect}.bin`,
        partSizeBytes: 64 * 1024,
        checkpointDirectory: join(dir, "checkpoints")
      }).done
      expect(outcome).toMatchObject({ _tag: "Completed", partCount: 4 })
      const store = await storeAt(dialect, url, { accessKeyId: keyId, accessKeySecret: keySecret })
      const got = await Effect.runPromise(store.get({ bucket: "hostile", key: `after/${dialect}.bin` }))
      expect(md5Hex(got)).toBe(md5Hex(bytes))
    }
  })
})
