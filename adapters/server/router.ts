/**
 * Picks the operation a request names, from its method, whether it addresses the service, a bucket or an object,
 * and its sub-resources (protocol.md §1). Whatever OSS has but this server does not serve (ACLs, ListObjects,
 * append, …) gets `501 NotImplemented`, never a wrong answer; a method an address does not support gets 405.
 *
 * @since 0.1.0
 */
import type { ModelError } from "@resumable-upload/sim/MultipartModel"
import { complete } from "./completeHandler.ts"
import { copyObject, uploadPartCopy } from "./copyHandlers.ts"
import { isCopy } from "./copySource.ts"
import { abort, initiate, listParts, listUploads, uploadPart } from "./multipartHandlers.ts"
import { deleteObject, getObject, headObject, putObject } from "./objectHandlers.ts"
import type { ObjectContext, RequestContext } from "./requestContext.ts"
import { sendEmpty } from "./responses.ts"
import * as ServerErrors from "./serverErrors.ts"

/** @category models */
export type Handler = (ctx: RequestContext) => void | Promise<void>

/** @category models */
export type Route =
  // `ignoresBody`: the operation takes no body, so the request handler checks the payload claim against it instead.
  | { readonly ok: true; readonly handler: Handler; readonly ignoresBody?: true }
  | { readonly ok: false; readonly error: ModelError }

// Sub-resources of operations this server does not implement; serving them as plain GET/PUT would mislead.
const unsupported = [
  "acl",
  "append",
  "tagging",
  "symlink",
  "restore",
  "versions",
  "versionId",
  "versioning",
  "cors",
  "lifecycle",
  "website",
  "logging",
  "referer",
  "delete",
  "x-oss-process",
  "location",
  "stat",
  "bucketInfo"
]

const keyBytesMax = 1023

const route = (handler: Handler): Route => ({ ok: true, handler })
const bodiless = (handler: Handler): Route => ({ ok: true, handler, ignoresBody: true })
const refuse = (error: ModelError): Route => ({ ok: false, error })

/** The object handlers, once the key is known to be present and valid. */
const objectRoute = (
  method: string,
  query: Readonly<Record<string, string>>,
  headers: Readonly<Record<string, string>>
): Route => {
  const asObject =
    (handler: (ctx: ObjectContext) => void | Promise<void>): Handler =>
    (ctx) =>
      handler(ctx as ObjectContext)
  const hasUploadId = query.uploadId !== undefined
  switch (method) {
    case "POST":
      if (query.uploads !== undefined) return bodiless(asObject(initiate))
      if (hasUploadId) return route(asObject(complete))
      return refuse(ServerErrors.notImplemented("PostObject or this POST sub-resource"))
    case "PUT":
      if (hasUploadId) return isCopy(headers) ? bodiless(asObject(uploadPartCopy)) : route(asObject(uploadPart))
      if (query.partNumber !== undefined) {
        return refuse(
          ServerErrors.invalidArgument("uploadId", "", "Unexpected query string parameter: uploadId is missing.")
        )
      }
      return isCopy(headers) ? bodiless(asObject(copyObject)) : route(asObject(putObject))
    case "GET":
      return bodiless(asObject(hasUploadId ? listParts : getObject))
    case "HEAD":
      return bodiless(asObject(headObject))
    case "DELETE":
      return bodiless(asObject(hasUploadId ? abort : deleteObject))
    default:
      return refuse(ServerErrors.methodNotAllowed(method))
  }
}

/** The route for a request; `bucket` and `key` as resolved from its address. @category utils */
export const routeOf = (
  method: string,
  bucket: string | undefined,
  key: string | undefined,
  query: Readonly<Record<string, string>>,
  headers: Readonly<Record<string, string>>
): Route => {
  const named = unsupported.find((name) => query[name] !== undefined)
  if (named !== undefined) return refuse(ServerErrors.notImplemented(`the "${named}" sub-resource`))
  if (bucket === undefined) return refuse(ServerErrors.notImplemented("service-level requests (ListBuckets)"))
  if (key === undefined) {
    if (method === "GET" && query.uploads !== undefined) return bodiless(listUploads)
    // Buckets spring into existence on first use, so creating or probing one simply succeeds.
    if ((method === "PUT" || method === "HEAD") && Object.keys(query).length === 0)
      return route((ctx) => sendEmpty(ctx.ex, 200))
    if (method === "GET") return refuse(ServerErrors.notImplemented("ListObjects"))
    return refuse(ServerErrors.methodNotAllowed(method))
  }
  if (new TextEncoder().encode(key).length > keyBytesMax) {
    return refuse(ServerErrors.invalidObjectName(`a key is at most ${keyBytesMax} bytes of UTF-8`))
  }
  if (key.startsWith("/") || key.startsWith("\\")) {
    return refuse(ServerErrors.invalidObjectName("a key must not start with '/' or '\\'"))
  }
  return objectRoute(method, query, headers)
}
