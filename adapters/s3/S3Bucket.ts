/**
 * Creating a bucket (`PUT /bucket`), for tests and the CLI: the engine itself never creates buckets.
 *
 * Outside `us-east-1` S3 wants the region as a `LocationConstraint` body; in `us-east-1` it must not be sent.
 * A bucket the caller already owns counts as created: `BucketAlreadyOwnedByYou`, or `BucketAlreadyExists` when a
 * HEAD of the bucket then succeeds (RGW and older S3 regions answer that to the owner too).
 *
 * **Gotchas**: the port's operations are object operations, so errors from here carry operation `PutObject` (the
 * `PUT`) or `HeadObject` (the ownership check), with messages that start with `CreateBucket`.
 *
 * @since 0.1.0
 */

import { ObjectStoreError } from "@resumable-upload/core/ports/ObjectStore"
import { renderXmlDocument } from "@resumable-upload/http/XmlText"
import * as Effect from "effect/Effect"
import type * as HttpClient from "effect/http/HttpClient"
import type { S3StoreConfig } from "./S3ObjectStore.ts"
import { make as makeTransport } from "./S3Transport.ts"
import { s3Namespace } from "./S3XmlComplete.ts"

const encoder = new TextEncoder()

/** The `CreateBucketConfiguration` body naming `region`; none for `us-east-1`. @category encoding */
export const locationBody = (region: string): string | undefined =>
  region === "us-east-1" || region === ""
    ? undefined
    : renderXmlDocument(["CreateBucketConfiguration", [["LocationConstraint", region]]]).replace(
        "<CreateBucketConfiguration>",
        `<CreateBucketConfiguration xmlns="${s3Namespace}">`
      )

const labelled = (e: ObjectStoreError) =>
  new ObjectStoreError({
    ...e,
    message: e.message.startsWith("CreateBucket") ? e.message : `CreateBucket: ${e.message}`
  })

/** @category constructors */
export const createBucket = (
  config: S3StoreConfig,
  bucket: string
): Effect.Effect<void, ObjectStoreError, HttpClient.HttpClient> =>
  Effect.gen(function* () {
    const transport = yield* makeTransport(config)
    const body = locationBody(config.region)
    const created = yield* transport
      .execute({
        operation: "PutObject",
        method: "PUT",
        bucket,
        ...(body === undefined ? {} : { headers: { "content-type": "application/xml" }, body: encoder.encode(body) })
      })
      .pipe(
        Effect.as(true),
        Effect.catchIf(
          (e) => e.code === "BucketAlreadyOwnedByYou",
          () => Effect.succeed(true)
        ),
        Effect.catchIf(
          (e) => e.code === "BucketAlreadyExists",
          () => Effect.succeed(false)
        )
      )
    if (!created) {
      yield* transport.execute({ operation: "HeadObject", method: "HEAD", bucket }).pipe(
        Effect.mapError(
          (e) =>
            new ObjectStoreError({
              ...e,
              code: "BucketAlreadyExists",
              message: `CreateBucket: ${bucket} already exists and is not yours (HEAD answered ${e.status})`
            })
        )
      )
    }
  }).pipe(Effect.mapError(labelled))
