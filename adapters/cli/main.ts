/**
 * The `resumable-upload` command line: parsing with Effect's CLI module, one handler per command, and the exit
 * code each outcome maps to (see `CliErrors.ts`). Bad arguments print one line and the usage, never a stack.
 *
 * @since 0.1.0
 */

import { resolve } from "node:path"
import { NodeServices } from "@effect/platform-node"
import * as LocalOssServer from "@resumable-upload/server/LocalOssServer"
import * as Argument from "effect/cli/Argument"
import * as Command from "effect/cli/Command"
import * as Flag from "effect/cli/Flag"
import * as Effect from "effect/Effect"
import * as Option from "effect/Option"
import { type BatchFlags, batchFlags } from "./BatchFlags.ts"
import { uploadDirectory } from "./BatchRun.ts"
import * as BucketCommands from "./BucketCommands.ts"
import { ExitCode, ServeError, UsageError } from "./CliErrors.ts"
import { env } from "./ConfigFile.ts"
import * as CopyCommand from "./CopyCommand.ts"
import { planCopy } from "./CopyPaths.ts"
import * as ListCommand from "./ListCommand.ts"
import * as ObjectCommands from "./ObjectCommands.ts"
import { put } from "./PutCommand.ts"
import * as RemoveCommand from "./RemoveCommand.ts"
import { demoFlags, demoOptionOf } from "./ServeDemo.ts"
import { checkpointDir, json, optional, storeFlags } from "./SharedFlags.ts"
import { transferFlags } from "./TransferFlags.ts"
import * as UploadsCommands from "./UploadsCommands.ts"
import { version } from "./version.ts"

const usageHint =
  "usage: resumable-upload <cp|put|get|ls|rm|stat|uploads|checkpoints|bucket|serve> …  (--help for details)"
let exitCode: number = ExitCode.ok
const finish = (effect: Effect.Effect<number, UsageError>) =>
  effect.pipe(
    Effect.catchTag("UsageError", (e) =>
      Effect.sync(() => {
        process.stderr.write(`error: ${e.message}\n${usageHint}\n`)
        return ExitCode.usage
      })
    ),
    Effect.flatMap((code) =>
      Effect.sync(() => {
        exitCode = code
      })
    )
  )

/** The batch flags other than -r mean nothing for one file: say so rather than ignore them. */
const batchOnly = (o: BatchFlags): Effect.Effect<void, UsageError> => {
  const given = (["include", "exclude", "dryRun", "skipUnchanged", "followSymlinks"] as const).find((name) =>
    Array.isArray(o[name]) ? (o[name] as ReadonlyArray<string>).length > 0 : o[name] === true
  )
  if (o.recursive || given === undefined) return Effect.void
  const flag = given.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`)
  return Effect.fail(new UsageError({ message: `--${flag} applies to directory uploads; add -r/--recursive` }))
}

const remoteText = "oss://bucket/key or s3://bucket/key; one ending in / (or a bare bucket) takes the file's name"
const putCommand = Command.make(
  "put",
  {
    ...transferFlags,
    ...batchFlags,
    file: Argument.String("file").pipe(
      Argument.withDescription(
        "the file to upload (with -r, the directory), or - to read standard input to its end (a stream of unknown size)"
      )
    ),
    target: Argument.String("target").pipe(
      Argument.optional,
      Argument.map(Option.getOrUndefined),
      Argument.withDescription(`${remoteText} (default oss://uploads/<file name>)`)
    )
  },
  (options) =>
    finish(
      batchOnly(options).pipe(
        Effect.andThen(
          options.recursive
            ? uploadDirectory({ ...options, source: options.file, target: options.target ?? "oss://uploads/" })
            : put(options)
        )
      )
    )
).pipe(
  Command.withDescription(
    "upload a file resumably (the same as cp FILE TARGET), or with -r a directory; Ctrl-C pauses, running it again resumes"
  )
)

const cpCommand = Command.make(
  "cp",
  {
    ...transferFlags,
    ...batchFlags,
    source: Argument.String("source").pipe(
      Argument.withDescription(
        "a local file to upload (with -r, a directory; - for stdin; with --follow, a file still being written), or oss://bucket/key / s3://bucket/key to download"
      )
    ),
    destination: Argument.String("destination").pipe(
      Argument.withDescription(
        `where it goes: ${remoteText}; or a local file, a directory (the key's last segment names the file), or - for stdout`
      )
    )
  },
  (options) =>
    finish(
      batchOnly(options).pipe(
        Effect.andThen(
          options.recursive
            ? Effect.flatMap(planCopy(options.source, options.destination), (plan) =>
                plan._tag === "Upload"
                  ? uploadDirectory({ ...options, source: plan.file, target: plan.target })
                  : Effect.fail(
                      new UsageError({
                        message: "--recursive uploads a directory; downloading a prefix is not supported"
                      })
                    )
              )
            : CopyCommand.copy(options)
        )
      )
    )
).pipe(
  Command.withDescription(
    "copy a file to a store (a resumable upload; Ctrl-C pauses, running it again resumes), a directory with -r, or an object to a file or stdout"
  )
)

