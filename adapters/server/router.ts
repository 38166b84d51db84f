/**
 * Picks the operation a request names, from its method, whether it addresses the service, a bucket or an object,
 * and its sub-resources (protocol.md §1). Whatever the stores have but this server does not serve (ACLs, append,
 * versioning, …) gets `501 NotImplemented`, never a wrong answer; a method an address does not support gets 405.
 *
 * @since 0.1.0
 */
import type { ModelError } from "@resumable-upload/sim/MultipartModel"
import { bucketLocation, createBucket, deleteBucket, headBucket, listBuckets } from "./bucketHandlers.ts"
import { complete } from "./completeHandler.ts"
import { copyObject, uploadPartCopy } from "./copyHandlers.ts"
import { isCopy } from "./copySource.ts"
import { deleteObjects } from "./deleteObjectsHandler.ts"
import { listObjects } from "./listingHandler.ts"
import { abort, initiate, listParts, listUploads, uploadPart } from "./multipartHandlers.ts"
import { deleteObject, getObject, headObject, putObject } from "./objectHandlers.ts"
import type { ObjectContext, RequestContext } from "./requestContext.ts"
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
  "x-oss-process",
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

/** The bucket-level operations: listings, the bucket itself, its location, batch delete. */
const bucketRoute = (method: string, query: Readonly<Record<string, string>>): Route => {
  switch (method) {
    case "GET":
      if (query.uploads !== undefined) return bodiless(listUploads)
      if (query.location !== undefined) return bodiless(bucketLocation)
      return bodiless(listObjects)
    case "PUT":
      return Object.keys(query).length === 0
        ? bodiless(createBucket)
        : refuse(ServerErrors.notImplemented("this PUT bucket sub-resource"))
    case "HEAD":
      return bodiless(headBucket)
    case "DELETE":
      // A sub-resource this server does not know must not delete the bucket itself.
      return Object.keys(query).length === 0
        ? bodiless(deleteBucket)
        : refuse(ServerErrors.notImplemented("this DELETE bucket sub-resource"))
    case "POST":
      return query.delete !== undefined
        ? route(deleteObjects)
        : refuse(ServerErrors.notImplemented("PostObject or this POST sub-resource"))
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
  if (bucket === undefined) {
    if (method === "GET") return bodiless(listBuckets)
    return refuse(ServerErrors.methodNotAllowed(method))
  }
  if (key === undefined) return bucketRoute(method, query)
  if (new TextEncoder().encode(key).length > keyBytesMax) {
    return refuse(ServerErrors.invalidObjectName(`a key is at most ${keyBytesMax} bytes of UTF-8`))
  }
  if (key.startsWith("/") || key.startsWith("\\")) {
    return refuse(ServerErrors.invalidObjectName("a key must not start with '/' or '\\'"))
  }
  return objectRoute(method, query, headers)
}
