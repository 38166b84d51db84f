/**
 * The page side of the XML reader comparison: bundled for the browser, so `XmlDocument.ts` reads through
 * `XmlTree.browser.ts` (the page's DOMParser). Publishes `globalThis.__xml.read(docs, listPaths)`.
 */
import { makeXmlReader } from "../../adapters/http/XmlDocument.ts"

const read = (docs: ReadonlyArray<string>, listPaths: ReadonlyArray<string>): ReadonlyArray<unknown> => {
  const reader = makeXmlReader({ listPaths })
  return docs.map((doc) => JSON.parse(JSON.stringify(reader(doc, 100_000))))
}

;(globalThis as unknown as { __xml: { read: typeof read } }).__xml = { read }
