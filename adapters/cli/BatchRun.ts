/**
 * `cp -r DIR oss://bucket/prefix/` (and `put -r`): a directory uploaded as one batch. The plan (BatchPlan.ts) is
 * made and checked before anything is sent; then files go `--parallel` at a time through the upload engine (a file
 * of one part is one PutObject, a larger one a resumable multipart upload), every request of every file under one
 * limit (RequestLimit.ts). Multipart files go one at a time, so memory stays about 2 × parallel × part size.
 * Each finished file is journalled (BatchJournal.ts): a rerun after a kill skips them, the file that was in
 * flight resumes from its own checkpoint, and an upload a kill orphaned is aborted (BatchFileUpload.ts). A failed file does not stop the others; the summary lists it, exit code 1.
 *
 * @since 0.2.0
 */

import { statSync } from "node:fs"
import { resolve } from "node:path"
import { defaultPartSizeBytes } from "@resumable-upload/core/Limits"
import { ObjectStore } from "@resumable-upload/core/ports/ObjectStore"
import * as NodeCheckpointStore from "@resumable-upload/node/NodeCheckpointStore"
import * as NodeHasher from "@resumable-upload/node/NodeHasher"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import * as Semaphore from "effect/Semaphore"
import * as BatchFileUpload from "./BatchFileUpload.ts"
import type { BatchFlags } from "./BatchFlags.ts"
import * as BatchJournal from "./BatchJournal.ts"
import * as BatchPlan from "./BatchPlan.ts"
import * as BatchProgress from "./BatchProgress.ts"
import * as BatchSummary from "./BatchSummary.ts"
import { ExitCode, line, UsageError } from "./CliErrors.ts"
import * as FailureReport from "./FailureReport.ts"
import { resolveAttributes } from "./ObjectAttributes.ts"
import type { PutOptions } from "./PutCommand.ts"
import * as RequestLimit from "./RequestLimit.ts"
import { resolveStore } from "./StoreConfig.ts"
import * as Target from "./Target.ts"
import { formatBytes, parseSizeBytes } from "./Units.ts"

/** @category models */
export type BatchOptions = Omit<PutOptions, "file" | "target"> &
  BatchFlags & { readonly source: string; readonly target: string }

const filesText = (n: number) => `${n} file${n === 1 ? "" : "s"}`

