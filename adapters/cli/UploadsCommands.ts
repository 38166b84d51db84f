/**
 * `uploads ls | abort | gc`: find and abort incomplete multipart uploads, the "fragments" that cost storage until
 * someone removes them. `gc --older-than 7d` aborts every incomplete upload under a prefix initiated before then.
 *
 * @since 0.1.0
 */

import { type ListedUpload, ObjectStore } from "@resumable-upload/core/ports/ObjectStore"
import * as Clock from "effect/Clock"
import * as Effect from "effect/Effect"
import { ExitCode, line, storeCommand, UsageError } from "./CliErrors.ts"
import { resolveStore, type StoreFlags } from "./StoreConfig.ts"
import * as Target from "./Target.ts"
import { parseDurationMs } from "./Units.ts"

/** Every upload page by page; bounded, since a bucket can hold millions of uploads. */
const pagesMax = 1000

const listAll = (bucket: string, prefix: string) =>
  Effect.gen(function* () {
    const store = yield* ObjectStore
    const all: Array<ListedUpload> = []
    let markers: { keyMarker?: string; uploadIdMarker?: string } = {}
    for (let page = 0; page < pagesMax; page++) {
      const result = yield* store.listUploads({ bucket, ...(prefix === "" ? {} : { prefix }), ...markers })
      all.push(...result.uploads)
      if (!result.isTruncated || result.nextKeyMarker === undefined) break
      markers = {
        keyMarker: result.nextKeyMarker,
        ...(result.nextUploadIdMarker === undefined ? {} : { uploadIdMarker: result.nextUploadIdMarker })
      }
    }
    return all
  })

/** @category commands */
export const list = (options: StoreFlags & { readonly target: string; readonly json: boolean }) =>
  Effect.gen(function* () {
    const target = yield* Target.parse(options.target)
    const store = yield* resolveStore(options, target.scheme)
    const uploads = yield* listAll(target.bucket, target.key).pipe(Effect.provide(store.layer))
    for (const u of uploads) {
      line(options.json ? JSON.stringify(u) : `${new Date(u.initiatedAtMs).toISOString()}  ${u.uploadId}  ${u.key}`)
    }
    if (!options.json)
      line(`${uploads.length} incomplete upload${uploads.length === 1 ? "" : "s"} in ${Target.format(target)}`)
    return ExitCode.ok
  }).pipe(storeCommand)

/** @category commands */
export const abort = (options: StoreFlags & { readonly target: string; readonly uploadId: string }) =>
  Effect.gen(function* () {
    const target = yield* Target.parseObject(options.target)
    const store = yield* resolveStore(options, target.scheme)
    yield* ObjectStore.use((s) => s.abort({ bucket: target.bucket, key: target.key, uploadId: options.uploadId })).pipe(
      Effect.provide(store.layer)
    )
    line(`aborted ${options.uploadId} (${Target.format(target)})`)
    return ExitCode.ok
  }).pipe(storeCommand)

/** @category commands */
export const gc = (
  options: StoreFlags & { readonly target: string; readonly olderThan: string; readonly dryRun: boolean }
) =>
  Effect.gen(function* () {
    const target = yield* Target.parse(options.target)
    const ageMs = parseDurationMs(options.olderThan)
    if (ageMs === undefined)
      return yield* new UsageError({ message: `--older-than: "${options.olderThan}" is not a duration (try 7d)` })
    const store = yield* resolveStore(options, target.scheme)
    const nowMs = yield* Clock.currentTimeMillis
    return yield* Effect.gen(function* () {
      const stale = (yield* listAll(target.bucket, target.key)).filter((u) => nowMs - u.initiatedAtMs > ageMs)
      const s = yield* ObjectStore
      for (const u of stale) {
        if (!options.dryRun) yield* s.abort({ bucket: target.bucket, key: u.key, uploadId: u.uploadId })
        line(
          `${options.dryRun ? "would abort" : "aborted"} ${u.uploadId}  ${u.key}  (initiated ${new Date(u.initiatedAtMs).toISOString()})`
        )
      }
      line(
        `${stale.length} upload${stale.length === 1 ? "" : "s"} older than ${options.olderThan} ${options.dryRun ? "found" : "aborted"}`
      )
      return ExitCode.ok
    }).pipe(Effect.provide(store.layer))
  }).pipe(storeCommand)
