/**
 * Bounded, namespace-blind reading of one XML document into plain records, on `fast-xml-parser` (pure JS, so it
 * runs unchanged in Node, Deno, browsers and workers).
 *
 * Every value stays a string (no number or boolean guessing: `HashCrc64ecma` must not lose digits to a float),
 * namespaces and attributes are ignored (S3 roots carry `xmlns`, OSS ones do not), element order is irrelevant,
 * and the elements named as lists are arrays even when there is one. Typing is the job of the Effect Schemas.
 *
 * The parser alone is lenient (it returns a partial tree for truncated input), so each document is first checked
 * for well-formedness, and refused above a size limit and when it declares a DTD (entity expansion bombs).
 *
 * @since 0.1.0
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

/** @category models */
export interface XmlReaderOptions {
  /** Element paths such as `ListPartsResult.Part` that are always arrays. */
  readonly listPaths: ReadonlyArray<string>
}

/** The key mixed text lands under in a record; meaningless whitespace between elements in practice. @category constants */
export const textKey = "#text"

// The parser hands every text node to this decoder; only XML's own references are expanded (see XmlText).
const entityDecoder = {
  setExternalEntities: () => undefined,
  addInputEntities: () => undefined,
  reset: () => undefined,
  setXmlVersion: () => undefined,
  decode: decodeXmlReferences
}

/**
 * Builds a reader for documents whose list elements are known in advance.
 *
 * @category constructors
 */
export const makeXmlReader = (options: XmlReaderOptions) => {
  const listPaths = new Set(options.listPaths)
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
  return (text: string, maxChars: number): Result.Result<XmlDocument, XmlProblem> => {
    if (text.length > maxChars) {
      return Result.fail({
        reason: "TooLarge",
        message: `XML body is ${text.length} characters; the limit is ${maxChars}`
      })
    }
    const body = text.charCodeAt(0) === 0xfeff ? text.slice(1) : text
    if (/<!DOCTYPE/i.test(body)) return Result.fail({ reason: "NotXml", message: "XML with a DOCTYPE is refused" })
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

/** A record's child elements, or `undefined` when the value is text or a list. @category utils */
export const asRecord = (content: unknown): Readonly<Record<string, unknown>> | undefined =>
  typeof content === "object" && content !== null && !Array.isArray(content)
    ? (content as Readonly<Record<string, unknown>>)
    : undefined
