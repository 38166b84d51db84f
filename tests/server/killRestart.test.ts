/**
 * Durable before visible, shown the hard way: a server child process is SIGKILLed again and again while four clients
 * upload parts and a fifth keeps listing them. After each restart every part that ListParts had ever listed, and
 * every part that got a 200, must still be there with the same ETag. The test counts listed-then-lost and
 * acknowledged-then-lost parts over all kills and asserts both are 0.
 */
import { mkdtempSync, rmSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { afterAll, assert, describe, it } from "@effect/vitest"
import type { LocalOssServer } from "../../adapters/server/LocalOssServer.ts"
import { type ChildServer, startChildServer } from "./serverChild.ts"
import { bytesOf, initiate, putPart, urlOf, xmlFields } from "./serverSupport.ts"

const root = mkdtempSync(join(tmpdir(), "local-oss-kill-"))
afterAll(() => rmSync(root, { recursive: true, force: true }))

const kills = 13
const partBytes = 128 * 1024
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms))
const asServer = (child: ChildServer) => ({ url: child.url }) as LocalOssServer

/** Every part ListParts shows, by number, with its ETag (all pages). */
const listAll = async (server: LocalOssServer, uploadId: string): Promise<Map<number, string>> => {
  const parts = new Map<number, string>()
  let marker = 0
  for (let page = 0; page < 20; page++) {
    const response = await fetch(urlOf(server, "big", { uploadId, "part-number-marker": String(marker) }))
    const xml = await response.text()
    if (response.status !== 200) throw new Error(`ListParts answered ${response.status}: ${xml}`)
    const numbers = xmlFields(xml, "PartNumber").map(Number)
    const etags = xmlFields(xml, "ETag")
    for (const [i, n] of numbers.entries()) parts.set(n, etags[i] ?? "")
    if (!xml.includes("<IsTruncated>true</IsTruncated>")) break
    marker = numbers.at(-1) ?? marker
  }
  return parts
}

describe("LocalOssServer killed mid-upload, again and again", () => {
  it("never loses a part that was listed or acknowledged", async () => {
    let child = await startChildServer(join(root, "data"))
    const uploadId = await initiate(asServer(child), "big")
    const listedEver = new Map<number, string>()
    const acked = new Map<number, string>()
    let next = 1
    let listedThenLost = 0
    let ackedThenLost = 0
    try {
      for (let round = 0; round < kills; round++) {
        let stop = false
        const server = asServer(child)
        const writer = async () => {
          while (!stop && next <= 10_000) {
            const n = next++
            const response = await putPart(server, "big", uploadId, n, bytesOf(partBytes, n)).catch(() => undefined)
            if (response?.status === 200 && !stop) acked.set(n, response.headers.get("etag") ?? "")
          }
        }
        const lister = async () => {
          while (!stop) {
            const listed = await listAll(server, uploadId).catch(() => undefined)
            if (listed === undefined) return
            for (const [n, etag] of listed) listedEver.set(n, etag)
          }
        }
        const loops = [writer(), writer(), writer(), writer(), lister()]
        await sleep(150 + ((round * 37) % 200))
        await child.kill()
        stop = true
        await Promise.allSettled(loops)
        child = await startChildServer(join(root, "data"))
        const after = await listAll(asServer(child), uploadId)
        for (const [n, etag] of listedEver) if (after.get(n) !== etag) listedThenLost++
        for (const [n, etag] of acked) if (after.get(n) !== etag) ackedThenLost++
        for (const [n, etag] of after) listedEver.set(n, etag)
      }
    } finally {
      await child.kill()
    }
    console.log(
      `kill test: ${kills} kills, ${listedEver.size} parts listed, ${acked.size} acknowledged; listed-then-lost ${listedThenLost}, acknowledged-then-lost ${ackedThenLost}`
    )
    assert.isAbove(acked.size, kills, "parts were written between the kills")
    assert.strictEqual(listedThenLost, 0)
    assert.strictEqual(ackedThenLost, 0)
  })
})
