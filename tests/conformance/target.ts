/**
 * What the conformance suite runs against: a target is a store reached through the `ObjectStore` port, with the
 * real limits of that store, a fresh bucket per run, and a way to tear down what it made.
 *
 * The suite never branches on a target's name except through the disagreement registry (./disagreements.ts), so
 * every target is held to the same documented behaviour.
 */
import { createHash } from "node:crypto"
import * as Crc64 from "../../core/Crc64.ts"
import type { Dialect } from "../../core/Limits.ts"
import type { ObjectStoreShape, PartBody } from "../../core/ports/ObjectStore.ts"

/** Every target the suite knows; the registry names these. */
export type TargetName = "sim-oss" | "sim-s3" | "local-oss" | "local-s3" | "rgw" | "moto"

/** An opened target: the port over it and a bucket this run may fill. */
export interface Session {
  readonly store: ObjectStoreShape
  readonly bucket: string
  /** Removes what this run left (objects written, uploads still open, the bucket) where that is cheap. */
  readonly close: () => Promise<void>
}

export interface ConformanceTarget {
  readonly name: TargetName
  readonly dialect: Dialect
  /** The store's real minimum size of a part that is not the last (S3: 5 MiB, OSS: 100 KB). */
  readonly partSizeBytesMin: number
  readonly open: () => Promise<Session>
}

/** Deterministic, non-periodic bytes (a period of 256 would hide a part written at the wrong offset). */
export const bytesOf = (length: number, seed = 1): Uint8Array => {
  const out = new Uint8Array(length)
  for (let i = 0; i < length; i++) out[i] = (i * 131 + seed * 17 + (i >> 11)) & 255
  return out
}

export const md5Base64 = (bytes: Uint8Array): string => createHash("md5").update(bytes).digest("base64")
export const md5Hex = (bytes: Uint8Array): string => createHash("md5").update(bytes).digest("hex")

/** A part or object body with the Content-MD5 the engine would send. */
export const bodyOf = (bytes: Uint8Array): PartBody => ({
  bytes,
  md5Base64: md5Base64(bytes),
  crc64: Crc64.compute(bytes)
})

/** The multipart ETag every S3 and OSS store reports: MD5 of the parts' binary MD5s, then `-<part count>`. */
export const multipartEtagOf = (parts: ReadonlyArray<Uint8Array>): string =>
  `${createHash("md5")
    .update(Buffer.concat(parts.map((p) => createHash("md5").update(p).digest())))
    .digest("hex")}-${parts.length}`

export const concat = (parts: ReadonlyArray<Uint8Array>): Uint8Array => {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0))
  let offset = 0
  for (const p of parts) {
    out.set(p, offset)
    offset += p.length
  }
  return out
}

let keyCounter = 0

/** A key prefix no other check of this run uses, so listings by prefix see only the check's own uploads. */
export const uniquePrefix = (check: string): string => `${check}-${Date.now().toString(36)}-${keyCounter++}/`
