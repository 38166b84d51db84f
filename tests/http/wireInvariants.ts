/**
 * The invariants about what the client sent and reported, from the fault proxy's log of one run and the run's
 * progress reports: Complete at most once per upload, no part sent again once confirmed, parallelism respected,
 * committed progress never going back, and resumes that keep what the checkpoint and the store both hold.
 */
import type { LoggedRequest } from "./FaultProxy.ts"

/** Parts of a checkpoint the store holds with the recorded ETag, as `uploadId#partNumber`, and their bytes. */
export interface Held {
  readonly recordedBytes: number
  readonly parts: ReadonlySet<string>
  readonly bytes: number
}

export interface WireFacts {
  readonly run: number
  readonly parallelism: number
  /** This run's requests, in order of arrival at the proxy. */
  readonly requests: ReadonlyArray<LoggedRequest>
  readonly maxPartsInFlight: number
  readonly progress: ReadonlyArray<{ readonly restarts: number; readonly committedBytes: number }>
  /** What the starting checkpoint recorded and the store still held when the run began. */
  readonly atStart: Held | undefined
  /** The last committed bytes the previous run reported, unless it restarted its upload. */
  readonly previousCommittedBytes: number | undefined
}

const query = (r: LoggedRequest) => new URL(r.path, "http://proxy").searchParams

/** The OSS operation a logged request was, from its method and sub-resources. */
export const operationOf = (r: LoggedRequest): string => {
  const q = query(r)
  const kind = q.has("partNumber") ? "Part" : q.has("uploadId") ? "Upload" : q.has("uploads") ? "Uploads" : ""
  const names: Record<string, string> = {
    POSTUploads: "Initiate",
    POSTUpload: "Complete",
    PUTPart: "UploadPart",
    PUT: "PutObject",
    GETUpload: "ListParts",
    GETUploads: "ListUploads",
    DELETEUpload: "Abort",
    HEAD: "HeadObject",
    GET: "GetObject",
    DELETE: "DeleteObject"
  }
  return names[`${r.method}${kind}`] ?? `${r.method} ${r.path}`
}
const isComplete = (r: LoggedRequest) => r.method === "POST" && query(r).has("uploadId")
const partOf = (r: LoggedRequest) => {
  const q = query(r)
  return r.method === "PUT" && q.has("partNumber") ? `${q.get("uploadId")}#${q.get("partNumber")}` : undefined
}

/** Every violation visible on the wire or in the progress reports; empty when the run behaved. */
export const checkWire = (f: WireFacts): Array<string> => {
  const v: Array<string> = []
  const r = `run ${f.run}`
  // Complete is sent at most once per upload id per run: it is not safe to repeat.
  const completes = new Map<string, number>()
  for (const req of f.requests.filter(isComplete)) {
    const id = query(req).get("uploadId") ?? ""
    completes.set(id, (completes.get(id) ?? 0) + 1)
  }
  for (const [id, n] of completes) if (n > 1) v.push(`${r} sent Complete ${n} times for ${id}`)

  // No part is sent again after the client got the store's confirmation of it within the run.
  for (const done of f.requests) {
    const part = partOf(done)
    if (part === undefined || done.fate !== "Forward" || done.answeredAt === undefined) continue
    if (done.status === undefined || done.status >= 300) continue
    const again = f.requests.find((req) => partOf(req) === part && req.arrivedAt > (done.answeredAt ?? 0))
    if (again !== undefined) v.push(`${r} sent part ${part} again (#${again.seq}) after #${done.seq} confirmed it`)
  }
  const resent = f.requests.find((req) => f.atStart?.parts.has(partOf(req) ?? "") === true)
  if (resent !== undefined)
    v.push(`${r} re-sent part ${partOf(resent)} (#${resent.seq}), which the checkpoint recorded and the store held`)
  if (f.maxPartsInFlight > f.parallelism)
    v.push(`${r} had ${f.maxPartsInFlight} parts in flight, parallelism ${f.parallelism}`)

  // Committed progress never goes back within a run (a restart resets it, and says so).
  for (let i = 1; i < f.progress.length; i++) {
    const [a, b] = [f.progress[i - 1], f.progress[i]]
    if (a === undefined || b === undefined) continue
    if (b.restarts < a.restarts) v.push(`${r} progress restart counter went back`)
    if (b.restarts === a.restarts && b.committedBytes < a.committedBytes)
      v.push(`${r} committed progress went back from ${a.committedBytes} to ${b.committedBytes}`)
  }
  // Durability: what the previous run reported as committed is in the checkpoint this run starts from.
  if (f.atStart !== undefined && (f.previousCommittedBytes ?? 0) > f.atStart.recordedBytes)
    v.push(
      `${r} found ${f.atStart.recordedBytes} bytes in the checkpoint; the last run reported ${f.previousCommittedBytes}`
    )
  // Completeness: a resume starts from every recorded part the store still holds.
  const first = f.progress[0]
  if (first !== undefined && first.restarts === 0 && f.atStart !== undefined && first.committedBytes < f.atStart.bytes)
    v.push(`${r} resumed at ${first.committedBytes} committed bytes; the store held ${f.atStart.bytes} recorded bytes`)
  const capped = f.requests.filter((req) => req.fate === "Capped").length
  if (capped > 0) v.push(`${r} hit the proxy's request cap (${capped} requests refused)`)
  return v
}
