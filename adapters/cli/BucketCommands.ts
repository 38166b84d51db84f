/**
 * `bucket create s3://name`: uploads never create buckets, and S3-compatible stores (Ceph RGW, MinIO) start with
 * none, so the CLI offers the one bucket call a first upload needs. A bucket the caller already owns counts as
 * created, so the command can run before every upload. OSS buckets are made in the console or with ossutil.
 *
 * @since 0.1.0
 */
import * as Effect from "effect/Effect"
import { ExitCode, line, storeCommand, UsageError } from "./CliErrors.ts"
import { resolveStore, type StoreFlags } from "./StoreConfig.ts"
import * as Target from "./Target.ts"

/** @category commands */
export const create = (options: StoreFlags & { readonly target: string }) =>
  Effect.gen(function* () {
    const target = yield* Target.parse(options.target)
    if (target.key !== "")
      return yield* new UsageError({ message: `expected a bucket, got an object: ${options.target}` })
    const store = yield* resolveStore(options, target.scheme)
    if (store.createBucket === undefined) {
      return yield* new UsageError({ message: "bucket create is for s3:// targets; create OSS buckets in the console" })
    }
    yield* store.createBucket(target.bucket)
    line(`bucket ${target.scheme}://${target.bucket} is ready (${store.description})`)
    return ExitCode.ok
  }).pipe(storeCommand)
