/**
 * A presigned multipart upload through a signing endpoint reached over HTTP, written against web-standard APIs only
 * (fetch, node:crypto for Content-MD5) so the Node, Deno and workerd tests run the same steps: the endpoint may be
 * served by any runtime, the store is the local server. Also creates the bucket with a SigV4-signed PUT, since the
 * endpoint rightly never signs bucket operations.
 */
import { createHash } from "node:crypto"
import * as Effect from "effect/Effect"
import type { SignAnswer } from "../../adapters/http/SignWire.ts"
import * as S3Credentials from "../../adapters/s3/S3Credentials.ts"
import * as S3SignatureV4 from "../../adapters/s3/S3SignatureV4.ts"

export interface Keys {
  readonly accessKeyId: string
  readonly secretAccessKey: string
}

/** PUT /bucket on the local server, SigV4-signed (either dialect's listener accepts it). */
export const createBucket = async (serverUrl: string, bucket: string, keys: Keys): Promise<void> => {
  const url = new URL(`/${bucket}`, serverUrl)
  const added = await Effect.runPromise(
    S3SignatureV4.sign(
      { method: "PUT", path: url.pathname, query: {}, headers: { host: url.host }, date: Date.now() },
      S3Credentials.make(keys),
      { region: "us-east-1", payload: "UNSIGNED-PAYLOAD" }
    )
  )
  const answer = await fetch(url, { method: "PUT", headers: added })
  if (answer.status !== 200) throw new Error(`create bucket: ${answer.status} ${await answer.text()}`)
}

const ask = async (signUrl: string, sign: Record<string, unknown>): Promise<SignAnswer> => {
  const answer = await fetch(signUrl, { method: "POST", body: JSON.stringify(sign) })
  if (answer.status !== 200) throw new Error(`signer: ${answer.status} ${await answer.text()}`)
  return (await answer.json()) as SignAnswer
}

const send = async (signUrl: string, sign: Record<string, unknown>, body?: Uint8Array<ArrayBuffer> | string) => {
  const signed = await ask(signUrl, sign)
  const answer = await fetch(signed.url, {
    method: signed.method,
    headers: signed.headers,
    ...(body === undefined ? {} : { body })
  })
  const text = await answer.text()
  if (answer.status !== 200) throw new Error(`${String(sign.operation)}: ${answer.status} ${text}`)
  return { answer, text }
}

const field = (xml: string, name: string): string => new RegExp(`<${name}>([^<]*)</${name}>`).exec(xml)?.[1] ?? ""

/** Initiate, two parts with Content-MD5, Complete, Head; returns the stored object's size. */
export const signedUpload = async (signUrl: string, bucket: string, key: string): Promise<number> => {
  const common = { bucket, key }
  const init = await send(signUrl, { ...common, operation: "InitiateMultipartUpload", contentType: "image/png" })
  const uploadId = field(init.text, "UploadId")
  const parts = [new Uint8Array(12).fill(1), new Uint8Array(5).fill(2)]
  const etags: Array<string> = []
  for (const [i, bytes] of parts.entries()) {
    const contentMd5 = createHash("md5").update(bytes).digest("base64")
    const sign = {
      ...common,
      operation: "UploadPart",
      uploadId,
      partNumber: i + 1,
      sizeBytes: bytes.length,
      contentMd5
    }
    etags.push((await send(signUrl, sign, bytes)).answer.headers.get("etag") ?? "")
  }
  const xml = `<CompleteMultipartUpload>${etags
    .map((etag, i) => `<Part><PartNumber>${i + 1}</PartNumber><ETag>${etag}</ETag></Part>`)
    .join("")}</CompleteMultipartUpload>`
  const complete = { ...common, operation: "CompleteMultipartUpload", uploadId, contentType: "application/xml" }
  await send(signUrl, complete, xml)
  const head = await send(signUrl, { ...common, operation: "HeadObject" })
  return Number(head.answer.headers.get("content-length"))
}

/** What the endpoint answers a request the policy refuses: status and rule. */
export const refusedRule = async (signUrl: string, sign: Record<string, unknown>) => {
  const answer = await fetch(signUrl, { method: "POST", body: JSON.stringify(sign) })
  const body = (await answer.json()) as { rule?: string }
  return { status: answer.status, rule: body.rule }
}
