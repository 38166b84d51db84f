/**
 * The two XML tree builders agree: the same documents read in Node (fast-xml-parser, adapters/http/XmlTree.ts) and
 * in headless Chromium (DOMParser, XmlTree.browser.ts, chosen by the package's `browser` field when bundled for the
 * browser) give the same records, lists and refusals. Whitespace-only `#text` between elements is ignored: it is
 * meaningless and the two parsers split it differently. Also checks that the browser bundle has no fast-xml-parser.
 */
import * as path from "node:path"
import { fileURLToPath } from "node:url"
import { afterAll, assert, beforeAll, describe, it } from "@effect/vitest"
import * as esbuild from "esbuild"
import { type Browser, chromium } from "playwright-core"
import { makeXmlReader } from "../../adapters/http/XmlDocument.ts"
import { chromiumArgs, chromiumPath } from "../support/chromium.ts"
import { chromiumGate } from "./chromiumPage.ts"

const found = chromiumGate("the XML reader comparison")
const entry = path.join(path.dirname(fileURLToPath(import.meta.url)), "xmlReaderPage.ts")
const listPaths = ["ListPartsResult.Part", "L.P"]
const docs = [
  `<?xml version="1.0" encoding="UTF-8"?>\n<InitiateMultipartUploadResult xmlns="http://s3.amazonaws.com/doc/2006-03-01/">\n  <Bucket>b</Bucket>\n  <Key>a&amp;b.bin</Key>\n  <UploadId>0004B9894A22E5B1888A1E29F8236E2D</UploadId>\n</InitiateMultipartUploadResult>`,
  `<ListPartsResult><Bucket>b</Bucket><IsTruncated>false</IsTruncated><Part><PartNumber>1</PartNumber><ETag>"e1"</ETag><Size>10</Size><HashCrc64ecma>18446744073709551615</HashCrc64ecma></Part></ListPartsResult>`,
  `<ListPartsResult><Part><PartNumber>1</PartNumber></Part><Part><PartNumber>2</PartNumber></Part></ListPartsResult>`,
  `<Error>\n  <Code>NoSuchUpload</Code>\n  <Message>The specified upload does not exist.</Message>\n  <RequestId>5C3D</RequestId>\n</Error>`,
  `<s3:R xmlns:s3="urn:x"><s3:A>1</s3:A><s3:A>2</s3:A></s3:R>`,
  `<R>a &amp; &#x41; &#66; &lt;&gt;&quot;&apos;</R>`,
  `<R><![CDATA[<not> & markup]]></R>`,
  `<R>text<A>1</A>tail</R>`,
  `<R><A></A><B/><C> sp </C></R>`,
  `<R></R>`,
  `<L><P><N>1</N></P></L>`,
  `\uFEFF<R><A>bom</A></R>`,
  `<R><A>1</A>`,
  `<R><A>1</B></R>`,
  `<R/><S/>`,
  `not xml at all`,
  `<!DOCTYPE R [<!ENTITY x "y">]><R>&x;</R>`
]

/** Success content with whitespace-only `#text` removed; failures reduced to their reason. */
const normalize = (result: unknown): unknown => {
  const r = result as { _tag: string; success?: { root: string; content: unknown }; failure?: { reason: string } }
  if (r._tag !== "Success") return { failed: r.failure?.reason }
  const strip = (value: unknown): unknown => {
    if (Array.isArray(value)) return value.map(strip)
    if (typeof value !== "object" || value === null) return value
    return Object.fromEntries(
      Object.entries(value)
        .filter(([k, v]) => !(k === "#text" && typeof v === "string" && v.trim() === ""))
        .map(([k, v]) => [k, strip(v)])
    )
  }
  return { root: r.success?.root, content: strip(r.success?.content) }
}

describe.skipIf(!found)("XML readers: fast-xml-parser (Node) and DOMParser (Chromium) agree", () => {
  let browser: Browser
  let script = ""

  beforeAll(async () => {
    const built = await esbuild.build({
      entryPoints: [entry],
      bundle: true,
      write: false,
      platform: "browser",
      format: "iife",
      target: "es2022",
      metafile: true,
      logLevel: "warning"
    })
    script = built.outputFiles[0]?.text ?? ""
    const inputs = Object.keys(built.metafile.inputs)
    assert.isFalse(
      inputs.some((i) => i.includes("fast-xml-parser")),
      "the browser bundle must not carry fast-xml-parser"
    )
    assert.isTrue(inputs.some((i) => i.endsWith("XmlTree.browser.ts")))
    browser = await chromium.launch({ executablePath: chromiumPath, headless: true, args: chromiumArgs })
  }, 60_000)

  afterAll(async () => {
    await browser?.close()
  })

  it("reads every document to the same records, lists and refusals", async () => {
    const tab = await browser.newPage()
    await tab.setContent("<!doctype html><html><body></body></html>")
    await tab.addScriptTag({ content: script })
    const inBrowser = await tab.evaluate(
      ([d, l]) =>
        (globalThis as unknown as { __xml: { read: (d: unknown, l: unknown) => unknown[] } }).__xml.read(d, l),
      [docs, listPaths] as const
    )
    const reader = makeXmlReader({ listPaths })
    const inNode = docs.map((doc) => JSON.parse(JSON.stringify(reader(doc, 100_000))))
    for (const [i, doc] of docs.entries()) {
      assert.deepStrictEqual(normalize(inBrowser[i]), normalize(inNode[i]), doc)
    }
    assert.deepStrictEqual(normalize(inNode[1]), {
      root: "ListPartsResult",
      content: {
        Bucket: "b",
        IsTruncated: "false",
        Part: [{ PartNumber: "1", ETag: '"e1"', Size: "10", HashCrc64ecma: "18446744073709551615" }]
      }
    })
    await tab.close()
  }, 60_000)
})
