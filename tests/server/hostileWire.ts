/**
 * Hostile input below the dialects: request lines and headers Node's parser must refuse, heads over the server's
 * 16 KiB limit, bodies whose length lies or that stop early, and clients that trickle bytes or send none. Garbage
 * request lines come from fast-check, seeded per case, so a failing case can be replayed by its index.
 */
import * as fc from "fast-check"
import { head } from "../support/rawHttp.ts"
import {
  type Built,
  type CaseContext,
  type Choice,
  dialectOf,
  type HostileCase,
  piecesOf,
  signed,
  withHeader
} from "./hostileCase.ts"
import { type Auth, auths } from "./hostileSigning.ts"

const garbageLine = fc.oneof(
  fc.string({ unit: "binary-ascii", maxLength: 200 }),
  fc
    .tuple(fc.constantFrom("GET", "PUT", "POST", "get", "G\0T", "BREW", ""), fc.string({ maxLength: 80 }))
    .map(([m, p]) => `${m} ${p} HTTP/1.1`),
  fc
    .tuple(fc.constantFrom("/", "/b/k", "*", "http://evil.example/"), fc.string({ maxLength: 12 }))
    .map(([p, v]) => `GET ${p} ${v}`)
)

const fixedLines = [
  "GET",
  "GET / HTTP/9.9",
  "GET  /  HTTP/1.1",
  "GET /b/k\0 HTTP/1.1",
  "CONNECT 127.0.0.1:22 HTTP/1.1",
  "GET /../../../../etc/passwd HTTP/1.1",
  "GET /b/\xff\xfe HTTP/1.1",
  "PRI * HTTP/2.0"
]

const malformed = (ctx: CaseContext, c: Choice, seed: number): HostileCase => {
  const useFixed = c.next() < 0.4
  const line = useFixed ? c.pick(fixedLines) : (fc.sample(garbageLine, { seed, numRuns: 1 })[0] ?? "")
  const badHeader = c.pick([
    [],
    [["X-No-Colon", ""]],
    [["Bad Name", "v"]],
    [["X-Folded", "a\r\n  continued"]],
    [["X-Ctl", "a\x01\x7fb"]]
  ] as ReadonlyArray<ReadonlyArray<[string, string]>>)
  const bytes = head(line, [["Host", ctx.host], ...badHeader, ["Connection", "close"]])
  const lf = c.next() < 0.2 ? Buffer.from(bytes.toString("latin1").replace(/\r\n/g, "\n"), "latin1") : bytes
  return {
    category: "malformedHttp",
    dialect: "-",
    variant: useFixed ? `fixed:${fixedLines.indexOf(line)}` : "generated",
    exchange: { pieces: [lf] },
    authValid: false,
    mustFail: false
  }
}

const objectPut = (auth: Auth, ctx: CaseContext, key: string, body: Buffer) =>
  signed(
    auth,
    {
      method: "PUT",
      bucket: ctx.bucket,
      key,
      query: {},
      headers: { "content-type": "application/octet-stream" },
      body
    },
    ctx
  )

const huge = async (ctx: CaseContext, c: Choice): Promise<HostileCase> => {
  const auth = c.pick(auths)
  const base = await objectPut(auth, ctx, `huge/${c.int(0, 99)}`, Buffer.from("x"))
  const kind = c.pick(["oneHeader", "manyHeaders", "longUrl", "longAuthorization"] as const)
  const size = c.int(17 * 1024, 80 * 1024)
  let b: Built = base
  if (kind === "oneHeader") b = withHeader(base, "X-Big", "a".repeat(size))
  if (kind === "manyHeaders") {
    b = {
      ...base,
      headers: [...base.headers, ...Array.from({ length: 3000 }, (_, i): [string, string] => [`x-h${i}`, "v"])]
    }
  }
  if (kind === "longUrl") b = { ...base, path: `${base.path}?${"q".repeat(size)}` }
  if (kind === "longAuthorization") b = withHeader(base, "Authorization", `OSS a:${"A".repeat(size)}`)
  return {
    category: "hugeHeaders",
    dialect: dialectOf(auth),
    variant: kind,
    exchange: { pieces: piecesOf(b) },
    authValid: false,
    mustFail: true
  }
}

