/**
 * The source of CopyObject and UploadPartCopy: `x-amz-copy-source` / `x-oss-copy-source` (`[/]bucket/key`, URL
 * encoded, S3 may add `?versionId=`, which this unversioned server refuses) and the part copy's
 * `x-amz-copy-source-range` / `x-oss-copy-source-range` (`bytes=first-last`, inclusive, within the source).
 *
 * @since 0.1.0
 */
import type { Dialect } from "@resumable-upload/core/Limits"
import type { ModelError } from "@resumable-upload/sim/MultipartModel"
import * as ServerErrors from "./serverErrors.ts"

/** @category models */
export interface CopySource {
  readonly bucket: string
  readonly key: string
}

const prefixOf = (dialect: Dialect): string => (dialect === "s3" ? "x-amz-" : "x-oss-")

/** Whether the request names a copy source (in either dialect's header). @category utils */
export const isCopy = (headers: Readonly<Record<string, string>>): boolean =>
  headers["x-amz-copy-source"] !== undefined || headers["x-oss-copy-source"] !== undefined

const malformed = (value: string): ModelError =>
  ServerErrors.invalidArgument(
    "x-amz-copy-source",
    value,
    "Copy Source must mention the source bucket and key: sourcebucket/sourcekey."
  )

/** @category utils */
export const parseCopySource = (
  headers: Readonly<Record<string, string>>
): { readonly ok: true; readonly source: CopySource } | { readonly ok: false; readonly error: ModelError } => {
  const value = (headers["x-amz-copy-source"] ?? headers["x-oss-copy-source"] ?? "").trim()
  const question = value.indexOf("?")
  const path = question === -1 ? value : value.slice(0, question)
  if (question !== -1) {
    const query = new URLSearchParams(value.slice(question + 1))
    if (query.get("versionId") !== null && query.get("versionId") !== "null") {
      return { ok: false, error: ServerErrors.notImplemented("copying a version (this server keeps no versions)") }
    }
  }
  const trimmed = path.startsWith("/") ? path.slice(1) : path
  const slash = trimmed.indexOf("/")
  if (slash <= 0 || slash === trimmed.length - 1) return { ok: false, error: malformed(value) }
  try {
    return {
      ok: true,
      source: { bucket: decodeURIComponent(trimmed.slice(0, slash)), key: decodeURIComponent(trimmed.slice(slash + 1)) }
    }
  } catch {
    return { ok: false, error: malformed(value) }
  }
}

/** `[startByte, endByte)` of the source a part copy takes: all of it without a range header. @category utils */
export const copyRange = (
  dialect: Dialect,
  headers: Readonly<Record<string, string>>,
  sizeBytes: number
):
  | { readonly ok: true; readonly startByte: number; readonly endByte: number }
  | { readonly ok: false; readonly error: ModelError } => {
  const name = `${prefixOf(dialect)}copy-source-range`
  const value = headers[name]?.trim()
  if (value === undefined) return { ok: true, startByte: 0, endByte: sizeBytes }
  const match = /^bytes=(\d{1,16})-(\d{1,16})$/.exec(value)
  const first = Number(match?.[1])
  const last = Number(match?.[2])
  if (match === null || last < first || last >= sizeBytes) {
    const message = `Range specified is not valid for source object of size: ${sizeBytes}`
    return { ok: false, error: ServerErrors.invalidArgument(name, value, message) }
  }
  return { ok: true, startByte: first, endByte: last + 1 }
}
