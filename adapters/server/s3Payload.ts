/**
 * The S3 dialect's view of a received body, by its `x-amz-content-sha256`:
 * - absent or `UNSIGNED-PAYLOAD`: the body as is;
 * - a lowercase hex SHA-256: the body, if it hashes to that (`400 XAmzContentSHA256Mismatch` otherwise);
 * - `STREAMING-UNSIGNED-PAYLOAD-TRAILER`: an aws-chunked body (`<hex size>\r\n<bytes>\r\n` … `0\r\n`, then trailer
 *   lines such as `x-amz-checksum-crc32:<base64>` and an empty line), decoded, its length checked against
 *   `x-amz-decoded-content-length` and the trailers named in `x-amz-trailer` required; what AWS SDKs send for
 *   streaming bodies with a checksum;
 * - the signed-chunk variants (`STREAMING-AWS4-HMAC-SHA256-PAYLOAD[-TRAILER]`, ECDSA): `501 NotImplemented`, since
 *   accepting them unverified would pretend a check this server does not make.
 *
 * @since 0.1.0
 */
import { createHash } from "node:crypto"
import type { ModelError } from "@resumable-upload/sim/MultipartModel"
import * as S3Errors from "./s3Errors.ts"

/** @category models */
export interface Payload {
  readonly bytes: Uint8Array
  /** aws-chunked trailers, lowercase names. */
  readonly trailers: Readonly<Record<string, string>>
}

/** @category models */
export type PayloadResult =
  | { readonly ok: true; readonly payload: Payload }
  | { readonly ok: false; readonly error: ModelError }

/** @category constants */
export const unsignedTrailer = "STREAMING-UNSIGNED-PAYLOAD-TRAILER"

// A size line (`<hex>;chunk-signature=<64 hex>`) or a trailer line is short; anything longer is not aws-chunked.
const lineBytesMax = 4096
const CR = 13
const LF = 10

const lineAt = (raw: Uint8Array, start: number): { readonly text: string; readonly next: number } | undefined => {
  const end = Math.min(raw.length, start + lineBytesMax)
  for (let i = start; i + 1 < end; i++) {
    if (raw[i] === CR && raw[i + 1] === LF)
      return { text: Buffer.from(raw.subarray(start, i)).toString("latin1"), next: i + 2 }
  }
  return undefined
}

/** Decodes an aws-chunked body into its data and trailers; a string says what is wrong. @category decoding */
export const decodeAwsChunked = (raw: Uint8Array): Payload | string => {
  const chunks: Array<Uint8Array> = []
  let total = 0
  let at = 0
  for (;;) {
    const line = lineAt(raw, at)
    if (line === undefined) return "a chunk size line is missing or too long"
    const size = /^([0-9a-fA-F]{1,8})(;.*)?$/.exec(line.text)
    if (size === null) return `bad chunk size line '${line.text.slice(0, 80)}'`
    const sizeBytes = Number.parseInt(size[1] ?? "", 16)
    at = line.next
    if (sizeBytes === 0) break
    if (at + sizeBytes + 2 > raw.length || raw[at + sizeBytes] !== CR || raw[at + sizeBytes + 1] !== LF) {
      return "a chunk is shorter than its size line says"
    }
    chunks.push(raw.subarray(at, at + sizeBytes))
    total += sizeBytes
    at += sizeBytes + 2
  }
  const trailers: Record<string, string> = {}
  while (at < raw.length) {
    const line = lineAt(raw, at)
    if (line === undefined) return "a trailer line is missing its CRLF or is too long"
    at = line.next
    if (line.text === "") break
    const colon = line.text.indexOf(":")
    if (colon <= 0) return `bad trailer line '${line.text.slice(0, 80)}'`
    trailers[line.text.slice(0, colon).trim().toLowerCase()] = line.text.slice(colon + 1).trim()
  }
  if (at !== raw.length) return "bytes follow the trailers"
  const bytes = new Uint8Array(total)
  let offset = 0
  for (const chunk of chunks) {
    bytes.set(chunk, offset)
    offset += chunk.length
  }
  return { bytes, trailers }
}

const hex = (bytes: Uint8Array): string => createHash("sha256").update(bytes).digest("hex")

/** The body as the S3 operation should see it (see the module notes). @category decoding */
export const s3Payload = (headers: Readonly<Record<string, string>>, raw: Uint8Array): PayloadResult => {
  const claimed = headers["x-amz-content-sha256"]?.trim()
  if (claimed === undefined || claimed === "UNSIGNED-PAYLOAD")
    return { ok: true, payload: { bytes: raw, trailers: {} } }
  if (/^[0-9a-f]{64}$/.test(claimed)) {
    const computed = hex(raw)
    if (computed !== claimed) return { ok: false, error: S3Errors.contentSha256Mismatch(claimed, computed) }
    return { ok: true, payload: { bytes: raw, trailers: {} } }
  }
  if (claimed.startsWith("STREAMING-") && claimed !== unsignedTrailer) {
    return { ok: false, error: S3Errors.signedChunksNotImplemented(claimed) }
  }
  if (claimed !== unsignedTrailer) return { ok: false, error: S3Errors.invalidContentSha256(claimed) }
  const decoded = decodeAwsChunked(raw)
  if (typeof decoded === "string") return { ok: false, error: S3Errors.malformedChunks(decoded) }
  const declared = headers["x-amz-decoded-content-length"]
  if (declared !== undefined && declared.trim() !== String(decoded.bytes.length)) {
    return {
      ok: false,
      error: S3Errors.malformedChunks(
        `${decoded.bytes.length} bytes, but x-amz-decoded-content-length says ${declared}`
      )
    }
  }
  const announced = (headers["x-amz-trailer"] ?? "")
    .split(",")
    .map((name) => name.trim().toLowerCase())
    .filter((name) => name !== "")
  const missing = announced.find((name) => decoded.trailers[name] === undefined)
  if (missing !== undefined)
    return {
      ok: false,
      error: S3Errors.malformedChunks(`the trailer ${missing} announced in x-amz-trailer is missing`)
    }
  return { ok: true, payload: decoded }
}