/** Runs the batch; resolves to the exit code. @category commands */
export const uploadDirectory = (options: BatchOptions): Effect.Effect<number, UsageError> =>
  Effect.gen(function* () {
    if (!Number.isInteger(options.parallel) || options.parallel < 1 || options.parallel > 64) {
      return yield* new UsageError({ message: `--parallel must be an integer from 1 to 64, got ${options.parallel}` })
    }
    const refused = (["callbackUrl", "generate"] as const).find((name) => options[name] !== undefined)
    if (refused !== undefined) {
      const flag = refused === "callbackUrl" ? "--callback-url" : "--generate"
      return yield* new UsageError({ message: `${flag} applies to one file; it cannot be used with --recursive` })
    }
    // A directory is a set of finished files; a stream (stdin, a file still being written) is one object.
    if (options.follow || options.source === "-") {
      const what = options.follow ? "--follow uploads one growing file" : "- (stdin) is one stream"
      return yield* new UsageError({ message: `${what}; it cannot be used with --recursive` })
    }
    const root = resolve(options.source)
    const isDirectory = (() => {
      try {
        return statSync(root).isDirectory()
      } catch {
        return undefined
      }
    })()
    if (isDirectory === undefined) return yield* new UsageError({ message: `no such directory: ${options.source}` })
    if (!isDirectory) {
      return yield* new UsageError({
        message: `--recursive uploads a directory; ${options.source} is a file (drop -r)`
      })
    }
    const target = yield* Target.parse(options.target)
    const prefix = BatchPlan.keyPrefixOf(target.key)
    const partSizeBytes = options.partSize === undefined ? defaultPartSizeBytes : parseSizeBytes(options.partSize)
    if (partSizeBytes === undefined) {
      return yield* new UsageError({ message: `--part-size: "${options.partSize}" is not a size (try 8MiB)` })
    }
    // The content type is each file's own (its extension), never one guessed from the directory's name.
    const { contentType: _fromDirectoryName, ...attributes } = yield* resolveAttributes(options, target.scheme, root)
    const plan = yield* BatchPlan.plan({
      root,
      prefix,
      include: options.include,
      exclude: options.exclude,
      followSymlinks: options.followSymlinks,
      // `cp -r . oss://b/` must not upload its own journal, or the embedded store into itself.
      skipDirectories: [resolve(options.checkpointDir), resolve(options.dataDir)]
    })
    const notes = BatchSummary.planNotes(plan)
    const where = Target.format({ ...target, key: prefix })
    if (options.dryRun) {
      for (const f of plan.files)
        line(`would upload ${f.path} → ${Target.format({ ...target, key: f.key })} (${formatBytes(f.sizeBytes)})`)
      line(`dry run: ${filesText(plan.files.length)} (${formatBytes(plan.totalBytes)}) to ${where}; nothing was sent`)
      for (const note of notes) line(`  skipped: ${note}`)
      return ExitCode.ok
    }

    const store = yield* resolveStore(options, target.scheme)
    const gauge: RequestLimit.RequestGauge = { inFlight: 0, maxInFlight: 0 }
    const services = yield* Layer.build(
      Layer.mergeAll(
        RequestLimit.layer(options.parallel, gauge).pipe(Layer.provide(store.layer)),
        NodeCheckpointStore.layer(resolve(options.checkpointDir)),
        NodeHasher.layer
      )
    )
    const endpointId = yield* ObjectStore.use((s) => Effect.succeed(s.endpointId)).pipe(Effect.provide(services))
    const journal = BatchJournal.open(
      resolve(options.checkpointDir),
      {
        source: root,
        target: `${target.scheme} ${endpointId} ${target.bucket} ${prefix}`,
        filters: JSON.stringify([options.include, options.exclude, options.followSymlinks])
      },
      new Set(plan.files.map(BatchJournal.fingerprintOf))
    )
    const mode = options.json ? "json" : process.stdout.isTTY ? "tty" : "plain"
    const progress = BatchProgress.make(mode, { files: plan.files.length, bytes: plan.totalBytes })
    const say = (event: string, fields: Record<string, unknown>, text: string) =>
      mode === "json" ? line(JSON.stringify({ event, ...fields })) : progress.say(text)
    say(
      "batch-start",
      {
        source: root,
        target: where,
        files: plan.files.length,
        totalBytes: plan.totalBytes,
        earlier: journal.done.size
      },
      `uploading ${filesText(plan.files.length)} (${formatBytes(plan.totalBytes)}) from ${root} to ${where}\n  via ${store.description}${journal.done.size > 0 ? `\n  resuming the batch: ${filesText(journal.done.size)} done by an earlier run` : ""}`
    )
    progress.flush()

    const tally: BatchFileUpload.Tally = { earlier: 0, uploaded: 0, uploadedBytes: 0, unchanged: [], failures: [] }
    const step: BatchFileUpload.FileStep = {
      bucket: target.bucket,
      partSizeBytes,
      parallel: options.parallel,
      onUnresumable: options.onUnresumable,
      attributes,
      contentTypeFlag: options.contentType,
      skipUnchanged: options.skipUnchanged,
      journal,
      progress,
      multipartGate: yield* Semaphore.make(1),
      say,
      tally
    }
    const uploadOne = (file: BatchPlan.PlannedFile) => BatchFileUpload.uploadFile(step, file)
    yield* Effect.forEach(plan.files, uploadOne, { concurrency: options.parallel, discard: true }).pipe(
      Effect.provide(services)
    )
    progress.end()
    const outcome: BatchSummary.BatchOutcome = {
      target: where,
      ...tally,
      planNotes: notes,
      rerun: FailureReport.commandLine(process.argv.slice(2))
    }
    if (mode === "json")
      line(JSON.stringify({ event: "batch-done", ...outcome, maxRequestsInFlight: gauge.maxInFlight }))
    else for (const text of BatchSummary.render(outcome)) line(text)
    if (tally.failures.length > 0) return ExitCode.failed
    journal.remove()
    return ExitCode.ok
  }).pipe(Effect.scoped)
