/**
 * ListObjects (V1) and ListObjectsV2 (`list-type=2`) of both dialects over HTTP: reads the query, pages the
 * bucket's entries (objectListing.ts) and answers in the request's dialect (s3ListingXml.ts, ossListingXml.ts).
 *
 * `max-keys` defaults to 1000 on S3 and 100 on OSS, and is capped at 1000 on both. The continuation token is
 * opaque to clients: `1` and the base64url of the key (or common prefix) the page ended on.
 *
 * @since 0.1.0
 */
import { bucketExists } from "./bucketHandlers.ts"
import type { ListingDocument } from "./listingDocument.ts"
import { listPage, listPageSizeMax } from "./objectListing.ts"
import { ossListingXml } from "./ossListingXml.ts"
import { encodingOf, integerParam, type RequestContext } from "./requestContext.ts"
import { sendError, sendXml } from "./responses.ts"
import { s3ListingXml } from "./s3ListingXml.ts"
import * as ServerErrors from "./serverErrors.ts"

const tokenVersion = "1"

/** @category encoding */
export const encodeContinuationToken = (after: string): string =>
  `${tokenVersion}${Buffer.from(after, "utf8").toString("base64url")}`

/** The position a token stands for, or `undefined` for a token this server did not make. @category decoding */
export const decodeContinuationToken = (token: string): string | undefined => {
  const body = token.slice(tokenVersion.length)
  if (!token.startsWith(tokenVersion) || !/^[A-Za-z0-9_-]+$/.test(body)) return undefined
  const after = Buffer.from(body, "base64url").toString("utf8")
  return encodeContinuationToken(after) === token ? after : undefined
}

const nonEmpty = (text: string | undefined): string | undefined => (text === "" ? undefined : text)

/** @category handlers */
export const listObjects = (ctx: RequestContext) => {
  const { bucket, query } = ctx
  const { dialect } = ctx.ex
  if (!bucketExists(ctx, bucket)) return sendError(ctx.ex, ServerErrors.noSuchBucket(bucket))
  const requested = integerParam(query, "max-keys", "max-keys must be an integer between 0 and 1000.")
  if (!requested.ok) return sendError(ctx.ex, requested.error)
  const maxKeys = Math.min(requested.value ?? (dialect === "oss" ? 100 : listPageSizeMax), listPageSizeMax)
  const version = query["list-type"] === "2" ? 2 : 1
  const prefix = query.prefix ?? ""
  const delimiter = nonEmpty(query.delimiter)
  const marker = nonEmpty(query.marker)
  const startAfter = nonEmpty(query["start-after"])
  const continuationToken = nonEmpty(query["continuation-token"])
  let after = version === 1 ? marker : startAfter
  if (version === 2 && continuationToken !== undefined) {
    after = decodeContinuationToken(continuationToken)
    if (after === undefined) {
      const message = "The continuation token provided is incorrect."
      return sendError(ctx.ex, ServerErrors.invalidArgument("continuation-token", continuationToken, message))
    }
  }
  const page =
    maxKeys === 0
      ? { contents: [], commonPrefixes: [], isTruncated: false }
      : listPage(ctx.store.objectEntries(bucket), {
          prefix,
          maxKeys,
          ...(delimiter === undefined ? {} : { delimiter }),
          ...(after === undefined ? {} : { after })
        })
  const next = page.isTruncated && page.last !== undefined ? encodeContinuationToken(page.last) : undefined
  const document: ListingDocument = {
    bucket,
    version,
    prefix,
    maxKeys,
    fetchOwner: query["fetch-owner"]?.toLowerCase() === "true",
    page,
    ...encodingOf(query),
    ...(delimiter === undefined ? {} : { delimiter }),
    ...(version === 1 && marker !== undefined ? { marker } : {}),
    ...(version === 2 && startAfter !== undefined ? { startAfter } : {}),
    ...(version === 2 && continuationToken !== undefined ? { continuationToken } : {}),
    ...(version === 2 && next !== undefined ? { nextContinuationToken: next } : {})
  }
  sendXml(ctx.ex, 200, dialect === "s3" ? s3ListingXml(document) : ossListingXml(document))
}
