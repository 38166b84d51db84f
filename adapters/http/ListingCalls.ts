/**
 * The listing operations OSS and S3 send alike over a {@link ./StoreCall.ts} transport: ListObjectsV2
 * (`GET /bucket?list-type=2`), DeleteObjects (`POST /bucket?delete`, quiet, with the `Content-MD5` both stores
 * require) and ListBuckets (`GET /`, the bucket left empty). Documents are read by {@link ./ListingXml.ts}.
 *
 * @since 0.2.0
 */

import { Hasher, toBase64 } from "@resumable-upload/core/ports/Hasher"
import { deleteObjectsKeysMax, listPageEntriesMax } from "@resumable-upload/core/ports/ObjectListing"
import { ObjectStoreError, type ObjectStoreShape } from "@resumable-upload/core/ports/ObjectStore"
import * as Effect from "effect/Effect"
import * as ListingXml from "./ListingXml.ts"
import { malformed, optionalQuery, type StoreTransport, textOf } from "./StoreCall.ts"

/** @category models */
export type ListingCalls = Required<Pick<ObjectStoreShape, "listObjects" | "deleteObjects" | "listBuckets">>

/** @category models */
export interface ListingCallsConfig {
  readonly transport: StoreTransport
  /** Extra ListBuckets parameters: OSS pages at 100 buckets unless `max-keys` says more. */
  readonly bucketsQuery?: Readonly<Record<string, string>>
}

const encoder = new TextEncoder()

const refused = (operation: "ListObjects" | "DeleteObjects", message: string) =>
  new ObjectStoreError({ operation, reason: "Remote", status: 0, code: "InvalidArgument", message })

/** @category constructors */
export const make = ({ transport, bucketsQuery = {} }: ListingCallsConfig): ListingCalls => ({
  listObjects: (r) => {
    if (r.maxKeys !== undefined && (!Number.isInteger(r.maxKeys) || r.maxKeys < 1 || r.maxKeys > listPageEntriesMax)) {
      return Effect.fail(refused("ListObjects", `maxKeys must be an integer from 1 to ${listPageEntriesMax}`))
    }
    return transport
      .execute({
        operation: "ListObjects",
        method: "GET",
        bucket: r.bucket,
        query: {
          "list-type": "2",
          "encoding-type": "url",
          ...optionalQuery([
            ["prefix", r.prefix],
            ["delimiter", r.delimiter],
            ["continuation-token", r.continuationToken],
            ["max-keys", r.maxKeys]
          ])
        }
      })
      .pipe(Effect.flatMap((a) => Effect.mapError(ListingXml.decodeListObjects(textOf(a)), malformed)))
  },
  deleteObjects: (r) =>
    Effect.gen(function* () {
      if (r.keys.length < 1 || r.keys.length > deleteObjectsKeysMax) {
        return yield* refused("DeleteObjects", `a batch delete takes 1 to ${deleteObjectsKeysMax} keys`)
      }
      const body = encoder.encode(ListingXml.deleteBody(r.keys))
      const md5 = (yield* Hasher).md5()
      md5.update(body)
      const answer = yield* transport.execute({
        operation: "DeleteObjects",
        method: "POST",
        bucket: r.bucket,
        query: { delete: "" },
        headers: { "content-md5": toBase64(md5.digest()), "content-type": "application/xml" },
        body
      })
      // Quiet mode: an empty body is as good as an empty <DeleteResult/>.
      if (answer.body.length === 0) return { failed: [] }
      return yield* Effect.mapError(ListingXml.decodeDeleteResult(textOf(answer)), malformed)
    }),
  listBuckets: transport
    .execute({ operation: "ListBuckets", method: "GET", bucket: "", query: { ...bucketsQuery } })
    .pipe(Effect.flatMap((a) => Effect.mapError(ListingXml.decodeListBuckets(textOf(a)), malformed)))
})
