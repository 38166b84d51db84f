/**
 * The bucket API of both dialects: ListBuckets (service level), GetBucketLocation, CreateBucket, HeadBucket and
 * DeleteBucket.
 *
 * A bucket exists when it was created (BucketRegistry.ts) or while it holds an object or a multipart upload: a
 * write to any bucket name brings that bucket into being, as this server always did, so tests and tools need no
 * setup step. GET and HEAD of a bucket that is neither answer NoSuchBucket, as a real store does.
 *
 * @since 0.1.0
 */
import { type ListedBucket, listBucketsXml, locationXml } from "./bucketXml.ts"
import type { RequestContext } from "./requestContext.ts"
import { sendEmpty, sendError, sendXml } from "./responses.ts"
import * as ServerErrors from "./serverErrors.ts"

/** Whether the bucket holds an object or an upload (a bucket in use, created or not). */
const inUse = (ctx: RequestContext, bucket: string): boolean => ctx.store.bucketNames().includes(bucket)

/** @category utils */
export const bucketExists = (ctx: RequestContext, bucket: string): boolean =>
  ctx.buckets.has(bucket) || inUse(ctx, bucket)

/** A bucket that was never created dates from its oldest object (or from now, when it holds only uploads). */
const firstUse = (ctx: RequestContext, bucket: string): number =>
  ctx.store.objectEntries(bucket).reduce((oldest, entry) => Math.min(oldest, entry.modifiedAtMs), ctx.ex.nowMs)

/** Created buckets and buckets in use, by name (bucket names are ASCII, so plain order is code-point order). */
const allBuckets = (ctx: RequestContext): ReadonlyArray<ListedBucket> => {
  const names = new Set([...ctx.buckets.names(), ...ctx.store.bucketNames()])
  return [...names].sort().map((name) => ({ name, createdAtMs: ctx.buckets.createdAt(name) ?? firstUse(ctx, name) }))
}

/** @category handlers */
export const listBuckets = (ctx: RequestContext) => {
  const host = ctx.ex.req.headers.host ?? ctx.options.host
  sendXml(ctx.ex, 200, listBucketsXml(ctx.ex.dialect, allBuckets(ctx), ctx.options.region, host))
}

/** Answered for any bucket name, created or not, so a client that asks before its first write can go on. @category handlers */
export const bucketLocation = (ctx: RequestContext) =>
  sendXml(ctx.ex, 200, locationXml(ctx.ex.dialect, ctx.options.region))

/**
 * Idempotent: creating a bucket that exists answers 200 again (S3 in us-east-1 does; OSS itself would answer 409
 * BucketAlreadyExists, but this server's tests and tools create their bucket freely). The configuration body
 * (LocationConstraint, ACL headers) is ignored. @category handlers
 */
export const createBucket = async (ctx: RequestContext): Promise<void> => {
  await ctx.buckets.create(ctx.bucket, ctx.ex.nowMs)
  sendEmpty(ctx.ex, 200, { Location: `/${ctx.bucket}` })
}

/** @category handlers */
export const headBucket = (ctx: RequestContext) => {
  if (!bucketExists(ctx, ctx.bucket)) return sendError(ctx.ex, ServerErrors.noSuchBucket(ctx.bucket))
  sendEmpty(ctx.ex, 200, ctx.ex.dialect === "s3" ? { "x-amz-bucket-region": "us-east-1" } : {})
}

/** @category handlers */
export const deleteBucket = async (ctx: RequestContext): Promise<void> => {
  const { bucket } = ctx
  if (inUse(ctx, bucket)) return sendError(ctx.ex, ServerErrors.bucketNotEmpty(bucket))
  if (!ctx.buckets.has(bucket)) return sendError(ctx.ex, ServerErrors.noSuchBucket(bucket))
  await ctx.buckets.remove(bucket)
  sendEmpty(ctx.ex, 204)
}