const target = (description: string) => Argument.String("target").pipe(Argument.withDescription(description))

const uploadsCommand = Command.make("uploads").pipe(
  Command.withDescription("incomplete multipart uploads"),
  Command.withSubcommands([
    Command.make("ls", { ...storeFlags, target: target("oss://bucket[/prefix] or s3://bucket[/prefix]"), json }, (o) =>
      finish(UploadsCommands.list(o))
    ).pipe(Command.withDescription("list the incomplete multipart uploads in a bucket, or under a key prefix")),
    Command.make(
      "abort",
      {
        ...storeFlags,
        target: target("oss://bucket/key or s3://bucket/key"),
        uploadId: Flag.String("upload-id").pipe(Flag.withDescription("the upload to abort, as `uploads ls` shows it"))
      },
      (o) => finish(UploadsCommands.abort(o))
    ).pipe(Command.withDescription("abort one incomplete multipart upload, freeing the storage its parts hold")),
    Command.make(
      "gc",
      {
        ...storeFlags,
        target: target("oss://bucket[/prefix] or s3://bucket[/prefix]"),
        olderThan: Flag.String("older-than").pipe(
          Flag.withDefault("7d"),
          Flag.withDescription(
            "abort uploads initiated longer ago than this, e.g. 36h (units ms, s, m, h, d; default 7d)"
          )
        ),
        dryRun: Flag.Boolean("dry-run").pipe(
          Flag.withDefault(false),
          Flag.withDescription("only list the uploads that would be aborted")
        )
      },
      (o) => finish(UploadsCommands.gc(o))
    ).pipe(Command.withDescription("abort every incomplete multipart upload under a prefix older than --older-than"))
  ])
)

const bucketCommand = Command.make("bucket").pipe(
  Command.withDescription("buckets on S3-compatible stores"),
  Command.withSubcommands([
    Command.make("create", { ...storeFlags, target: target("s3://bucket") }, (o) =>
      finish(BucketCommands.create(o))
    ).pipe(Command.withDescription("create an S3 bucket (one you already own counts as created)"))
  ])
)

const checkpointsCommand = Command.make("checkpoints").pipe(
  Command.withDescription("the local checkpoints of paused or interrupted uploads"),
  Command.withSubcommands([
    Command.make("ls", { checkpointDir, json }, (o) => finish(ObjectCommands.listCheckpoints(o))).pipe(
      Command.withDescription("list the checkpoints, each an upload a later put resumes")
    )
  ])
)

const serveCommand = Command.make(
  "serve",
  {
    dataDir: storeFlags.dataDir,
    port: Flag.Int("port").pipe(Flag.withDefault(9900), Flag.withDescription("port to listen on (default 9900)")),
    host: Flag.String("host").pipe(
      Flag.withDefault("127.0.0.1"),
      Flag.withDescription("address to listen on (default 127.0.0.1)")
    ),
    region: Flag.String("region").pipe(
      Flag.withDefault("cn-hangzhou"),
      Flag.withDescription("region in the OSS V4 signing scope (default cn-hangzhou); S3 accepts any region")
    ),
    dialect: Flag.Literals("dialect", ["oss", "s3"]).pipe(
      Flag.withDefault("oss" as const),
      Flag.withDescription(
        "the dialect of unsigned requests (default oss); signed ones are answered in the dialect they were signed in"
      )
    ),
    ...demoFlags
  },
  (o) =>
    Effect.gen(function* () {
      // One key pair serves both dialects; the OSS names win when both are set.
      const accessKeyId = env("OSS_ACCESS_KEY_ID") ?? env("AWS_ACCESS_KEY_ID")
      const accessKeySecret = env("OSS_ACCESS_KEY_SECRET") ?? env("AWS_SECRET_ACCESS_KEY")
      if ((accessKeyId === undefined) !== (accessKeySecret === undefined)) {
        return yield* new ServeError({
          message:
            "only one of the key id and the secret is set: set both OSS_ACCESS_KEY_ID and OSS_ACCESS_KEY_SECRET (or the AWS_ pair), or neither for anonymous access"
        })
      }
      const credentials =
        accessKeyId !== undefined && accessKeySecret !== undefined
          ? [{ accessKeyId, accessKeySecret }]
          : ("anonymous" as const)
      const demo = demoOptionOf(o)
      if (typeof demo === "string") return yield* new ServeError({ message: demo })
      const server = yield* Effect.tryPromise({
        try: () =>
          LocalOssServer.start({
            storage: { kind: "directory", path: resolve(o.dataDir) },
            credentials,
            host: o.host,
            port: o.port,
            region: o.region,
            dialect: o.dialect,
            ...(demo === undefined ? {} : { demo })
          }),
        // A start error names its fix; anything else is a defect, reported as one.
        catch: (cause) => {
          if (cause instanceof LocalOssServer.ServerStartError) return new ServeError({ message: cause.message })
          throw cause
        }
      })
      process.stdout.write(
        `serving OSS and S3 at ${server.url} (unsigned requests: ${o.dialect.toUpperCase()}; data in ${resolve(o.dataDir)}, ${credentials === "anonymous" ? "anonymous access" : `signed requests for ${accessKeyId}`}); Ctrl-C stops\n${demo === undefined ? "" : `demo page: ${server.url}/_demo/ (signing endpoints /_sign/s3, /_sign/oss)\n`}`
      )
      yield* Effect.callback<void>((resume) => {
        process.once("SIGINT", () => resume(Effect.void))
        process.once("SIGTERM", () => resume(Effect.void))
      })
      yield* Effect.promise(() => server.close())
    }).pipe(
      // One line, no usage: the arguments parsed, it is the machine's state (or the keys) that needs fixing.
      Effect.catchTag("ServeError", (e) =>
        Effect.sync(() => {
          process.stderr.write(`error: ${e.message}\n`)
          exitCode = ExitCode.usage
        })
      )
    )
).pipe(Command.withDescription("run the local OSS- and S3-compatible server"))

