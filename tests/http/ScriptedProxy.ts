/**
 * A proxy on 127.0.0.1 whose every request is decided by the test: forward it, forward it and change the answer
 * (an ETag rewritten, as a faulty store or middlebox would), answer it itself (an injected error), or cut the
 * connection; after a delay if asked, and after whatever the test does first (`decide` may be async). Unlike FaultProxy, whose fates are random by rate, this replays one named bug at a chosen request.
 *
 * It names each request's operation (Initiate, UploadPart, Complete, …) from method and query, and logs them, so a
 * test can count e.g. Complete requests exactly; it also records each UploadPart body's size.
 */
import { createServer, request as httpRequest, type IncomingHttpHeaders } from "node:http"
import type { AddressInfo } from "node:net"
import { withoutHopByHop } from "./proxyAnswers.ts"

export interface SeenRequest {
  readonly seq: number
  readonly method: string
  readonly path: string
  readonly operation: string
  readonly headers: IncomingHttpHeaders
  readonly bodyBytes: number
  /** The status the client got, or undefined when the connection was cut. */
  status?: number
}

export interface Answer {
  readonly status: number
  readonly headers: Record<string, string | Array<string> | undefined>
  readonly body: Buffer
}

export type Action =
  | { readonly kind: "forward"; readonly rewrite?: (answer: Answer) => Answer; readonly delayMs?: number }
  | { readonly kind: "answer"; readonly answer: Answer; readonly delayMs?: number }
  | { readonly kind: "cut" }

export interface ScriptedProxy {
  readonly url: string
  readonly log: ReadonlyArray<SeenRequest>
  /** The requests of one operation, in arrival order. */
  readonly of: (operation: string) => ReadonlyArray<SeenRequest>
  readonly close: () => Promise<void>
}

const forward: Action = { kind: "forward" }

/** The operation of a request, from its method and query alone (both dialects use the same ones). */
export const operationOf = (method: string, path: string): string => {
  const q = new URL(path, "http://x").searchParams
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
  return names[`${method}${kind}`] ?? `${method} ${path}`
}

export const start = async (options: {
  readonly target: { readonly host: string; readonly port: number }
  /** Decides each request; default: forward everything. */
  readonly decide?: (request: SeenRequest) => Action | Promise<Action>
  /** Bodies above this are refused (connection cut); default 64 MiB. */
  readonly maxBodyBytes?: number
}): Promise<ScriptedProxy> => {
  const log: Array<SeenRequest> = []
  const maxBodyBytes = options.maxBodyBytes ?? 64 * 1024 * 1024
  const server = createServer((req, res) => {
    const chunks: Array<Buffer> = []
    let size = 0
    req.on("data", (chunk: Buffer) => {
      size += chunk.length
      if (size > maxBodyBytes) req.destroy()
      else chunks.push(chunk)
    })
    req.on("end", async () => {
      const method = req.method ?? "GET"
      const path = req.url ?? "/"
      const body = Buffer.concat(chunks)
      const seen: SeenRequest = {
        seq: log.length,
        method,
        path,
        operation: operationOf(method, path),
        headers: req.headers,
        bodyBytes: body.length
      }
      log.push(seen)
      const action = (await options.decide?.(seen)) ?? forward
      const reply = (answer: Answer) =>
        setTimeout(() => send(answer), action.kind === "cut" ? 0 : (action.delayMs ?? 0))
      const send = (answer: Answer) => {
        seen.status = answer.status
        const headers = { ...answer.headers }
        if (method !== "HEAD" && answer.status !== 204) headers["content-length"] = String(answer.body.length)
        res.writeHead(answer.status, headers)
        res.end(method === "HEAD" ? undefined : answer.body)
      }
      if (action.kind === "cut") return res.socket?.destroy()
      if (action.kind === "answer") return reply(action.answer)
      const upstream = httpRequest({
        ...options.target,
        method,
        path,
        headers: { ...withoutHopByHop(req.headers), connection: "close" },
        agent: false
      })
      // A store may answer early (RGW: 404 NoSuchUpload before reading a 5 MiB part) and close while the body is
      // still being written; the write then fails, but the answer still arrives and must be passed on, as fetch does.
      let answered = false
      upstream.on("error", () => setTimeout(() => answered || res.socket?.destroy(), 100))
      upstream.on("response", (answer) => {
        answered = true
        const parts: Array<Buffer> = []
        answer.on("data", (chunk: Buffer) => parts.push(chunk))
        answer.on("end", () => {
          const got = {
            status: answer.statusCode ?? 502,
            headers: withoutHopByHop(answer.headers),
            body: Buffer.concat(parts)
          }
          reply(action.rewrite === undefined ? got : action.rewrite(got))
        })
      })
      upstream.end(body)
    })
  })
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve))
  const { port } = server.address() as AddressInfo
  return {
    url: `http://127.0.0.1:${port}`,
    log,
    of: (operation) => log.filter((r) => r.operation === operation),
    close: async () => {
      const closed = new Promise<void>((resolve) => server.close(() => resolve()))
      server.closeAllConnections()
      await closed
    }
  }
}
