/**
 * A discard sink for the side-by-side benchmark: an S3-dialect endpoint that answers the multipart API (and
 * PutObject, HEAD, an empty ListMultipartUploads) as a store would, computing each part's MD5 for its ETag and the
 * multipart ETag at Complete, and keeping no bytes: only each finished object's size and ETag, for the clients that
 * HEAD what they uploaded (rclone, minio-js). It measures clients without a store's disk in the way; it runs in its
 * own process, and the MD5 is what any store spends. Auth is not checked.
 * Usage: node sink.mjs <port>; prints `sink listening <url>`.
 */
import { createHash, randomUUID } from "node:crypto"
import { createServer } from "node:http"

const port = Number(process.argv[2] ?? 0)
/** uploadId → { parts: Map(partNumber → md5), sizeBytes } */
const uploads = new Map()
/** "bucket/key" → { etag, sizeBytes } */
const objects = new Map()
const xml = (body) => `<?xml version="1.0" encoding="UTF-8"?>\n${body}`
const send = (res, status, headers, body = "") => {
  res.writeHead(status, { "content-length": Buffer.byteLength(body), ...headers })
  res.end(body)
}
/** Reads the body away; resolves with its size and MD5. */
const drain = (req) =>
  new Promise((resolve, reject) => {
    const md5 = createHash("md5")
    let sizeBytes = 0
    req.on("data", (chunk) => {
      sizeBytes += chunk.length
      md5.update(chunk)
    })
    req.on("end", () => resolve({ sizeBytes, md5: md5.digest() }))
    req.on("error", reject)
  })

const server = createServer(async (req, res) => {
  const url = new URL(req.url ?? "/", "http://sink")
  const [, bucket = "", ...rest] = url.pathname.split("/")
  const key = decodeURIComponent(rest.join("/"))
  const q = url.searchParams
  const body = await drain(req)
  const id = q.get("uploadId")
  if (req.method === "POST" && q.has("uploads")) {
    const uploadId = randomUUID()
    uploads.set(uploadId, { parts: new Map(), sizeBytes: 0 })
    const doc = `<InitiateMultipartUploadResult><Bucket>${bucket}</Bucket><Key>${key}</Key><UploadId>${uploadId}</UploadId></InitiateMultipartUploadResult>`
    return send(res, 200, { "content-type": "application/xml" }, xml(doc))
  }
  if (req.method === "PUT" && id !== null) {
    const upload = uploads.get(id)
    upload?.parts.set(Number(q.get("partNumber")), body.md5)
    if (upload) upload.sizeBytes += body.sizeBytes
    return send(res, 200, { etag: `"${body.md5.toString("hex")}"` })
  }
  if (req.method === "POST" && id !== null) {
    const upload = uploads.get(id) ?? { parts: new Map(), sizeBytes: 0 }
    const numbers = [...upload.parts.keys()].sort((a, b) => a - b)
    const joined = Buffer.concat(numbers.map((n) => upload.parts.get(n)))
    const etag = `"${createHash("md5").update(joined).digest("hex")}-${numbers.length}"`
    uploads.delete(id)
    objects.set(`${bucket}/${key}`, { etag, sizeBytes: upload.sizeBytes })
    const doc = `<CompleteMultipartUploadResult><Location>http://sink/${bucket}/${key}</Location><Bucket>${bucket}</Bucket><Key>${key}</Key><ETag>${etag.replaceAll('"', "&quot;")}</ETag></CompleteMultipartUploadResult>`
    return send(res, 200, { "content-type": "application/xml" }, xml(doc))
  }
  if (req.method === "DELETE" && id !== null) {
    uploads.delete(id)
    return send(res, 204, {})
  }
  if (req.method === "PUT") {
    const etag = `"${body.md5.toString("hex")}"`
    objects.set(`${bucket}/${key}`, { etag, sizeBytes: body.sizeBytes })
    return send(res, 200, { etag })
  }
  if (req.method === "GET" && q.has("location")) {
    return send(
      res,
      200,
      { "content-type": "application/xml" },
      xml("<LocationConstraint>us-east-1</LocationConstraint>")
    )
  }
  if (req.method === "GET" && q.has("uploads")) {
    return send(
      res,
      200,
      { "content-type": "application/xml" },
      xml(
        `<ListMultipartUploadsResult><Bucket>${bucket}</Bucket><IsTruncated>false</IsTruncated></ListMultipartUploadsResult>`
      )
    )
  }
  if (req.method === "HEAD") {
    if (key === "") return send(res, 200, {})
    const object = objects.get(`${bucket}/${key}`)
    if (object === undefined) return send(res, 404, {})
    res.writeHead(200, {
      "content-length": object.sizeBytes,
      etag: object.etag,
      "last-modified": new Date().toUTCString()
    })
    return res.end()
  }
  send(res, 404, { "content-type": "application/xml" }, xml("<Error><Code>NoSuchKey</Code></Error>"))
})
server.keepAliveTimeout = 60_000
server.listen(port, "127.0.0.1", () => console.log(`sink listening http://127.0.0.1:${server.address().port}`))