const stat = Command.make("stat", { ...storeFlags, target: target("oss://bucket/key or s3://bucket/key"), json }, (o) =>
  finish(ObjectCommands.stat(o))
).pipe(Command.withDescription("show an object's size, ETag and CRC-64"))
const get = Command.make(
  "get",
  {
    ...transferFlags,
    target: target("oss://bucket/key or s3://bucket/key"),
    file: Argument.String("file").pipe(
      Argument.withDescription("where to write the object: a file, a directory (named after the key), or - for stdout")
    )
  },
  (o) => finish(CopyCommand.get(o))
).pipe(
  Command.withDescription(
    "download an object (the same as cp TARGET FILE), in 8 MiB ranges; a file is written only if size and CRC-64 match"
  )
)

const recursive = Flag.Boolean("recursive").pipe(
  Flag.withAlias("r"),
  Flag.withDefault(false),
  Flag.withDescription("every key under the prefix, at any depth (default: one level, deeper keys shown as PRE dir/)")
)
const ls = Command.make(
  "ls",
  {
    ...storeFlags,
    target: target("oss:// or s3:// for the buckets; oss://bucket[/prefix] or s3://bucket[/prefix] for objects"),
    recursive,
    json
  },
  (o) => finish(ListCommand.list(o))
).pipe(Command.withDescription("list buckets, or the objects and common prefixes under a prefix (as aws s3 ls)"))

const rm = Command.make(
  "rm",
  {
    ...storeFlags,
    target: target("oss://bucket/key or s3://bucket/key; with --recursive, oss://bucket[/prefix]"),
    recursive: Flag.Boolean("recursive").pipe(
      Flag.withAlias("r"),
      Flag.withDefault(false),
      Flag.withDescription("delete every key under the prefix, in batches of up to 1000 (default: the one key)")
    ),
    dryRun: Flag.Boolean("dry-run").pipe(
      Flag.withDefault(false),
      Flag.withDescription("print what would be deleted and delete nothing")
    )
  },
  (o) => finish(RemoveCommand.remove(o))
).pipe(Command.withDescription("delete an object, or with --recursive every object under a prefix"))

const root = Command.make("resumable-upload").pipe(
  Command.withDescription("resumable, verified multipart uploads to Alibaba Cloud OSS and S3-compatible stores"),
  Command.withSubcommands([
    cpCommand,
    putCommand,
    get,
    ls,
    rm,
    stat,
    uploadsCommand,
    checkpointsCommand,
    bucketCommand,
    serveCommand
  ])
)

/**
 * Parses and runs one command line (`argv` without the node and script paths) and resolves with the exit code the
 * process should end with. A failure the CLI did not map to a code is printed and gives `ExitCode.failed`.
 */
export const run = async (argv: ReadonlyArray<string>): Promise<number> => {
  exitCode = ExitCode.ok
  const program = Command.runWith(root, { version })(argv).pipe(
    // The CLI module has already printed the error and the usage; only the exit code is left to set.
    Effect.catch(() =>
      Effect.sync(() => {
        exitCode = ExitCode.usage
      })
    ),
    Effect.provide(NodeServices.layer)
  )
  const exit = await Effect.runPromiseExit(program)
  if (exit._tag === "Failure") {
    process.stderr.write(`unexpected failure: ${String(exit.cause)}\n`)
    return ExitCode.failed
  }
  return exitCode
}
