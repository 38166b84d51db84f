/**
 * The demo page's entry: reads the server's configuration (`config.json`: buckets, prefix, limits, where each
 * dialect's store and signing endpoint are), restores the unfinished uploads recorded in IndexedDB (resuming at
 * once those whose file is readable through a stored handle), and adds picked or dropped files. All uploads share
 * one limit on parts in flight. `globalThis.__demo` is the tests' hook: headless Chromium cannot click a file
 * picker, so the tests hand in OPFS file handles, which behave as picked ones do (and persist in IndexedDB).
 */
import { make as blobSource } from "@resumable-upload/browser/BlobByteSource"
import { type PartSlots, partSlots } from "@resumable-upload/browser/PartSlots"
import { type WorkerHasher, workerHasher } from "@resumable-upload/browser/WorkerHasher"
import * as Fingerprint from "@resumable-upload/core/Fingerprint"
import { ossStore } from "@resumable-upload/oss/ossStore"
import { s3Store } from "@resumable-upload/s3/s3Store"
import * as Effect from "effect/Effect"
import { allRecords, putRecord } from "./DemoRecords.ts"
import { signerAt } from "./DemoSigner.ts"
import { DemoUpload } from "./DemoUpload.ts"
import { makeView } from "./DemoView.ts"
import { dropped, fromHandles, hasPicker, type Picked, pick, readAsking, readWithoutAsking } from "./FileSources.ts"

interface DialectConfig {
  readonly endpoint: string
  readonly region: string
  readonly signUrl: string
}
interface DemoConfig {
  readonly buckets: ReadonlyArray<string>
  readonly keyPrefix: string
  readonly maxObjectSizeBytes: number
  readonly dialects: Readonly<Record<string, DialectConfig>>
}

const MiB = 1024 * 1024
const config = (await (await fetch("./config.json")).json()) as DemoConfig
const uploads: Array<DemoUpload> = []
const input = (id: string) => document.getElementById(id) as HTMLInputElement
const settings = {
  dialect: () => (document.getElementById("dialect") as HTMLSelectElement).value,
  number: (id: string) => Number(input(id).value)
}
let slots: PartSlots = partSlots(settings.number("partLimit"))
input("partLimit").addEventListener("change", () => {
  slots = partSlots(Math.max(1, settings.number("partLimit")))
})

const storeFor = (dialect: string) => {
  const d = config.dialects[dialect]
  if (d === undefined) throw new Error(`the server has no ${dialect} signing endpoint`)
  const expires = settings.number("expiresInSeconds")
  const signer = signerAt(new URL(d.signUrl, location.href).href, expires > 0 ? expires : undefined)
  return dialect === "oss"
    ? ossStore({ endpoint: d.endpoint, region: d.region, addressing: "path", signer })
    : s3Store({ endpoint: d.endpoint, region: d.region, signer })
}
// One pool of hash workers for all uploads, started on first use.
let hashers: WorkerHasher | undefined
const hasher = () => {
  if (!input("hashInWorker").checked) return undefined
  hashers ??= workerHasher({
    createWorker: () => new Worker(new URL("./hashWorker.js", import.meta.url), { type: "module" })
  })
  return hashers.layer
}
const context = {
  storeFor,
  hasher,
  get slots() {
    return slots
  },
  parallelism: 4,
  changed: () => view.render(uploads)
}
const view = makeView({
  pause: (u) => u.pause(),
  cancel: (u) => u.cancel(),
  resume: async (u) => {
    if (u.state === "needs-permission" && u.record.handle !== undefined) {
      const file = await readAsking(u.record.handle)
      if (file === undefined || !(await u.attach(file))) return
    }
    u.start()
  },
  repick: async (u, file) => {
    if (await u.attach(file)) u.start()
  }
})

const add = async (picked: ReadonlyArray<Picked>): Promise<void> => {
  for (const { file, handle } of picked) {
    const dialect = settings.dialect()
    const bucket = input("bucket").value
    const key = `${input("keyPrefix").value}${file.name}`
    const id = `${dialect}:${bucket}:${key}`
    const old = uploads.find((u) => u.record.id === id && u.state !== "completed" && u.state !== "cancelled")
    if (old !== undefined) continue // already listed: resume that one instead
    const fingerprint = await Effect.runPromise(Fingerprint.fingerprint(blobSource(file)))
    const partSizeBytes = Math.round(settings.number("partSizeMiB") * MiB)
    const record = { id, dialect, bucket, key, partSizeBytes, fingerprint, ...(handle ? { handle } : {}) }
    await putRecord(record)
    const upload = new DemoUpload(record, file, context)
    uploads.push(upload)
    upload.start()
  }
}

const restore = async (): Promise<void> => {
  for (const record of await allRecords()) {
    const file = record.handle === undefined ? undefined : await readWithoutAsking(record.handle).catch(() => undefined)
    const upload = new DemoUpload(record, undefined, context)
    uploads.push(upload)
    if (file !== undefined && (await upload.attach(file))) upload.start()
  }
  view.render(uploads)
}

const dialectSelect = document.getElementById("dialect") as HTMLSelectElement
for (const name of Object.keys(config.dialects))
  dialectSelect.add(new Option(name === "s3" ? "S3 (SigV4)" : "OSS (V4)", name))
input("bucket").value = config.buckets[0] ?? ""
input("keyPrefix").value = config.keyPrefix
const drop = view.byId("drop")
drop.addEventListener("dragover", (e) => {
  e.preventDefault()
  drop.classList.add("over")
})
drop.addEventListener("dragleave", () => drop.classList.remove("over"))
drop.addEventListener("drop", (e) => {
  e.preventDefault()
  drop.classList.remove("over")
  if (e.dataTransfer !== null) void dropped(e.dataTransfer).then(add)
})
const fileInput = input("fileInput")
view.byId("pick").addEventListener("click", () => (hasPicker() ? void pick().then(add) : fileInput.click()))
fileInput.addEventListener("change", () => void add([...(fileInput.files ?? [])].map((file) => ({ file }))))
// A network failure fails a run once its retries are spent; coming back online resumes it (a refusal stays).
addEventListener("online", () => {
  for (const u of uploads) if (u.state === "failed" && !u.refused) u.start()
})
view.byId("status").textContent =
  `Store: ${Object.values(config.dialects)[0]?.endpoint}. Parts ≤ ${config.maxObjectSizeBytes / MiB} MiB.`
await restore()

const rows = () =>
  uploads.map((u) => ({
    id: u.record.id,
    key: u.record.key,
    state: u.state,
    committedBytes: u.committedBytes,
    error: u.error
  }))
;(globalThis as unknown as { __demo: unknown }).__demo = {
  addHandles: (handles: ReadonlyArray<FileSystemFileHandle>) => fromHandles(handles).then(add),
  addFiles: (files: ReadonlyArray<File>) => add(files.map((file) => ({ file }))),
  rows,
  peakPartsInFlight: () => slots.peak(),
  partsHashedInWorkers: () => hashers?.partsHashed() ?? 0
}
