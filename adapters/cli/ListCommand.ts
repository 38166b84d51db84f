/**
 * `ls`, as aws CLI prints it: `ls oss://` (or `s3://`) lists the buckets; `ls oss://bucket/prefix` lists what is
 * under the prefix one level deep, the deeper keys folded into `PRE dir/` lines; `--recursive` lists every key.
 * Pages are printed as they arrive, so a bucket of millions of keys lists in constant memory. Times are UTC.
 *
 * @since 0.2.0
 */

import type { ListedObject } from "@resumable-upload/core/ports/ObjectListing"
import { ObjectStore } from "@resumable-upload/core/ports/ObjectStore"
import * as Effect from "effect/Effect"
import { ExitCode, line, storeCommand, UsageError } from "./CliErrors.ts"
import { resolveStore, type StoreFlags } from "./StoreConfig.ts"
import * as Target from "./Target.ts"

/** @category models */
export interface ListOptions extends StoreFlags {
  readonly target: string
  readonly recursive: boolean
  readonly json: boolean
}

/** `2024-05-01 09:30:00`, UTC. @category formatters */
export const formatTime = (ms: number): string => new Date(ms).toISOString().slice(0, 19).replace("T", " ")

/** One object line: time, size right-aligned in 10 columns, name (as aws CLI lays it out). @category formatters */
export const objectLine = (object: ListedObject, name: string): string =>
  `${formatTime(object.modifiedAtMs)} ${String(object.sizeBytes).padStart(10)} ${name}`

/** One common-prefix line: `PRE` right-aligned in 30 columns, then the prefix's last level. @category formatters */
export const prefixLine = (name: string): string => `${"PRE".padStart(30)} ${name}`

const missing = (what: string) =>
  new UsageError({ message: `this store cannot list ${what} (its adapter has no ${what} listing)` })

const listBuckets = (options: ListOptions, scheme: Target.Scheme) =>
  Effect.gen(function* () {
    const store = yield* resolveStore(options, scheme)
    return yield* Effect.gen(function* () {
      const s = yield* ObjectStore
      if (s.listBuckets === undefined) return yield* missing("buckets")
      const page = yield* s.listBuckets
      for (const bucket of page.buckets) {
        const at = bucket.createdAtMs
        line(
          options.json
            ? JSON.stringify({
                bucket: bucket.name,
                ...(at === undefined ? {} : { createdAt: new Date(at).toISOString() })
              })
            : `${at === undefined ? " ".repeat(19) : formatTime(at)} ${bucket.name}`
        )
      }
      if (page.isTruncated) process.stderr.write("more buckets exist than one listing returns; only these are shown\n")
      return ExitCode.ok
    }).pipe(Effect.provide(store.layer))
  })

/** @category commands */
export const list = (options: ListOptions) =>
  Effect.gen(function* () {
    const service = /^(oss|s3):\/\/$/.exec(options.target)
    if (service?.[1] !== undefined) return yield* listBuckets(options, service[1] as Target.Scheme)
    const target = yield* Target.parse(options.target)
    const store = yield* resolveStore(options, target.scheme)
    return yield* Effect.gen(function* () {
      const s = yield* ObjectStore
      if (s.listObjects === undefined) return yield* missing("objects")
      // Names print relative to the prefix's last `/`, as aws CLI does: `ls s3://b/dir/` shows `a.txt`, not `dir/a.txt`.
      const base = options.recursive ? "" : target.key.slice(0, target.key.lastIndexOf("/") + 1)
      let token: string | undefined
      do {
        const page = yield* s.listObjects({
          bucket: target.bucket,
          ...(target.key === "" ? {} : { prefix: target.key }),
          ...(options.recursive ? {} : { delimiter: "/" }),
          ...(token === undefined ? {} : { continuationToken: token })
        })
        for (const prefix of page.commonPrefixes)
          line(options.json ? JSON.stringify({ prefix }) : prefixLine(prefix.slice(base.length)))
        for (const o of page.objects) {
          line(
            options.json
              ? JSON.stringify({
                  key: o.key,
                  sizeBytes: o.sizeBytes,
                  etag: o.etag,
                  modifiedAt: new Date(o.modifiedAtMs).toISOString()
                })
              : objectLine(o, o.key.slice(base.length))
          )
        }
        token = page.isTruncated ? page.nextContinuationToken : undefined
      } while (token !== undefined)
      return ExitCode.ok
    }).pipe(Effect.provide(store.layer))
  }).pipe(storeCommand)
