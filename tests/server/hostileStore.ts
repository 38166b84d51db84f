/**
 * Hostile input that passes auth and reaches the store: keys that try to climb out of the data directory (dot
 * segments, their percent-encodings, backslashes, NUL, keys over 1,023 bytes) sent in several raw spellings and
 * signed for the key the server will decode; part numbers and list parameters out of range or not numbers; and
 * Complete/DeleteObjects bodies that are XML bombs, external entities, deep nesting or garbage.
 */
import { type CaseContext, type Choice, dialectOf, type HostileCase, piecesOf, signed } from "./hostileCase.ts"
import { auths, type Unsigned } from "./hostileSigning.ts"

const traversalKeys = (m: string): ReadonlyArray<string> => [
  `../${m}`,
  `../../${m}`,
  `../../../../../../../../tmp/${m}`,
  `a/../../${m}`,
  `./${m}`,
  `..\\..\\${m}`,
  `%2e%2e%2f${m}`,
  `..%5c${m}`,
  `\0${m}`,
  `a\0/../${m}`,
  `/${m}`,
  `${m}/../../..`,
  "k".repeat(1024),
  "é".repeat(512),
  `${"d/".repeat(400)}${m}`
]

/** Raw spellings of a key in the path; each decodes once to the key itself. */
const spellings = (key: string): Record<string, string> => {
  const all = (s: string) => [...Buffer.from(s, "utf8")].map((b) => `%${b.toString(16).padStart(2, "0")}`).join("")
  return {
    adapter: "",
    literalDots: key.replace(/%/g, "%25").replace(/\0/g, "%00").replace(/\\/g, "%5C").replace(/ /g, "%20"),
    allEncoded: all(key),
    upperDots: key.replace(/%/g, "%25").replace(/\./g, "%2E").replace(/\0/g, "%00").replace(/\\/g, "%5C")
  }
}

const traversal = async (ctx: CaseContext, c: Choice): Promise<HostileCase> => {
  const auth = c.pick(auths)
  const key = c.pick(traversalKeys(ctx.marker))
  const op = c.pick(["put", "initiate", "get", "head", "delete"] as const)
  const method = { put: "PUT", initiate: "POST", get: "GET", head: "HEAD", delete: "DELETE" }[op]
  const r: Unsigned = {
    method,
    bucket: ctx.bucket,
    key,
    query: op === "initiate" ? { uploads: "" } : {},
    headers: {},
    body: op === "put" ? Buffer.from(ctx.marker) : Buffer.alloc(0)
  }
  const b = await signed(auth, r, ctx)
  const spelling = c.pick(Object.entries(spellings(key)))
  const path = spelling[1] === "" ? b.path : `/${ctx.bucket}/${spelling[1]}${b.path.includes("?") ? "?uploads" : ""}`
  const bucketClimb = c.next() < 0.1
  return {
    category: "traversalKeys",
    dialect: dialectOf(auth),
    variant: `${op}:${spelling[0]}${bucketClimb ? ":bucket" : ""}`,
    exchange: { pieces: piecesOf({ ...b, path: bucketClimb ? `/..%2f${ctx.marker}/k` : path }) },
    authValid: !bucketClimb,
    mustFail: bucketClimb
  }
}

const partNumbers = [
  "0",
  "10001",
  "-1",
  "1.5",
  "1e309",
  "99999999999999999999",
  "abc",
  "",
  "0x1",
  "NaN",
  "Infinity",
  "1e0"
]
/** Forms some parsers read as a valid number; a server may take them, so a 2xx is not counted against it. */
const lenient = new Set(["01", "+1", " 1", "1.0"])

