/**
 * The XML tree builder behind {@link ./XmlDocument.ts}, on `fast-xml-parser` (pure JS: Node, Deno, workers and any
 * bundle that does not ask for the browser build). Browser bundles get {@link ./XmlTree.browser.ts} instead (the
 * package's `browser` field), which uses the page's own `DOMParser` and ships no parser at all.
 *
 * Both build the same shape: an element with child elements is a record (repeated names and the configured list
 * paths as arrays, text under `#text`), any other element is its text; names without namespace prefix.
 *
 * @since 0.2.0
 */

import * as Result from "effect/Result"
import { XMLParser, XMLValidator } from "fast-xml-parser"
import { decodeXmlReferences } from "./XmlText.ts"

/** A parsed document: the root element's name (namespace prefix removed) and its content. @category models */
export interface XmlDocument {
  readonly root: string
  /** A string for a text-only root, else a record of child elements (lists as arrays, text under `#text`). */
  readonly content: unknown
}

/** Why a text is not a usable document. @category models */
export interface XmlProblem {
  readonly reason: "TooLarge" | "NotXml"
  readonly message: string
}

// XmlDocument's `textKey`, repeated rather than imported: XmlDocument imports this module.
const textKey = "#text"

// The parser hands every text node to this decoder; only XML's own references are expanded (see XmlText).
const entityDecoder = {
  setExternalEntities: () => undefined,
  addInputEntities: () => undefined,
  reset: () => undefined,
  setXmlVersion: () => undefined,
  decode: decodeXmlReferences
}

/** A parser of whole documents (no DOCTYPE, size already checked) whose list paths are known. @category constructors */
export const makeTreeParser = (
  listPaths: ReadonlySet<string>
): ((body: string) => Result.Result<XmlDocument, XmlProblem>) => {
  const parser = new XMLParser({
    ignoreAttributes: true,
    removeNSPrefix: true,
    parseTagValue: false,
    parseAttributeValue: false,
    trimValues: false,
    ignoreDeclaration: true,
    ignorePiTags: true,
    processEntities: true,
    entityDecoder,
    textNodeName: textKey,
    isArray: (_name, path) => typeof path === "string" && listPaths.has(path)
  })
  return (body) => {
    // The parser alone is lenient (a partial tree for truncated input), hence the validator first.
    const validity = XMLValidator.validate(body)
    if (validity !== true) {
      const { msg, line, col } = validity.err
      return Result.fail({ reason: "NotXml", message: `not well-formed XML (line ${line}, column ${col}): ${msg}` })
    }
    let parsed: unknown
    try {
      parsed = parser.parse(body)
    } catch (error) {
      return Result.fail({
        reason: "NotXml",
        message: `unreadable XML: ${error instanceof Error ? error.message : "?"}`
      })
    }
    const roots = typeof parsed === "object" && parsed !== null ? Object.entries(parsed) : []
    const elements = roots.filter(([name]) => name !== textKey)
    const [first] = elements
    if (elements.length !== 1 || first === undefined) {
      return Result.fail({ reason: "NotXml", message: "XML must have exactly one root element" })
    }
    return Result.succeed({ root: first[0], content: first[1] })
  }
}
