/**
 * The browser build of {@link ./XmlTree.ts}: the same tree from the page's own `DOMParser`, so a browser bundle
 * ships no XML parser (fast-xml-parser and its helpers are about 22 KB of the gzip bundle). Selected by the
 * package's `browser` field, which bundlers (esbuild, webpack, Vite, Rollup's node-resolve) honour for browser
 * targets; Node, Deno and workerd keep fast-xml-parser.
 *
 * **Gotchas**: a dedicated or service worker has no `DOMParser`; there every document is refused with a message
 * saying so. Bundle a worker for the `worker`/neutral platform (no `browser` field) to keep fast-xml-parser.
 *
 * @since 0.2.0
 */

import * as Result from "effect/Result"
import type { XmlDocument, XmlProblem } from "./XmlTree.ts"

// XmlDocument's `textKey`, repeated rather than imported: XmlDocument imports this module.
const textKey = "#text"

// The slice of the DOM used here, declared structurally: Deno's lib has no DOM, and the package type-checks there.
interface DomNode {
  readonly nodeType: number
  readonly nodeValue: string | null
  readonly textContent: string | null
  readonly firstChild: DomNode | null
  readonly nextSibling: DomNode | null
}
interface DomElement extends DomNode {
  readonly localName: string
}
interface DomDocument {
  readonly documentElement: DomElement | null
  getElementsByTagName(name: string): ArrayLike<DomElement>
}
type DomParserClass = new () => { parseFromString(text: string, type: "application/xml"): DomDocument }

const elementNode = 1
const textNode = 3
const cdataNode = 4

/** Deepest element nesting read; the store documents are four levels deep. @category constants */
export const maxDepth = 32

const contentOf = (element: DomElement, path: string, listPaths: ReadonlySet<string>, depth: number): unknown => {
  if (depth > maxDepth) throw new RangeError(`XML nested deeper than ${maxDepth} elements`)
  const record: Record<string, unknown> = {}
  let text = ""
  let hasElements = false
  for (let node = element.firstChild; node !== null; node = node.nextSibling) {
    if (node.nodeType === textNode || node.nodeType === cdataNode) text += node.nodeValue ?? ""
    else if (node.nodeType === elementNode) {
      hasElements = true
      const child = node as DomElement
      const name = child.localName
      const childPath = `${path}.${name}`
      const value = contentOf(child, childPath, listPaths, depth + 1)
      const previous = record[name]
      // As fast-xml-parser: a list path is always an array, any other name becomes one when it repeats.
      if (previous === undefined) record[name] = listPaths.has(childPath) ? [value] : value
      else if (Array.isArray(previous)) previous.push(value)
      else record[name] = [previous, value]
    }
  }
  if (!hasElements) return text
  if (text !== "") record[textKey] = text
  return record
}

/** A parser of whole documents (no DOCTYPE, size already checked) whose list paths are known. @category constructors */
export const makeTreeParser = (
  listPaths: ReadonlySet<string>
): ((body: string) => Result.Result<XmlDocument, XmlProblem>) => {
  return (body) => {
    const Parser = (globalThis as { DOMParser?: DomParserClass }).DOMParser
    if (Parser === undefined) {
      return Result.fail({
        reason: "NotXml",
        message: "no DOMParser here (a worker?): bundle without the browser field to read XML with fast-xml-parser"
      })
    }
    const document = new Parser().parseFromString(body, "application/xml")
    const error = document.getElementsByTagName("parsererror")[0]
    const root = document.documentElement
    if (error !== undefined || root === null) {
      const detail = (error?.textContent ?? "").replace(/\s+/g, " ").trim().slice(0, 200)
      return Result.fail({ reason: "NotXml", message: `not well-formed XML: ${detail}` })
    }
    try {
      return Result.succeed({ root: root.localName, content: contentOf(root, root.localName, listPaths, 1) })
    } catch (e) {
      return Result.fail({ reason: "NotXml", message: `unreadable XML: ${e instanceof Error ? e.message : "?"}` })
    }
  }
}