const badPartNumber = async (ctx: CaseContext, c: Choice): Promise<HostileCase> => {
  const auth = c.pick(auths)
  const uploadId = ctx.uploadIds[dialectOf(auth)]
  const kind = c.pick(["uploadPart", "uploadPart", "listParts", "uploadId"] as const)
  const value = c.pick(
    kind === "uploadPart"
      ? [...partNumbers, ...lenient]
      : ["-1", "1e9", "abc", "", "10001", "1.5", "99999999999999999999"]
  )
  const query: Record<string, string> =
    kind === "uploadPart"
      ? { partNumber: value, uploadId }
      : kind === "listParts"
        ? { uploadId, [c.pick(["max-parts", "part-number-marker"])]: value }
        : { partNumber: "1", uploadId: c.pick(["../../x", "\0", "a".repeat(5000), `${uploadId}/..`, "%2e%2e"]) }
  const method = kind === "listParts" ? "GET" : "PUT"
  const body = method === "PUT" ? Buffer.alloc(c.int(1, 2048), 3) : Buffer.alloc(0)
  const b = await signed(auth, { method, bucket: ctx.bucket, key: "seed/upload", query, headers: {}, body }, ctx)
  return {
    category: "badPartNumbers",
    dialect: dialectOf(auth),
    variant: `${kind}:${JSON.stringify(value).slice(0, 24)}`,
    exchange: { pieces: piecesOf(b) },
    authValid: true,
    mustFail: kind === "uploadId" || (kind === "uploadPart" && !lenient.has(value))
  }
}

const xmlBodies = (c: Choice): Record<string, string> => {
  const depth = c.int(1_000, 60_000)
  const laughs = Array.from({ length: 9 }, (_, i) => `<!ENTITY l${i + 1} "${`&l${i};`.repeat(10)}">`).join("")
  return {
    billionLaughs: `<?xml version="1.0"?><!DOCTYPE c [<!ENTITY l0 "lol">${laughs}]><CompleteMultipartUpload><Part><PartNumber>1</PartNumber><ETag>&l9;</ETag></Part></CompleteMultipartUpload>`,
    externalEntity: `<?xml version="1.0"?><!DOCTYPE c [<!ENTITY x SYSTEM "file:///etc/passwd">]><CompleteMultipartUpload><Part><PartNumber>1</PartNumber><ETag>&x;</ETag></Part></CompleteMultipartUpload>`,
    deepNesting: `${"<a>".repeat(depth)}${"</a>".repeat(depth)}`,
    deepInsidePart: `<CompleteMultipartUpload><Part>${"<x>".repeat(depth)}1${"</x>".repeat(depth)}</Part></CompleteMultipartUpload>`,
    manyParts: `<CompleteMultipartUpload>${"<Part><PartNumber>1</PartNumber><ETag>e</ETag></Part>".repeat(c.int(10_001, 25_000))}</CompleteMultipartUpload>`,
    unclosed: "<CompleteMultipartUpload><Part><PartNumber>1",
    hugeNumber: `<CompleteMultipartUpload><Part><PartNumber>${"9".repeat(400)}</PartNumber><ETag>"e"</ETag></Part></CompleteMultipartUpload>`,
    cdataAndPi: `<?xml version="1.0"?><?evil x?><CompleteMultipartUpload><![CDATA[<Part>]]><Part><PartNumber>1</PartNumber><ETag><![CDATA["e"]]></ETag></Part></CompleteMultipartUpload>`,
    notXml: '\u0000\u00ff{"json": true}',
    empty: ""
  }
}

const xml = async (ctx: CaseContext, c: Choice): Promise<HostileCase> => {
  const auth = c.pick(auths)
  const bodies = xmlBodies(c)
  const [name, text] = c.pick(Object.entries(bodies))
  const deleteObjects = c.next() < 0.3
  const query: Record<string, string> = deleteObjects ? { delete: "" } : { uploadId: ctx.uploadIds[dialectOf(auth)] }
  const body = Buffer.from(text, "utf8")
  const r: Unsigned = {
    method: "POST",
    bucket: ctx.bucket,
    ...(deleteObjects ? {} : { key: "seed/upload" }),
    query,
    headers: { "content-type": "application/xml" },
    body
  }
  return {
    category: "xmlBodies",
    dialect: dialectOf(auth),
    variant: `${deleteObjects ? "DeleteObjects" : "Complete"}:${name}`,
    exchange: { pieces: piecesOf(await signed(auth, r, ctx)) },
    authValid: true,
    mustFail: true
  }
}

export const storeCase = { traversalKeys: traversal, badPartNumbers: badPartNumber, xmlBodies: xml }
