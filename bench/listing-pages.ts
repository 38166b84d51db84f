/**
 * What listing a big bucket costs on the local server: N one-byte objects in 10 folders (memory storage, S3
 * dialect, unsigned), then ListObjectsV2 paged to the end (1000 keys a page) and a delimiter listing (10 common
 * prefixes), over HTTP. A total that grows about linearly with N means paging sorts the bucket once, not per page.
 *
 * Usage: node --conditions=@resumable-upload/source --import tsx bench/listing-pages.ts [counts=10000,50000]
 */
import { start } from "../adapters/server/LocalOssServer.ts"

const counts = (process.argv.find((arg) => arg.startsWith("counts="))?.slice("counts=".length) ?? "10000,50000")
  .split(",")
  .map(Number)

/** Pages a listing to its end; returns pages and entries (keys plus common prefixes). */
const listAll = async (url: string, query: string) => {
  let pages = 0
  let entries = 0
  let token: string | undefined
  do {
    const page = `${url}?list-type=2${query}${token === undefined ? "" : `&continuation-token=${encodeURIComponent(token)}`}`
    const xml = await (await fetch(page)).text()
    pages++
    entries += (xml.match(/<Key>/g) ?? []).length + (xml.match(/<CommonPrefixes>/g) ?? []).length
    token = /<NextContinuationToken>([^<]*)</.exec(xml)?.[1]
  } while (token !== undefined)
  return { pages, entries }
}

for (const count of counts) {
  const server = await start({ storage: { kind: "memory" }, credentials: "anonymous", dialect: "s3" })
  try {
    // Filled over HTTP (anonymous S3 PUTs, 50 at a time): the store takes bodies only as streams.
    for (let i = 0; i < count; i += 50) {
      await Promise.all(
        Array.from({ length: Math.min(50, count - i) }, async (_, j) => {
          const key = `dir${(i + j) % 10}/object-${String(i + j).padStart(7, "0")}`
          const answer = await fetch(`${server.url}/bench/${key}`, { method: "PUT", body: "x" })
          if (!answer.ok) throw new Error(`PUT ${key}: ${answer.status}`)
        })
      )
    }
    for (const [name, query] of [
      ["all keys", ""],
      ["delimiter /", "&delimiter=%2F"]
    ] as const) {
      const startedMs = performance.now()
      const { entries, pages } = await listAll(`${server.url}/bench/`, query)
      const tookMs = performance.now() - startedMs
      console.log(
        `${count} objects, ${name}: ${pages} pages, ${entries} entries, ${tookMs.toFixed(0)} ms (${(tookMs / pages).toFixed(1)} ms/page)`
      )
    }
  } finally {
    await server.close()
  }
}
