/**
 * The payload hash a signed request claims (`x-amz-content-sha256` in S3, `x-oss-content-sha256` in OSS V4) held
 * to the body that actually arrived, on every request, not only on those whose operation reads a body: a request
 * with no body must claim the empty body's hash (or `UNSIGNED-PAYLOAD`), and a body the operation ignores (a DELETE
 * or GET with one) is read, bounded, and hashed. Bodies the operations read are checked where they are read
 * (s3Payload.ts, requestPayload.ts). Only lowercase hex counts as a hash, as in AWS; anything else is refused.
 *
 * @since 0.1.0
 */
import { createHash } from "node:crypto"
import type { IncomingMessage } from "node:http"
import type { Dialect } from "@resumable-upload/core/Limits"
import type { ModelError } from "@resumable-upload/sim/MultipartModel"
import * as S3Errors from "./s3Errors.ts"
import * as ServerErrors from "./serverErrors.ts"

/** SHA-256 of no bytes. @category constants */
export const emptySha256Hex = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"

const hexPattern = /^[0-9a-f]{64}$/

/** @category utils */
export const claimHeader = (dialect: Dialect): string =>
  dialect === "s3" ? "x-amz-content-sha256" : "x-oss-content-sha256"

/** The claimed hash when it is one (lowercase hex); `undefined` for no claim, UNSIGNED-PAYLOAD or STREAMING-*. */
const claimedHex = (dialect: Dialect, headers: Readonly<Record<string, string>>): string | ModelError | undefined => {
  const claimed = headers[claimHeader(dialect)]?.trim()
  if (claimed === undefined || claimed === "UNSIGNED-PAYLOAD") return undefined
  if (hexPattern.test(claimed)) return claimed
  if (dialect === "s3" && claimed.startsWith("STREAMING-")) return undefined
  return dialect === "s3"
    ? S3Errors.invalidContentSha256(claimed)
    : ServerErrors.invalidArgument(
        "x-oss-content-sha256",
        claimed,
        "x-oss-content-sha256 must be UNSIGNED-PAYLOAD or the body's SHA-256 in lowercase hex: send one of those."
      )
}

/** The error when the claim does not hold for a body hashing to `computedHex`. @category utils */
export const claimError = (
  dialect: Dialect,
  headers: Readonly<Record<string, string>>,
  computedHex: () => string
): ModelError | undefined => {
  const claimed = claimedHex(dialect, headers)
  if (claimed === undefined || typeof claimed !== "string") return claimed
  const computed = computedHex()
  if (claimed === computed) return undefined
  if (dialect === "s3") return S3Errors.contentSha256Mismatch(claimed, computed)
  return {
    ...ServerErrors.invalidArgument(
      "x-oss-content-sha256",
      claimed,
      `x-oss-content-sha256 does not match the body's SHA-256 ${computed}: sign the hash of the exact body sent, or UNSIGNED-PAYLOAD.`
    ),
    code: "InvalidDigest"
  }
}

/** @category utils */
export const sha256Hex = (bytes: Uint8Array): string => createHash("sha256").update(bytes).digest("hex")

/** Whether the request's framing says a body follows. @category utils */
export const hasBody = (req: IncomingMessage): boolean => {
  const length = req.headers["content-length"]
  return req.headers["transfer-encoding"] !== undefined || (length !== undefined && length.trim() !== "0")
}

/** @category models */
export type IgnoredBodyCheck =
  | { readonly ok: true }
  | { readonly ok: false; readonly error: ModelError; readonly closeConnection: boolean; readonly aborted?: true }

/**
 * Checks the claim of a request whose operation takes no body: against the empty hash when none was sent, else
 * against the body, read and hashed (not kept) up to `maxBytes`. Never rejects.
 *
 * @category utils
 */
export const checkIgnoredBody = async (
  req: IncomingMessage,
  dialect: Dialect,
  headers: Readonly<Record<string, string>>,
  maxBytes: number
): Promise<IgnoredBodyCheck> => {
  const claimed = claimedHex(dialect, headers)
  if (claimed === undefined) return { ok: true }
  if (typeof claimed !== "string") return { ok: false, error: claimed, closeConnection: hasBody(req) }
  if (!hasBody(req)) {
    const error = claimError(dialect, headers, () => emptySha256Hex)
    return error === undefined ? { ok: true } : { ok: false, error, closeConnection: false }
  }
  const hash = createHash("sha256")
  let receivedBytes = 0
  const outcome = await new Promise<"ok" | "tooLarge" | "aborted">((resolve) => {
    req.on("data", (chunk: Buffer) => {
      receivedBytes += chunk.length
      if (receivedBytes > maxBytes) {
        req.pause()
        resolve("tooLarge")
      } else hash.update(chunk)
    })
    req.once("end", () => resolve("ok"))
    req.once("error", () => resolve("aborted"))
    req.once("close", () => resolve(req.complete ? "ok" : "aborted"))
    if ((req.destroyed || req.readableAborted) && !req.complete) resolve("aborted")
  })
  if (outcome === "aborted")
    return { ok: false, error: ServerErrors.internalError(), closeConnection: true, aborted: true }
  if (outcome === "tooLarge") {
    return { ok: false, error: ServerErrors.entityTooLarge(undefined, maxBytes), closeConnection: true }
  }
  const computed = hash.digest("hex")
  const error = claimError(dialect, headers, () => computed)
  return error === undefined ? { ok: true } : { ok: false, error, closeConnection: false }
}
