/**
 * The pure listing page (adapters/server/objectListing.ts), property-tested: for any set of keys (ASCII, `/`,
 * a BMP character above the surrogates and an astral one, so code-point order differs from UTF-16 order), any
 * prefix, delimiter and max-keys, paging from the start until a page is not truncated yields exactly the full
 * listing (keys and common prefixes, each once, in code-point order), every page but the last is full, and a
 * listing that starts after an arbitrary marker is the tail of the full one.
 */

import fc from "fast-check"
import { assert, describe, it } from "vitest"
import type { ObjectEntry } from "../../adapters/server/ObjectEntry.ts"
import { type ListQuery, listPage } from "../../adapters/server/objectListing.ts"
import { compareCodePoints } from "../../core/CodePointOrder.ts"

const alphabet = ["a", "b", "/", "-", "\uFF21", "\u{1F600}"]
const text = (maxLength: number) => fc.array(fc.constantFrom(...alphabet), { maxLength }).map((chars) => chars.join(""))

const entriesOf = (keys: ReadonlyArray<string>): ReadonlyArray<ObjectEntry> =>
  [...new Set(keys)]
    .filter((key) => key !== "")
    .sort(compareCodePoints)
    .map((key, i) => ({ key, etag: `"E${i}"`, sizeBytes: i, modifiedAtMs: i }))

/** What a listing must return, by brute force: each key, or the common prefix it rolls up into, once. */
const expectedItems = (entries: ReadonlyArray<ObjectEntry>, prefix: string, delimiter: string | undefined) => {
  const items: Array<string> = []
  for (const { key } of entries) {
    if (!key.startsWith(prefix)) continue
    const at = delimiter === undefined ? -1 : key.indexOf(delimiter, prefix.length)
    const item = at === -1 ? `key:${key}` : `prefix:${key.slice(0, at + (delimiter ?? "").length)}`
    if (!items.includes(item)) items.push(item)
  }
  return items
}

const itemsOf = (page: ReturnType<typeof listPage>) => {
  // Within one page, keys and common prefixes interleave in sort order; merge them back by their text.
  const all = [
    ...page.contents.map((entry) => ({ text: entry.key, item: `key:${entry.key}` })),
    ...page.commonPrefixes.map((prefix) => ({ text: prefix, item: `prefix:${prefix}` }))
  ]
  return all.sort((a, b) => compareCodePoints(a.text, b.text)).map((x) => x.item)
}

const textOf = (item: string) => item.slice(item.indexOf(":") + 1)

const scenario = fc.record({
  keys: fc.array(text(6), { maxLength: 40 }),
  prefix: fc.oneof(fc.constant(""), text(2)),
  delimiter: fc.constantFrom(undefined, "/", "a", "b/", "\u{1F600}"),
  maxKeys: fc.integer({ min: 1, max: 8 })
})

describe("objectListing.listPage", () => {
  it("pages through the whole listing exactly once, in order, with full pages", () =>
    fc.assert(
      fc.property(scenario, ({ delimiter, keys, maxKeys, prefix }) => {
        const entries = entriesOf(keys)
        const query: ListQuery = { prefix, maxKeys, ...(delimiter === undefined ? {} : { delimiter }) }
        const seen: Array<string> = []
        let after: string | undefined
        for (let pages = 0; ; pages++) {
          assert.isBelow(pages, entries.length + 2, "paging does not end")
          const page = listPage(entries, { ...query, ...(after === undefined ? {} : { after }) })
          const items = itemsOf(page)
          assert.isAtMost(items.length, maxKeys)
          seen.push(...items)
          if (!page.isTruncated) break
          assert.strictEqual(items.length, maxKeys, "a truncated page is full")
          assert.strictEqual(page.last, textOf(items.at(-1) ?? ""), "the page ends where the next one starts")
          after = page.last
        }
        assert.deepStrictEqual(seen, expectedItems(entries, prefix, delimiter))
      }),
      { numRuns: 500 }
    ))

  it("starts after any marker: the tail of the full listing", () =>
    fc.assert(
      fc.property(scenario, text(6), ({ delimiter, keys, prefix }, marker) => {
        const entries = entriesOf(keys)
        const full = expectedItems(entries, prefix, delimiter)
        const page = listPage(entries, {
          prefix,
          maxKeys: 1000,
          after: marker,
          ...(delimiter === undefined ? {} : { delimiter })
        })
        assert.deepStrictEqual(
          itemsOf(page),
          full.filter((item) => compareCodePoints(textOf(item), marker) > 0)
        )
        assert.isFalse(page.isTruncated)
      }),
      { numRuns: 500 }
    ))

  it("lists keys in code-point order, not UTF-16 order", () => {
    const entries = entriesOf(["\u{1F600}", "\uFF21", "a"])
    const page = listPage(entries, { prefix: "", maxKeys: 10 })
    assert.deepStrictEqual(
      page.contents.map((entry) => entry.key),
      ["a", "\uFF21", "\u{1F600}"]
    )
  })
})
