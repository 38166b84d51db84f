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
import * as BucketCommands from "./BucketCommands.ts"
import { ExitCode, ServeError, type UsageError } from "./CliErrors.ts"
import { env } from "./ConfigFile.ts"
import * as ObjectCommands from "./ObjectCommands.ts"
import { put } from "./PutCommand.ts"
import { demoFlags, demoOptionOf } from "./ServeDemo.ts"
import { checkpointDir, json, optional, storeFlags } from "./SharedFlags.ts"
import * as UploadsCommands from "./UploadsCommands.ts"
import { version } from "./version.ts"

const usageHint = "usage: resumable-upload <put|uploads|checkpoints|bucket|serve|stat|get> …  (--help for details)"
// biome-ignore lint/suspicious/noTemplateCurlyInString: OSS callback variables, substituted by the store
const callbackBodyDefault = "bucket=${bucket}&object=${object}&etag=${etag}&size=${size}"
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

const putCommand = Command.make(
  "put",
  {
    ...storeFlags,
    file: Argument.String("file").pipe(Argument.withDescription("the file to upload")),
    target: Argument.String("target").pipe(
      Argument.optional,
      Argument.map(Option.getOrUndefined),
      Argument.withDescription("oss://bucket/key or s3://bucket/key (default oss://uploads/<file name>)")
    ),
    partSize: optional(
      Flag.String("part-size").pipe(
        Flag.withDescription("part size, e.g. 8MiB (default 8 MiB, grown past 10,000 parts)")
      )
    ),
    parallel: Flag.Int("parallel").pipe(
      Flag.withDefault(3),
      Flag.withDescription("parts in flight (and in memory) at once, 1 to 64 (default 3)")
    ),
    checkpointDir,
    keepOnCancel: Flag.Boolean("keep-on-cancel").pipe(
      Flag.withDefault(false),
      Flag.withDescription("on SIGTERM keep the upload and checkpoint (default: abort the upload, delete both)")
    ),
    onUnresumable: Flag.Literals("on-unresumable", ["restart", "fail"]).pipe(
      Flag.withDefault("restart" as const),
      Flag.withDescription("when the checkpoint no longer fits the file or the store: start over (default) or fail")
    ),
    callbackUrl: optional(Flag.String("callback-url").pipe(Flag.withDescription("OSS upload callback URL"))),
    callbackBody: Flag.String("callback-body").pipe(
      Flag.withDefault(callbackBodyDefault),
      Flag.withDescription(`body OSS posts to --callback-url, its variables filled in (default ${callbackBodyDefault})`)
    ),
    json,
    generate: optional(
      Flag.String("generate").pipe(
        Flag.withDescription("create the file with this many random bytes if it is missing, e.g. 256MiB")
      )
    )
  },
  (options) => finish(put(options))
).pipe(Command.withDescription("upload a file resumably; Ctrl-C pauses, running it again resumes"))

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
    ...storeFlags,
    target: target("oss://bucket/key or s3://bucket/key"),
    file: Argument.String("file").pipe(Argument.withDescription("where to write the object"))
  },
  (o) => finish(ObjectCommands.get(o))
).pipe(Command.withDescription("download an object to a file, written only if its size and CRC-64 match the store's"))

const root = Command.make("resumable-upload").pipe(
  Command.withDescription("resumable, verified multipart uploads to Alibaba Cloud OSS and S3-compatible stores"),
  Command.withSubcommands([putCommand, uploadsCommand, checkpointsCommand, bucketCommand, serveCommand, stat, get])
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
