/**
 * Text-level XML for the multipart documents of both stores: escaping element text, decoding character
 * references, and rendering a small element tree (/work/shared/docs/protocol.md §1).
 *
 * Only element text is ever written (never attributes), so the builders and the parsers of the XML modules share
 * these few functions and cannot disagree on how a key like `a<b>&"c"` travels.
 *
 * @since 0.1.0
 */

/** The XML declaration every OSS response starts with. @category constants */
export const xmlDeclaration = '<?xml version="1.0" encoding="UTF-8"?>'

/**
 * Escapes element text: `&`, `<`, `>` always; `\r` and the other C0 controls except tab and newline as numeric
 * references, because parsers normalise a raw `\r` to `\n` and reject raw controls.
 *
 * Quotes stay literal: element text does not need them escaped and OSS itself sends `<ETag>"…"</ETag>`.
 * Strict XML 1.0 parsers refuse `&#1;`-style references; a server that must carry such keys to any client should
 * answer with `EncodingType=url` instead.
 *
 * @category encoding
 */
export const escapeXmlText = (text: string): string =>
  // biome-ignore lint/suspicious/noControlCharactersInRegex: finding control characters is the point here
  text.replace(/[&<>\u0000-\u0008\u000b-\u001f]/g, escapeChar)

const escapeChar = (char: string): string => {
  switch (char) {
    case "&":
      return "&amp;"
    case "<":
      return "&lt;"
    case ">":
      return "&gt;"
    default:
      return `&#${char.charCodeAt(0)};`
  }
}

const predefined: Readonly<Record<string, string>> = { lt: "<", gt: ">", amp: "&", quot: '"', apos: "'" }

/**
 * Decodes the five predefined entities and numeric references (`&#34;`, `&#x22;`) in one pass, so `&amp;lt;`
 * becomes `&lt;` and not `<`. Anything else (`&nbsp;`, DTD entities, surrogate code points) stays literal:
 * OSS never sends them, and expanding user-defined entities is how XML bombs work.
 *
 * @category decoding
 */
export const decodeXmlReferences = (text: string): string =>
  text.indexOf("&") === -1
    ? text
    : text.replace(/&(?:#(\d{1,8})|#[xX]([0-9a-fA-F]{1,6})|(lt|gt|amp|quot|apos));/g, decodeReference)

const decodeReference = (match: string, decimal?: string, hex?: string, name?: string): string => {
  if (name !== undefined) return predefined[name] ?? match
  const codePoint = decimal !== undefined ? Number.parseInt(decimal, 10) : Number.parseInt(hex ?? "", 16)
  const valid = codePoint <= 0x10ffff && (codePoint < 0xd800 || codePoint > 0xdfff)
  return valid ? String.fromCodePoint(codePoint) : match
}

/** An element with text, or with child elements (written in the given order). @category models */
export type XmlElement = readonly [name: string, content: string | ReadonlyArray<XmlElement>]

/**
 * Renders a document the way the OSS examples look: declaration, then two-space indentation. The text of each
 * element is escaped here, so callers pass raw values.
 *
 * @category encoding
 */
export const renderXmlDocument = (root: XmlElement): string => `${xmlDeclaration}\n${renderElement(root, "")}\n`

const renderElement = ([name, content]: XmlElement, indent: string): string => {
  if (typeof content === "string") return `${indent}<${name}>${escapeXmlText(content)}</${name}>`
  if (content.length === 0) return `${indent}<${name}></${name}>`
  const inner = `${indent}  `
  return `${indent}<${name}>\n${content.map((child) => renderElement(child, inner)).join("\n")}\n${indent}</${name}>`
}

/** Keeps elements whose value is known: optional fields become absent elements. @category encoding */
export const presentElements = (
  elements: ReadonlyArray<readonly [name: string, content: string | ReadonlyArray<XmlElement> | undefined]>
): ReadonlyArray<XmlElement> => elements.filter((element): element is XmlElement => element[1] !== undefined)
