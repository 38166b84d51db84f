/**
 * The upload callback (protocol.md §4): `x-oss-callback` (base64 JSON `{callbackUrl, callbackBody,
 * callbackBodyType?, callbackHost?}`) and `x-oss-callback-var` (base64 JSON `{"x:name": value}`) are checked before
 * the upload is completed; once the object exists the body template is filled and POSTed. Only `http://` URLs on
 * this machine (127.0.0.0/8, `localhost`, `[::1]`) are accepted, so a local server never sends traffic elsewhere.
 *
 * @since 0.1.0
 */
import type { ModelError } from "@resumable-upload/sim/MultipartModel"
import * as ServerErrors from "./serverErrors.ts"

/** @category models */
export interface CallbackSpec {
  /** Tried in order until one succeeds (OSS allows up to 5, separated by `;`). */
  readonly urls: ReadonlyArray<URL>
  readonly bodyTemplate: string
  readonly bodyType: "application/x-www-form-urlencoded" | "application/json"
  readonly host?: string
  readonly variables: Readonly<Record<string, string>>
}

/** The values a template may name as `${bucket}` and so on. @category models */
export interface CallbackFacts {
  readonly bucket: string
  readonly object: string
  /** Unquoted, as OSS fills `${etag}`. */
  readonly etag: string
  readonly size: number
  readonly mimeType: string
  readonly crc64: string
}

const urlsMax = 5
const headerCharsMax = 64 * 1024

const bad = (name: string, message: string): { readonly ok: false; readonly error: ModelError } => ({
  ok: false,
  error: ServerErrors.invalidArgument(name, "", message)
})

const decodeJsonHeader = (value: string): unknown => {
  if (value.length > headerCharsMax || !/^[A-Za-z0-9+/]*={0,2}$/.test(value.trim())) return undefined
  try {
    return JSON.parse(Buffer.from(value.trim(), "base64").toString("utf8"))
  } catch {
    return undefined
  }
}

const isLocalHost = (hostname: string): boolean =>
  hostname === "localhost" || hostname === "[::1]" || /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(hostname)

/** Validates the callback headers; `undefined` spec when the request has none. @category constructors */
export const parseCallback = (
  callbackHeader: string | undefined,
  varHeader: string | undefined
):
  | { readonly ok: true; readonly spec: CallbackSpec | undefined }
  | { readonly ok: false; readonly error: ModelError } => {
  if (callbackHeader === undefined) return { ok: true, spec: undefined }
  const config = decodeJsonHeader(callbackHeader) as Record<string, unknown> | undefined
  if (typeof config !== "object" || config === null)
    return bad("x-oss-callback", "The callback configuration is not json format.")
  const { callbackBody, callbackBodyType, callbackHost, callbackUrl } = config
  if (typeof callbackUrl !== "string" || typeof callbackBody !== "string") {
    return bad("x-oss-callback", "The callback configuration needs callbackUrl and callbackBody.")
  }
  const urls: Array<URL> = []
  for (const text of callbackUrl.split(";").slice(0, urlsMax)) {
    let url: URL
    try {
      url = new URL(text.trim())
    } catch {
      return bad("callbackUrl", "The callbackUrl is not a valid URL.")
    }
    if (url.protocol !== "http:" || !isLocalHost(url.hostname)) {
      return bad("callbackUrl", "This local server only calls back http:// URLs on 127.0.0.1, localhost or [::1].")
    }
    urls.push(url)
  }
  const bodyType = callbackBodyType ?? "application/x-www-form-urlencoded"
  if (bodyType !== "application/x-www-form-urlencoded" && bodyType !== "application/json") {
    return bad(
      "callbackBodyType",
      "The callbackBodyType must be application/x-www-form-urlencoded or application/json."
    )
  }
  const variables: Record<string, string> = {}
  if (varHeader !== undefined) {
    const parsed = decodeJsonHeader(varHeader)
    if (typeof parsed !== "object" || parsed === null || Array.isArray(parsed)) {
      return bad("x-oss-callback-var", "The callback variables are not json format.")
    }
    for (const [name, value] of Object.entries(parsed)) {
      // OSS: custom variable names must start with `x:` and be lower case.
      if (!/^x:[a-z0-9_-]+$/.test(name) || typeof value !== "string") {
        return bad("x-oss-callback-var", `Invalid callback variable ${name}.`)
      }
      variables[name] = value
    }
  }
  const host = typeof callbackHost === "string" && callbackHost !== "" ? { host: callbackHost } : {}
  return { ok: true, spec: { urls, bodyTemplate: callbackBody, bodyType, variables, ...host } }
}

/** Fills `${name}` from the facts and the custom variables; unknown names become empty. @category utils */
export const fillTemplate = (spec: CallbackSpec, facts: CallbackFacts): string => {
  const system: Readonly<Record<string, string>> = {
    bucket: facts.bucket,
    object: facts.object,
    etag: facts.etag,
    size: String(facts.size),
    mimeType: facts.mimeType,
    crc64: facts.crc64
  }
  // Form bodies get URL-encoded values; JSON bodies get JSON strings (OSS templates write `{"size":${size}}`).
  const encode = spec.bodyType === "application/json" ? (v: string) => JSON.stringify(v) : encodeURIComponent
  return spec.bodyTemplate.replace(/\$\{([^}]{1,128})\}/g, (_, name: string) =>
    encode((name.startsWith("x:") ? spec.variables[name] : system[name]) ?? "")
  )
}
