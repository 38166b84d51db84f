/**
 * `resumable-upload put <file> [oss://bucket/key]`: a resumable upload from the terminal.
 *
 * Ctrl-C pauses (parts and checkpoint stay) and prints how to resume; a second Ctrl-C exits at once. SIGTERM
 * cancels: the upload is aborted and its checkpoint deleted, unless `--keep-on-cancel`. Running the same command
 * again resumes.
 *
 * @since 0.1.0
 */

import { randomBytes } from "node:crypto"
import { closeSync, existsSync, mkdirSync, openSync, writeSync } from "node:fs"
import { dirname, resolve } from "node:path"
import type { UploadOutcome } from "@resumable-upload/core/Driver"
import { startUpload } from "@resumable-upload/core/ResumableUpload"
import * as NodeCheckpointStore from "@resumable-upload/node/NodeCheckpointStore"
import * as NodeHasher from "@resumable-upload/node/NodeHasher"
import * as NodeWorkerHasher from "@resumable-upload/node/NodeWorkerHasher"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import { ExitCode, UsageError } from "./CliErrors.ts"
import { stdio, uploadTarget } from "./CopyPaths.ts"
import * as FailureReport from "./FailureReport.ts"
import { type AttributeFlags, resolveAttributes } from "./ObjectAttributes.ts"
import * as ProgressView from "./ProgressView.ts"
import { type FollowFlags, sourceFor } from "./PutSource.ts"
import { resolveStore, type StoreFlags } from "./StoreConfig.ts"
import * as Target from "./Target.ts"
import { formatBytes, parseSizeBytes } from "./Units.ts"

/** @category models */
export interface PutOptions extends StoreFlags, AttributeFlags, FollowFlags {
  /** A file, or `-` for standard input. */
  readonly file: string
  readonly target: string | undefined
  readonly partSize: string | undefined
  readonly parallel: number
  /** Worker threads hashing parts; 0 hashes on the main thread; default NodeWorkerHasher.poolSizeFor(parallel). */
  readonly hashWorkers: number | undefined
  readonly checkpointDir: string
  readonly keepOnCancel: boolean
  readonly onUnresumable: "restart" | "fail"
  readonly callbackUrl: string | undefined
  readonly callbackBody: string
  readonly json: boolean
  /** Create `file` with this many random bytes first, if it does not exist. */
  readonly generate: string | undefined
}

const doubleSignalWindowMs = 300

/** Writes random bytes in 8 MiB slices, so generating a large file needs little memory. */
const generateFile = (path: string, sizeBytes: number) => {
  mkdirSync(dirname(path), { recursive: true })
  const fd = openSync(path, "wx")
  try {
    for (let written = 0; written < sizeBytes; ) {
      const chunk = randomBytes(Math.min(8 * 1024 * 1024, sizeBytes - written))
      writeSync(fd, chunk)
      written += chunk.length
    }
  } finally {
    closeSync(fd)
  }
}

const sizeOption = (name: string, text: string | undefined) =>
  text === undefined
    ? Effect.undefined
    : Effect.fromNullishOr(parseSizeBytes(text)).pipe(
        Effect.mapError(() => new UsageError({ message: `--${name}: "${text}" is not a size (try 8MiB)` }))
      )

