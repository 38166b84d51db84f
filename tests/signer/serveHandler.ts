/**
 * Serves a web-standard `(Request) => Promise<Response>` handler with node:http on a loopback port, as an
 * application would mount the signing endpoint in Node; counts the requests so tests can see the store asked it.
 */
import { createServer } from "node:http"

export interface ServedHandler {
  readonly url: string
  readonly requests: () => number
  readonly close: () => Promise<void>
}

const maxBodyBytes = 64 * 1024

export const serveHandler = (handler: (request: Request) => Promise<Response>): Promise<ServedHandler> => {
  let count = 0
  const server = createServer(async (req, res) => {
    count += 1
    const chunks: Array<Buffer> = []
    let size = 0
    for await (const chunk of req) {
      size += (chunk as Buffer).length
      if (size > maxBodyBytes) return res.writeHead(413).end()
      chunks.push(chunk as Buffer)
    }
    const headers = new Headers()
    for (const [name, value] of Object.entries(req.headers)) if (typeof value === "string") headers.set(name, value)
    const method = req.method ?? "GET"
    const request = new Request(`http://127.0.0.1${req.url ?? "/"}`, {
      method,
      headers,
      ...(method === "GET" || method === "HEAD" ? {} : { body: Buffer.concat(chunks) })
    })
    const response = await handler(request)
    res.writeHead(response.status, Object.fromEntries(response.headers))
    res.end(Buffer.from(await response.arrayBuffer()))
  })
  return new Promise((done) =>
    server.listen(0, "127.0.0.1", () => {
      const address = server.address()
      const port = typeof address === "object" && address !== null ? address.port : 0
      done({
        url: `http://127.0.0.1:${port}/sign`,
        requests: () => count,
        close: () => new Promise((closed) => server.close(() => closed()))
      })
    })
  )
}