const truncated = async (ctx: CaseContext, c: Choice): Promise<HostileCase> => {
  const auth = c.pick(auths)
  const body = Buffer.alloc(c.int(64, 4096), 7)
  const b = await objectPut(auth, ctx, `truncated/${c.int(0, 99)}`, body)
  const headOf = (x: Built) => head(`${x.method} ${x.path} HTTP/1.1`, x.headers)
  const kind = c.pick([
    "shortThenEnd",
    "shortThenIdle",
    "longerThanDeclared",
    "lengthNotANumber",
    "twoLengths",
    "lengthAndChunked",
    "badChunk",
    "chunkedUnterminated",
    "hugeDeclared"
  ] as const)
  const cut = body.subarray(0, c.int(0, body.length - 1))
  const chunked = withHeader(b, "Content-Length", undefined)
  const cases: Record<typeof kind, HostileCase["exchange"]> = {
    shortThenEnd: { pieces: [headOf(b), cut], endAfterWrite: true },
    shortThenIdle: { pieces: [headOf(b), cut] },
    longerThanDeclared: { pieces: [headOf(b), body, Buffer.from("GARBAGE / HTTP/1.1\r\n\r\n")] },
    lengthNotANumber: { pieces: [headOf(withHeader(b, "Content-Length", c.pick(["abc", "-1", "1e3", "0x40", " "])))] },
    twoLengths: { pieces: [headOf({ ...b, headers: [...b.headers, ["Content-Length", String(cut.length)]] }), body] },
    lengthAndChunked: {
      pieces: [headOf({ ...b, headers: [...b.headers, ["Transfer-Encoding", "chunked"]] }), Buffer.from("0\r\n\r\n")]
    },
    badChunk: {
      pieces: [
        headOf({ ...chunked, headers: [...chunked.headers, ["Transfer-Encoding", "chunked"]] }),
        Buffer.from("zz\r\nabc\r\n")
      ]
    },
    chunkedUnterminated: {
      pieces: [
        headOf({ ...chunked, headers: [...chunked.headers, ["Transfer-Encoding", "chunked"]] }),
        Buffer.from("10\r\nabc")
      ],
      endAfterWrite: true
    },
    hugeDeclared: { pieces: [headOf(withHeader(b, "Content-Length", "99999999999999")), cut], endAfterWrite: true }
  }
  // Only "longerThanDeclared" carries the signed body whole; its trailing garbage must then be refused on its own.
  return {
    category: "truncatedBodies",
    dialect: dialectOf(auth),
    variant: kind,
    exchange: cases[kind],
    authValid: kind === "longerThanDeclared",
    mustFail: kind !== "longerThanDeclared"
  }
}

const slow = async (ctx: CaseContext, c: Choice): Promise<HostileCase> => {
  const auth = c.pick(auths)
  const body = Buffer.alloc(256, 1)
  const b = await objectPut(auth, ctx, `slow/${c.int(0, 9)}`, body)
  const whole = piecesOf(b)[0] ?? Buffer.alloc(0)
  const headBytes = head(`${b.method} ${b.path} HTTP/1.1`, b.headers)
  const kind = c.pick(["slowloris", "silent", "bodyTrickle", "bytewiseButInTime"] as const)
  const trickle = (bytes: Buffer, every: number, pauseMs: number) =>
    Array.from({ length: Math.ceil(bytes.length / every) }, (_, i) => [
      bytes.subarray(i * every, (i + 1) * every),
      pauseMs
    ]).flat()
  const exchanges: Record<typeof kind, HostileCase["exchange"]> = {
    // Headers that never end: one more header line every 300 ms, for 3 s.
    slowloris: {
      pieces: [
        Buffer.from(`PUT ${b.path} HTTP/1.1\r\nHost: ${ctx.host}\r\n`),
        ...trickle(Buffer.from("X-a: b\r\n".repeat(10)), 8, 300)
      ]
    },
    silent: { pieces: [3_000] },
    bodyTrickle: { pieces: [headBytes, ...trickle(body, 16, 1_000)] },
    bytewiseButInTime: { pieces: trickle(whole, 64, 1) }
  }
  return {
    category: "slowClients",
    dialect: dialectOf(auth),
    variant: kind,
    exchange: exchanges[kind],
    authValid: kind === "bytewiseButInTime",
    mustFail: kind !== "bytewiseButInTime"
  }
}

export const wireCase = {
  malformedHttp: (ctx: CaseContext, c: Choice, seed: number) => Promise.resolve(malformed(ctx, c, seed)),
  hugeHeaders: huge,
  truncatedBodies: truncated,
  slowClients: slow
}