/** Runs `put`; resolves to the exit code. @category commands */
export const put = (options: PutOptions): Effect.Effect<number, UsageError> =>
  Effect.gen(function* () {
    // Checked before anything starts (the embedded store, the file), so a typo costs nothing.
    if (!Number.isInteger(options.parallel) || options.parallel < 1 || options.parallel > 64) {
      return yield* new UsageError({ message: `--parallel must be an integer from 1 to 64, got ${options.parallel}` })
    }
    const hashWorkers = options.hashWorkers ?? NodeWorkerHasher.poolSizeFor(options.parallel)
    if (!Number.isInteger(hashWorkers) || hashWorkers < 0 || hashWorkers > NodeWorkerHasher.workersMax) {
      return yield* new UsageError({ message: `--hash-workers must be an integer from 0 to 8, got ${hashWorkers}` })
    }
    const path = options.file === stdio ? stdio : resolve(options.file)
    const generateBytes = yield* sizeOption("generate", options.generate)
    const partSizeBytes = yield* sizeOption("part-size", options.partSize)
    if (generateBytes !== undefined && !existsSync(path)) generateFile(path, generateBytes)
    const input = yield* sourceFor(options.file, path, options)
    // A target ending in `/` (or naming only a bucket) gets the file's name, as aws CLI and ossutil do.
    const target = yield* uploadTarget(options.target ?? "oss://uploads/", path)
    const attributes = yield* resolveAttributes(options, target.scheme, path)
    if (target.scheme === "s3" && options.callbackUrl !== undefined) {
      return yield* new UsageError({ message: "--callback-url is an OSS feature; S3 has no upload callback" })
    }
    const view = ProgressView.make(options.json ? "json" : process.stdout.isTTY ? "tty" : "plain")
    const store = yield* resolveStore(options, target.scheme)
    const source = input.source
    if (input._tag === "File") {
      view.event(
        "start",
        { file: path, target: Target.format(target), sizeBytes: input.source.sizeBytes, store: store.description },
        `uploading ${path} (${formatBytes(input.source.sizeBytes)}) to ${Target.format(target)}\n  via ${store.description}`
      )
    } else {
      view.event(
        "start",
        { file: path, target: Target.format(target), stream: true, store: store.description },
        `uploading ${input.description} (size not known yet; parts grow as it goes on) to ${Target.format(target)}\n  via ${store.description}`
      )
    }
    const layer = Layer.mergeAll(
      store.layer,
      NodeCheckpointStore.layer(resolve(options.checkpointDir)),
      hashWorkers === 0 ? NodeHasher.layer : NodeWorkerHasher.layer({ workers: hashWorkers })
    )
    // Built in this command's scope, not startUpload's: the upload runs on after it returns, and the hash workers
    // must live as long as the upload does.
    const services = yield* Layer.build(layer)
    const handle = yield* startUpload({
      bucket: target.bucket,
      key: target.key,
      source,
      ...(partSizeBytes === undefined ? {} : { partSizeBytes }),
      parallelism: options.parallel,
      deleteUploadIdOnCancelling: !options.keepOnCancel,
      onUnresumable: options.onUnresumable,
      ...attributes,
      ...(options.callbackUrl === undefined
        ? {}
        : { callback: { url: options.callbackUrl, body: options.callbackBody } }),
      onProgress: view.progress,
      onNotice: view.notice
    }).pipe(Effect.provide(services))
    // One Ctrl-C can arrive twice (the terminal signals the process group, and a wrapper such as tsx forwards it
    // again), so a second one counts only after a moment.
    let firstInterruptMs: number | undefined
    const onSigint = () => {
      const now = Date.now()
      if (firstInterruptMs !== undefined) {
        if (now - firstInterruptMs > doubleSignalWindowMs) process.exit(ExitCode.interrupted)
        return
      }
      firstInterruptMs = now
      view.event(
        "pausing",
        {},
        "\npausing: stopping the parts in flight; sent parts and the checkpoint are kept (Ctrl-C again to quit now)"
      )
      Effect.runFork(handle.pause)
    }
    const onSigterm = () => void Effect.runFork(handle.cancel)
    process.on("SIGINT", onSigint)
    process.on("SIGTERM", onSigterm)
    const exit = yield* Effect.exit(handle.outcome)
    process.off("SIGINT", onSigint)
    process.off("SIGTERM", onSigterm)
    view.stop()
    if (exit._tag === "Success") return report(view, exit.value, target, process.argv)
    const error = exit.cause.reasons.find((r) => r._tag === "Fail")
    if (error?._tag !== "Fail") return yield* Effect.die(exit.cause)
    const e = error.error
    const resumable = e._tag === "UploadFailed" && e.resumable
    const failure = FailureReport.reportOf(e, process.argv.slice(2), resolve(options.checkpointDir))
    // Failures go to stderr for people; with --json they stay one JSON event on stdout like everything else.
    if (options.json) {
      const detail = failure === undefined ? {} : { kept: failure.kept, command: failure.command }
      view.event("failed", { error: e._tag, message: e.message, resumable, ...detail }, "")
    } else
      process.stderr.write(
        `${failure === undefined ? `upload failed: ${e.message}` : FailureReport.renderReport(failure)}\n`
      )
    if (e._tag === "CannotResumeUpload") return ExitCode.cannotResume
    if (e._tag === "CheckpointLocked") return ExitCode.locked
    if (e._tag === "InvalidUploadRequest") return ExitCode.usage
    return ExitCode.failed
  }).pipe(Effect.scoped)

const report = (
  view: ProgressView.ProgressView,
  outcome: UploadOutcome,
  target: Target.Target,
  argv: ReadonlyArray<string>
): number => {
  switch (outcome._tag) {
    case "Completed":
      view.event(
        "completed",
        { ...outcome },
        [
          `stored ${Target.format(target)}: ${formatBytes(outcome.sizeBytes)} (${outcome.sizeBytes} bytes) in ${outcome.partCount} part${outcome.partCount === 1 ? "" : "s"}`,
          `  etag   ${outcome.etag}`,
          target.scheme === "oss"
            ? `  crc64  ${outcome.crc64} (x-oss-hash-crc64ecma, verified against the bytes read)`
            : `  (the ETag was checked against the parts' MD5s; S3 stores verify no CRC-64, so none was computed)`,
          ...(outcome.callback === undefined
            ? []
            : [`  callback ${outcome.callback.ok ? "ok" : "FAILED"}: ${outcome.callback.body}`])
        ].join("\n")
      )
      return ExitCode.ok
    case "Paused":
      view.event(
        "paused",
        { ...outcome },
        `paused with ${formatBytes(outcome.committedBytes)} committed; run the same command again to resume:\n  ${FailureReport.commandLine(argv.slice(2))}`
      )
      return ExitCode.paused
    case "Cancelled":
      view.event("cancelled", { ...outcome }, "cancelled: the upload was aborted and its checkpoint removed")
      return ExitCode.ok
  }
}
