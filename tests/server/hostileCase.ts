/**
 * One hostile request of the hostile-input test, and how to build one: what is sent over the raw socket, whether
 * its auth is valid, and whether a 2xx answer would be wrong for another reason (a truncated body, a part number
 * out of range). Generators (hostileWire.ts, hostileAuth.ts, hostileStore.ts) turn a seeded random source and the
 * server's context into cases; hostileChecks.ts judges the answers.
 */
import type { RawExchange } from "../support/rawHttp.ts"
import { head } from "../support/rawHttp.ts"
import { type Auth, pathOf, signHeaders, type Unsigned } from "./hostileSigning.ts"

export const categories = [
  "malformedHttp",
  "hugeHeaders",
  "badSignature",
  "presigned",
  "traversalKeys",
  "badPartNumbers",
  "xmlBodies",
  "truncatedBodies",
  "slowClients"
] as const
export type Category = (typeof categories)[number]

export interface HostileCase {
  readonly category: Category
  /** Which dialect the request speaks (`-` when it has none: it is not HTTP). */
  readonly dialect: "oss" | "s3" | "-"
  /** Short name of the variant, for the counts. */
  readonly variant: string
  readonly exchange: RawExchange
  /** Signed with the server's keys, untampered: only such requests may be answered 2xx. */
  readonly authValid: boolean
  /** A 2xx would be wrong whatever the auth: the request is broken in a way the server must refuse. */
  readonly mustFail: boolean
}

/** What generators know of the running server. */
export interface CaseContext {
  /** `127.0.0.1:port`, the Host every request sends. */
  readonly host: string
  readonly bucket: string
  /** An object that exists, for GETs and presigned GETs. */
  readonly objectKey: string
  /** An open multipart upload per dialect, for part-number and Complete cases. */
  readonly uploadIds: Readonly<Record<"oss" | "s3", string>>
  /** In every traversal key, so a file it created anywhere can be searched for by name. */
  readonly marker: string
}

/** A seeded source of choices. */
export interface Choice {
  readonly next: () => number
  readonly pick: <A>(items: ReadonlyArray<A>) => A
  readonly int: (lo: number, hi: number) => number
}

/** mulberry32. */
export const choiceOf = (seed: number): Choice => {
  let a = seed >>> 0
  const next = () => {
    a = (a + 0x6d2b79f5) >>> 0
    let t = a
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
  const int = (lo: number, hi: number) => lo + Math.floor(next() * (hi - lo + 1))
  return { next, int, pick: (items) => items[Math.floor(next() * items.length)] as (typeof items)[number] }
}

export const dialectOf = (auth: Auth): "oss" | "s3" => (auth === "sigV4" ? "s3" : "oss")

/** A request ready to send, still open to tampering: request line parts, headers in order, body. */
export interface Built {
  readonly method: string
  readonly path: string
  readonly headers: Array<[string, string]>
  readonly body: Buffer
}

/** Signs `r` with header auth (at `dateMs`, default now) and lays it out with Host, Content-Length and close. */
export const signed = async (
  auth: Auth,
  r: Unsigned,
  ctx: CaseContext,
  options: { readonly dateMs?: number; readonly secret?: string } = {}
): Promise<Built> => {
  const added = await signHeaders(auth, r, { host: ctx.host, ...options })
  return {
    method: r.method,
    path: pathOf(r.bucket, r.key, r.query),
    headers: [
      ["Host", ctx.host],
      ...Object.entries(r.headers),
      ...Object.entries(added),
      ["Content-Length", String(r.body.length)],
      ["Connection", "close"]
    ],
    body: r.body
  }
}

/** The bytes of a built request, head and body in one piece. */
export const piecesOf = (b: Built): ReadonlyArray<Buffer> => [
  Buffer.concat([head(`${b.method} ${b.path} HTTP/1.1`, b.headers), b.body])
]

/** A copy of `b` with header `name` (any case) replaced, or removed when `value` is undefined. */
export const withHeader = (b: Built, name: string, value: string | undefined): Built => {
  const rest = b.headers.filter(([n]) => n.toLowerCase() !== name.toLowerCase())
  return { ...b, headers: value === undefined ? rest : [...rest, [name, value]] }
}

export const headerOf = (b: Built, name: string): string | undefined =>
  b.headers.find(([n]) => n.toLowerCase() === name.toLowerCase())?.[1]

/** Flips one character of `text` at a chosen position to another of the same kind (hex/base64 stays well-formed). */
export const flipOne = (text: string, choice: Choice): string => {
  if (text.length === 0) return "x"
  const i = choice.int(0, text.length - 1)
  const c = text[i] ?? "a"
  const swapped = c === "a" ? "b" : /[0-9]/.test(c) ? String((Number(c) + 1) % 10) : c === "A" ? "B" : "a"
  return text.slice(0, i) + swapped + text.slice(i + 1)
}
