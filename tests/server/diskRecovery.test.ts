/**
 * What the disk storage finds at startup: records written by earlier versions (parts without digests, objects with
 * their bytes) are served as before; a Complete that died between writing its manifest and moving the part files is
 * finished; part directories no object refers to are removed; stale temp files go.
 */
import { createHash } from "node:crypto"
import { existsSync, mkdirSync, mkdtempSync, readdirSync, renameSync, rmSync, writeFileSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { afterAll, assert, describe, it } from "@effect/vitest"
import { objectFileName, partFileName } from "../../adapters/server/diskLayout.ts"
import { writeRecord } from "../../adapters/server/recordFile.ts"
import * as Crc64 from "../../core/Crc64.ts"
import { bucket, bytesOf, completeBody, initiate, putPart, startServer, urlOf, xmlFields } from "./serverSupport.ts"

const root = mkdtempSync(join(tmpdir(), "local-oss-recovery-"))
afterAll(() => rmSync(root, { recursive: true, force: true }))

const md5Upper = (bytes: Uint8Array) => createHash("md5").update(bytes).digest("hex").toUpperCase()

describe("disk storage recovery", () => {
  it("serves records of the earlier layout, parts without digests included", async () => {
    const dir = join(root, "old")
    const uploadId = "00000000000100000001000000000001"
    const uploadDir = join(dir, "uploads", uploadId)
    mkdirSync(uploadDir, { recursive: true })
    mkdirSync(join(dir, "objects"), { recursive: true })
    await writeRecord(uploadDir, "upload", { bucket, key: "up", uploadId, initiatedAtMs: 1000 })
    const part = bytesOf(64, 3)
    await writeRecord(uploadDir, partFileName(1), { partNumber: 1, modifiedAtMs: 2000 }, part)
    const object = bytesOf(100, 4)
    await writeRecord(
      join(dir, "objects"),
      objectFileName(bucket, "old"),
      {
        bucket,
        key: "old",
        etag: `"${md5Upper(object)}"`,
        crc64: Crc64.compute(object).toString(),
        modifiedAtMs: 3000,
        contentType: "text/x"
      },
      object
    )
    const server = await startServer({ storage: { kind: "directory", path: dir } })
    try {
      const got = await fetch(urlOf(server, "old"))
      assert.deepStrictEqual(new Uint8Array(await got.arrayBuffer()), object)
      assert.strictEqual(got.headers.get("content-type"), "text/x")
      const listed = await (await fetch(urlOf(server, "up", { uploadId }))).text()
      assert.deepStrictEqual(xmlFields(listed, "ETag"), [`"${md5Upper(part)}"`])
      const done = await fetch(urlOf(server, "up", { uploadId }), {
        method: "POST",
        body: completeBody([{ partNumber: 1, etag: `"${md5Upper(part)}"` }])
      })
      assert.strictEqual(done.status, 200)
      assert.strictEqual(done.headers.get("x-oss-hash-crc64ecma"), Crc64.compute(part).toString())
    } finally {
      await server.close()
    }
  })

  it("finishes a Complete cut between manifest and move, and drops unreferenced part directories", async () => {
    const dir = join(root, "cut")
    const first = await startServer({ storage: { kind: "directory", path: dir } })
    const uploadId = await initiate(first, "k")
    const etag = (await putPart(first, "k", uploadId, 1, bytesOf(40, 1))).headers.get("etag") ?? ""
    const done = await fetch(urlOf(first, "k", { uploadId }), {
      method: "POST",
      body: completeBody([{ partNumber: 1, etag }])
    })
    assert.strictEqual(done.status, 200)
    const orphan = await initiate(first, "orphan")
    await first.close()
    // Undo the move as if the server had died right after writing the manifest; and leave an orphan part directory.
    renameSync(join(dir, "blobs", uploadId), join(dir, "uploads", uploadId))
    renameSync(join(dir, "uploads", orphan), join(dir, "blobs", orphan))
    writeFileSync(join(dir, "tmp", ".tmp-body"), "half a body")
    const second = await startServer({ storage: { kind: "directory", path: dir } })
    try {
      const got = await fetch(urlOf(second, "k"))
      assert.deepStrictEqual(new Uint8Array(await got.arrayBuffer()), bytesOf(40, 1))
      const uploads = await (await fetch(urlOf(second, undefined, { uploads: "" }))).text()
      assert.deepStrictEqual(xmlFields(uploads, "UploadId"), [])
      assert.deepStrictEqual(readdirSync(join(dir, "blobs")), [uploadId])
      assert.deepStrictEqual(readdirSync(join(dir, "tmp")), [])
      assert.isFalse(existsSync(join(dir, "uploads", uploadId)))
    } finally {
      await second.close()
    }
  })
})
