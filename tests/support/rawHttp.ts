/**
 * One exchange over a raw TCP socket (node:net), for requests no HTTP client would send: broken request lines,
 * oversized or duplicated headers, lying Content-Lengths, bodies cut short, bytes trickled slowly. It writes the
 * given pieces (pausing between them when asked), then reads until the server closes or a deadline passes, and
 * returns every byte of the answer together with the status line(s) found in it.
 */
import { connect } from "node:net"

export interface RawExchange {
  /** Written in order; a number is a pause of that many milliseconds. */
  readonly pieces: ReadonlyArray<Buffer | number>
  /** Half-closes the socket after the last piece (a client that stops sending, e.g. mid-body). */
  readonly endAfterWrite?: boolean
  /** How long to wait for the server to answer and close, after the last piece; default 5 s. */
  readonly readTimeoutMs?: number
}

export interface RawAnswer {
  /** The status of every response in the bytes read (pipelined garbage can get more than one). */
  readonly statuses: ReadonlyArray<number>
  /** The whole answer as latin1 text (byte-preserving), for searching. */
  readonly text: string
  /** The server closed the connection (or reset it) before the deadline. */
  readonly closed: boolean
  /** The socket failed to connect: the server is not there. */
  readonly refused: boolean
}

const statusLine = /HTTP\/1\.[01] (\d{3}) /g
/** Cap on what is kept of one answer; hostile requests get short answers, and a flood must not fill memory. */
const keptBytesMax = 1024 * 1024

export const exchange = (
  target: { readonly host: string; readonly port: number },
  request: RawExchange
): Promise<RawAnswer> =>
  new Promise((resolve) => {
    const socket = connect(target.port, target.host)
    const chunks: Array<Buffer> = []
    let kept = 0
    let refused = false
    let settled = false
    let timer: NodeJS.Timeout | undefined
    const finish = (closed: boolean) => {
      if (settled) return
      settled = true
      clearTimeout(timer)
      socket.destroy()
      const text = Buffer.concat(chunks).toString("latin1")
      const statuses = [...text.matchAll(statusLine)].map((m) => Number(m[1]))
      resolve({ statuses, text, closed, refused })
    }
    socket.on("data", (chunk: Buffer) => {
      if (kept < keptBytesMax) chunks.push(chunk)
      kept += chunk.length
    })
    socket.on("error", (e: NodeJS.ErrnoException) => {
      if (e.code === "ECONNREFUSED") refused = true
      finish(true)
    })
    socket.on("close", () => finish(true))
    socket.on("connect", async () => {
      for (const piece of request.pieces) {
        if (settled) return
        if (typeof piece === "number") await new Promise((r) => setTimeout(r, piece))
        else await new Promise<void>((r) => socket.write(piece, () => r()))
      }
      if (request.endAfterWrite === true) socket.end()
      timer = setTimeout(() => finish(false), request.readTimeoutMs ?? 5_000)
    })
  })

/** A request's head: request line, headers in order (repeats allowed), the blank line. */
export const head = (requestLine: string, headers: ReadonlyArray<readonly [string, string]>): Buffer =>
  Buffer.from(`${requestLine}\r\n${headers.map(([n, v]) => `${n}: ${v}\r\n`).join("")}\r\n`, "latin1")
