/**
 * One request to an object store and its answer, as both dialects (OSS, S3) model them: the operation it serves,
 * the bucket and key it addresses, decoded query parameters, headers and body; and the transport that sends it
 * (see {@link ./StoreExecutor.ts}). Addressing and signing, which differ per dialect, happen below this model.
 *
 * Also the small readings both dialects make of a call or an answer: body text, ETag, optional query parameters,
 * the error for an answer that is not the promised document, and the keys no URL can carry.
 *
 * @since 0.1.0
 */

import { ObjectStoreError, type Operation } from "@resumable-upload/core/ports/ObjectStore"
import * as Effect from "effect/Effect"
import type { MalformedResponse } from "./XmlParse.ts"

/** @category models */
export interface StoreCall {
  readonly operation: Operation
  readonly method: "GET" | "PUT" | "POST" | "DELETE" | "HEAD"
  /** `""` for service-level calls (ListBuckets, `GET /`). */
  readonly bucket: string
  readonly key?: string
  /** Decoded parameters; `""` for a valueless one (`uploads`). */
  readonly query?: Readonly<Record<string, string>>
  /** Lowercase names. */
  readonly headers?: Readonly<Record<string, string>>
  readonly body?: Uint8Array
}

/** @category models */
export interface StoreAnswer {
  readonly status: number
  /** Lowercase names (as Effect's HTTP client gives them). */
  readonly headers: Readonly<Record<string, string>>
  readonly body: Uint8Array
}

/** @category models */
export interface StoreTransport {
  readonly execute: (call: StoreCall) => Effect.Effect<StoreAnswer, ObjectStoreError>
  /** The current correction added to the local clock when signing, in ms. */
  readonly clockOffsetMs: Effect.Effect<number>
}

const utf8 = new TextDecoder()

/** The answer's body as UTF-8 text. @category utils */
export const textOf = (answer: StoreAnswer): string => utf8.decode(answer.body)

/** The answer's ETag header as given (quotes and case untouched), `""` when absent. @category utils */
export const etagOf = (answer: StoreAnswer): string => answer.headers.etag ?? ""

/**
 * The ETag of an answer that stored bytes (UploadPart, PutObject), or a final `MissingETag` error. Every OSS and S3
 * server sends one; an answer without it is nearly always a browser hiding the header because the bucket's CORS
 * rules do not expose it. Recording such a part would only fail at Complete, after the whole upload, so it fails
 * here, on the first part, naming the fix.
 *
 * @category utils
 */
export const requireEtag = (operation: Operation, answer: StoreAnswer): Effect.Effect<string, ObjectStoreError> => {
  const etag = etagOf(answer)
  if (etag !== "") return Effect.succeed(etag)
  const requestId = answer.headers["x-amz-request-id"] ?? answer.headers["x-oss-request-id"]
  return Effect.fail(
    new ObjectStoreError({
      operation,
      reason: "Remote",
      status: answer.status,
      code: "MissingETag",
      message:
        `${operation} answered ${answer.status} without an ETag header, so the stored bytes cannot be checked. ` +
        "In a browser, the bucket's CORS rules must list ETag in ExposeHeaders (ExposeHeader ETag).",
      ...(requestId === undefined ? {} : { requestId })
    })
  )
}

/** Query parameters whose value is present: `undefined` and `""` are left out, numbers written in decimal. @category utils */
export const optionalQuery = (
  entries: ReadonlyArray<readonly [string, string | number | undefined]>
): Record<string, string> =>
  Object.fromEntries(entries.filter(([, v]) => v !== undefined && v !== "").map(([k, v]) => [k, String(v)]))

/** An answer that is not the promised document (and not an `<Error>` either). @category errors */
export const malformed = (e: MalformedResponse): ObjectStoreError =>
  new ObjectStoreError({
    operation: e.operation,
    reason: "Remote",
    status: 200,
    code: "MalformedResponse",
    message: e.message
  })

/**
 * A key with a `.` or `..` segment (`a/../b`) cannot travel in a URL: WHATWG URL parsing, which fetch, browsers,
 * Deno and Effect's client all use, resolves dot segments (percent-encoded ones too), so the request would reach
 * another key or fail its signature. The stores accept such keys; this client refuses them up front, by name.
 *
 * @category utils
 */
export const unaddressableKey = (operation: Operation, key: string | undefined): ObjectStoreError | undefined =>
  key?.split("/").some((segment) => segment === "." || segment === "..")
    ? new ObjectStoreError({
        operation,
        reason: "Remote",
        status: 0,
        code: "UnaddressableKey",
        message: `object key "${key}" has a '.' or '..' path segment, which a URL cannot carry; rename the object`
      })
    : undefined
