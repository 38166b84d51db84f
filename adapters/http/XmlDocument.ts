/**
 * Bounded, namespace-blind reading of one XML document into plain records. The tree itself comes from
 * {@link ./XmlTree.ts} (fast-xml-parser) or, in browser bundles, {@link ./XmlTree.browser.ts} (the page's
 * `DOMParser`), so a page does not ship a parser it already has.
 *
 * Every value stays a string (no number or boolean guessing: `HashCrc64ecma` must not lose digits to a float),
 * namespaces and attributes are ignored (S3 roots carry `xmlns`, OSS ones do not), element order is irrelevant,
 * and the elements named as lists are arrays even when there is one. Typing is the job of the Effect Schemas.
 *
 * Each document is refused above a size limit and when it declares a DTD (entity expansion bombs) before either
 * parser sees it; both refuse documents that are not well-formed.
 *
 * @since 0.1.0
 */

import * as Result from "effect/Result"
import { makeTreeParser, type XmlDocument, type XmlProblem } from "./XmlTree.ts"

export type { XmlDocument, XmlProblem } from "./XmlTree.ts"

/** @category models */
export interface XmlReaderOptions {
  /** Element paths such as `ListPartsResult.Part` that are always arrays. */
  readonly listPaths: ReadonlyArray<string>
}

/** The key mixed text lands under in a record; meaningless whitespace between elements in practice. @category constants */
export const textKey = "#text"

/**
 * Builds a reader for documents whose list elements are known in advance.
 *
 * @category constructors
 */
export const makeXmlReader = (options: XmlReaderOptions) => {
  const parse = makeTreeParser(new Set(options.listPaths))
  return (text: string, maxChars: number): Result.Result<XmlDocument, XmlProblem> => {
    if (text.length > maxChars) {
      return Result.fail({
        reason: "TooLarge",
        message: `XML body is ${text.length} characters; the limit is ${maxChars}`
      })
    }
    const body = text.charCodeAt(0) === 0xfeff ? text.slice(1) : text
    if (/<!DOCTYPE/i.test(body)) return Result.fail({ reason: "NotXml", message: "XML with a DOCTYPE is refused" })
    return parse(body)
  }
}

/** A record's child elements, or `undefined` when the value is text or a list. @category utils */
export const asRecord = (content: unknown): Readonly<Record<string, unknown>> | undefined =>
  typeof content === "object" && content !== null && !Array.isArray(content)
    ? (content as Readonly<Record<string, unknown>>)
    : undefined
