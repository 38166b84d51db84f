/**
 * How the hostile-input test judges each answer, and the counts it reports. A violation is: no connection (the
 * server is gone), a 5xx other than a `501 NotImplemented`, a stack trace or internal path in any answer byte
 * (including OSS's base64 `x-oss-err` header), a 2xx to a request without valid auth or one that must fail, a file's
 * content leaking through an external entity, or a connection neither answered nor closed in time.
 */
import type { RawAnswer } from "../support/rawHttp.ts"
import type { HostileCase } from "./hostileCase.ts"

/**
 * `at fn (file:line:col)`, `at file:…`, Node internals, source positions. A schema's `at ["Part"][0]` path in an
 * error message is not a trace, so an indented `at` line counts only with a call or a position in it.
 */
const stackTrace =
  /\bat [^\s()]+ \([^)]*:\d+:\d+\)|\bat (?:file|node):|node:internal|\.(?:ts|js|mjs|cjs):\d+:\d+|\n\s+at [^\n]*(?:\(|:\d+:\d+)/

const decodedErrHeaders = (text: string): string =>
  [...text.matchAll(/x-oss-err: ([A-Za-z0-9+/=]+)/gi)]
    .map((m) => Buffer.from(m[1] ?? "", "base64").toString("latin1"))
    .join("\n")

export const violationsOf = (c: HostileCase, a: RawAnswer): ReadonlyArray<string> => {
  const v: Array<string> = []
  if (a.refused) v.push("connection refused: the server is down")
  for (const status of a.statuses) {
    if (status >= 500 && !(status === 501 && /<Code>NotImplemented<\/Code>/.test(a.text))) v.push(`status ${status}`)
    if (status >= 200 && status < 300 && (!c.authValid || c.mustFail)) {
      v.push(`status ${status} for a request ${c.authValid ? "that must fail" : "without valid auth"}`)
    }
  }
  const all = `${a.text}\n${decodedErrHeaders(a.text)}`
  const trace = stackTrace.exec(all)
  if (trace !== null)
    v.push(`stack trace in the answer: ${JSON.stringify(all.slice(Math.max(0, trace.index - 80), trace.index + 80))}`)
  if (/root:x?:0:0/.test(all)) v.push("an external entity was expanded: /etc/passwd in the answer")
  if (!a.closed && a.statuses.length === 0) v.push("neither answered nor closed within the deadline")
  return v
}

/** Per category: how many cases, their answers by status (`closed` when cut without one), and violations. */
export interface Tally {
  readonly cases: Map<string, number>
  readonly statuses: Map<string, Map<string, number>>
  readonly violations: Array<string>
  /** The variants answered 2xx, per category: what the server took, for the report. */
  readonly accepted: Map<string, Set<string>>
}

export const makeTally = (): Tally => ({ cases: new Map(), statuses: new Map(), violations: [], accepted: new Map() })

export const record = (t: Tally, index: number, c: HostileCase, a: RawAnswer): void => {
  const name = `${c.category}/${c.dialect}`
  t.cases.set(name, (t.cases.get(name) ?? 0) + 1)
  const byStatus = t.statuses.get(c.category) ?? new Map<string, number>()
  const label = a.statuses.length === 0 ? "closed" : a.statuses.join("+")
  byStatus.set(label, (byStatus.get(label) ?? 0) + 1)
  t.statuses.set(c.category, byStatus)
  if (a.statuses.some((s) => s >= 200 && s < 300)) {
    t.accepted.set(c.category, (t.accepted.get(c.category) ?? new Set()).add(c.variant))
  }
  for (const violation of violationsOf(c, a)) {
    t.violations.push(
      `#${index} ${c.category} ${c.dialect} ${c.variant}: ${violation} (answer: ${JSON.stringify(a.text.slice(0, 300))})`
    )
  }
}

/** One line per category, for the test's output and the closing note. */
export const summary = (t: Tally): string =>
  [...t.statuses.entries()]
    .map(([category, byStatus]) => {
      const perDialect = [...t.cases.entries()]
        .filter(([name]) => name.startsWith(`${category}/`))
        .map(([name, n]) => `${name.split("/")[1]}=${n}`)
        .join(" ")
      const statuses = [...byStatus.entries()]
        .sort()
        .map(([s, n]) => `${s}:${n}`)
        .join(" ")
      const accepted = [...(t.accepted.get(category) ?? [])].sort().join(" ")
      return `${category.padEnd(16)} ${perDialect.padEnd(22)} ${statuses}${accepted === "" ? "" : `\n${"".padEnd(17)}2xx: ${accepted}`}`
    })
    .join("\n")
