/**
 * Serves a web-standard `(Request) => Promise<Response>` handler (the signing endpoint of `@resumable-upload/signer`)
 * from a node:http request: the body is read up to a bound (the endpoint takes small JSON), the answer written back.
 *
 * @since 0.2.0
 */
import type { IncomingMessage, ServerResponse } from "node:http"

/** Largest request body passed to the handler; the signer's own bound is 16 KiB. @category constants */
export const maxBodyBytes = 64 * 1024

const readBody = async (req: IncomingMessage): Promise<Uint8Array | undefined> => {
  const chunks: Array<Uint8Array> = []
  let size = 0
  for await (const chunk of req) {
    size += (chunk as Uint8Array).length
    if (size > maxBodyBytes) return undefined
    chunks.push(chunk as Uint8Array)
  }
  return Buffer.concat(chunks)
}

/** Answers `req` with `handler`; `origin` is this server's URL (the Request needs an absolute one). @category utils */
export const serveWeb = async (
  handler: (request: Request) => Promise<Response>,
  req: IncomingMessage,
  res: ServerResponse,
  origin: string
): Promise<void> => {
  const method = req.method ?? "GET"
  const body = method === "GET" || method === "HEAD" ? new Uint8Array() : await readBody(req)
  if (body === undefined) {
    res.writeHead(413, { "content-type": "text/plain", connection: "close" }).end("request body too large\n")
    return
  }
  const headers = new Headers()
  for (const [name, value] of Object.entries(req.headers)) {
    if (value !== undefined) headers.set(name, Array.isArray(value) ? value.join(", ") : value)
  }
  const request = new Request(`${origin}${req.url ?? "/"}`, {
    method,
    headers,
    // A copy on its own ArrayBuffer: what `BodyInit` accepts under Deno's stricter DOM types.
    ...(method === "GET" || method === "HEAD" ? {} : { body: body.slice() })
  })
  const response = await handler(request)
  res.writeHead(response.status, Object.fromEntries(response.headers))
  res.end(Buffer.from(await response.arrayBuffer()))
}
