/**
 * One page of ListObjects, V1 or V2, from a bucket's entries sorted by key in code-point order: the prefix filter,
 * delimiter roll-up into common prefixes, `max-keys` (keys and common prefixes together count against it, at most
 * 1000), and where the page starts and where the next one would. Pure, so paging is property-tested
 * (tests/server/objectListing.test.ts) apart from HTTP and XML.
 *
 * Resuming works on one position, `after`: V1's `marker`, V2's `start-after` or decoded continuation token. A common
 * prefix sorts before every key it rolls up, so "after" a common prefix means after all of its keys: a page that
 * ends on a common prefix makes that prefix the next position, and the next page skips the whole group.
 *
 * @since 0.1.0
 */
import { compareCodePoints } from "@resumable-upload/core/CodePointOrder"
import type { ObjectEntry } from "./ObjectEntry.ts"

/** Both stores return at most 1000 entries a page. @category constants */
export const listPageSizeMax = 1000

/** @category models */
export interface ListQuery {
  readonly prefix: string
  /** Absent or `""`: no roll-up. */
  readonly delimiter?: string
  /** Already capped to {@link listPageSizeMax}. */
  readonly maxKeys: number
  /** List only keys (and common prefixes) sorting strictly after this. */
  readonly after?: string
}

/** @category models */
export interface ListPage {
  readonly contents: ReadonlyArray<ObjectEntry>
  readonly commonPrefixes: ReadonlyArray<string>
  readonly isTruncated: boolean
  /** The last key or common prefix of the page: the next page's `after` (V1 `NextMarker`, V2's token). */
  readonly last?: string
}

/** The first index whose key sorts strictly after `after` (binary search: the entries are sorted). */
const firstAfter = (entries: ReadonlyArray<ObjectEntry>, after: string, inclusive: boolean): number => {
  let low = 0
  let high = entries.length
  while (low < high) {
    const middle = (low + high) >>> 1
    const order = compareCodePoints(entries[middle]?.key ?? "", after)
    if (order < 0 || (order === 0 && !inclusive)) low = middle + 1
    else high = middle
  }
  return low
}

/** The common prefix `key` rolls up into, or `undefined` when it is listed as itself. */
const rollUp = (key: string, prefix: string, delimiter: string | undefined): string | undefined => {
  if (delimiter === undefined || delimiter === "") return undefined
  const at = key.indexOf(delimiter, prefix.length)
  return at === -1 ? undefined : key.slice(0, at + delimiter.length)
}

/** @category utils */
export const listPage = (entries: ReadonlyArray<ObjectEntry>, query: ListQuery): ListPage => {
  const { after, delimiter, prefix } = query
  const fromPrefix = firstAfter(entries, prefix, true)
  let index = after === undefined ? fromPrefix : Math.max(fromPrefix, firstAfter(entries, after, false))
  const contents: Array<ObjectEntry> = []
  const commonPrefixes: Array<string> = []
  let last: string | undefined
  while (index < entries.length) {
    const entry = entries[index]
    if (entry === undefined || !entry.key.startsWith(prefix)) break
    const group = rollUp(entry.key, prefix, delimiter)
    // A group at or before the resume position was listed on an earlier page (or the marker lies inside it).
    if (group !== undefined && after !== undefined && compareCodePoints(group, after) <= 0) {
      index = skipGroup(entries, index, group)
      continue
    }
    if (contents.length + commonPrefixes.length >= query.maxKeys) {
      return { contents, commonPrefixes, isTruncated: true, ...(last === undefined ? {} : { last }) }
    }
    if (group === undefined) {
      contents.push(entry)
      last = entry.key
      index++
    } else {
      commonPrefixes.push(group)
      last = group
      index = skipGroup(entries, index, group)
    }
  }
  return { contents, commonPrefixes, isTruncated: false, ...(last === undefined ? {} : { last }) }
}

/** The index after the last key starting with `group` (they are contiguous in sorted order). */
const skipGroup = (entries: ReadonlyArray<ObjectEntry>, index: number, group: string): number => {
  let next = index
  while (next < entries.length && (entries[next]?.key ?? "").startsWith(group)) next++
  return next
}
