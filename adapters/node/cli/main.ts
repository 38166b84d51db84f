/**
 * The `resumable-upload` command line: parsing with Effect's CLI module, one handler per command, and the exit
 * code each outcome maps to (see `CliErrors.ts`). Bad arguments print one line and the usage, never a stack.
 *
 * @since 0.1.0
 */

import { resolve } from "node:path"
import { NodeServices } from "@effect/platform-node"
import * as Argument from "effect/cli/Argument"
import * as Command from "effect/cli/Command"
import * as Flag from "effect/cli/Flag"
import * as Effect from "effect/Effect"
import * as Option from "effect/Option"
import * as LocalOssServer from "../server/LocalOssServer.ts"
import * as BucketCommands from "./BucketCommands.ts"
import { ExitCode, type UsageError } from "./CliErrors.ts"
import { env } from "./ConfigFile.ts"
import * as ObjectCommands from "./ObjectCommands.ts"
import { put } from "./PutCommand.ts"
import * as UploadsCommands from "./UploadsCommands.ts"

const home = ".resumable-upload"
const usageHint = "usage: resumable-upload <put|uploads|checkpoints|bucket|serve|stat|get> …  (--help for details)"
// biome-ignore lint/suspicious/noTemplateCurlyInString: OSS callback variables, substituted by the store
const callbackBodyDefault = "bucket=${bucket}&object=${object}&etag=${etag}&size=${size}"
const optional = (flag: Flag.Flag<string>) => flag.pipe(Flag.optional, Flag.map(Option.getOrUndefined))

/** Flags every store-facing command takes. */
const storeFlags = {
  endpoint: optional(
    Flag.String("endpoint").pipe(Flag.withDescription("OSS or S3 endpoint URL (default: the embedded local store)"))
  ),
  region: optional(
    Flag.String("region").pipe(Flag.withDescription("region id, e.g. cn-hangzhou (OSS) or us-east-1 (S3)"))
  ),
  signature: Flag.Literals("signature", ["v1", "v4"]).pipe(
    Flag.optional,
    Flag.map(Option.getOrUndefined),
    Flag.withDescription("OSS signature version (default v4)")
  ),
  addressing: Flag.Literals("addressing", ["path", "virtual-hosted"]).pipe(
    Flag.optional,
    Flag.map(Option.getOrUndefined),
    Flag.withDescription("S3 addressing (default: path for IP and localhost endpoints, else virtual-hosted)")
  ),
  checksum: Flag.Literals("checksum", ["auto", "none", "crc64nvme"]).pipe(
    Flag.optional,
    Flag.map(Option.getOrUndefined),
    Flag.withDescription("S3 additional checksum (default auto: CRC-64/NVME on AWS endpoints only)")
  ),
  dataDir: Flag.String("data-dir").pipe(
    Flag.withDefault(`${home}/data`),
    Flag.withDescription("where the embedded local store keeps its data")
  ),
  config: optional(
    Flag.String("config").pipe(
      Flag.withDescription("JSON config file (endpoint, region, signature, accessKeyId, accessKeySecret)")
    )
  )
}
const json = Flag.Boolean("json").pipe(Flag.withDefault(false), Flag.withDescription("one JSON object per line"))
const checkpointDir = Flag.String("checkpoint-dir").pipe(Flag.withDefault(`${home}/checkpoints`))

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
      Flag.withDescription("parts in flight (and in memory) at once")
    ),
    checkpointDir,
    keepOnCancel: Flag.Boolean("keep-on-cancel").pipe(
      Flag.withDefault(false),
      Flag.withDescription("on SIGTERM keep the upload and checkpoint")
    ),
    onUnresumable: Flag.Literals("on-unresumable", ["restart", "fail"]).pipe(Flag.withDefault("restart" as const)),
    callbackUrl: optional(Flag.String("callback-url").pipe(Flag.withDescription("OSS upload callback URL"))),
    callbackBody: Flag.String("callback-body").pipe(Flag.withDefault(callbackBodyDefault)),
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
    ),
    Command.make(
      "abort",
      { ...storeFlags, target: target("oss://bucket/key or s3://bucket/key"), uploadId: Flag.String("upload-id") },
      (o) => finish(UploadsCommands.abort(o))
    ),
    Command.make(
      "gc",
      {
        ...storeFlags,
        target: target("oss://bucket[/prefix] or s3://bucket[/prefix]"),
        olderThan: Flag.String("older-than").pipe(Flag.withDefault("7d")),
        dryRun: Flag.Boolean("dry-run").pipe(Flag.withDefault(false))
      },
      (o) => finish(UploadsCommands.gc(o))
    )
  ])
)

const bucketCommand = Command.make("bucket").pipe(
  Command.withDescription("buckets on S3-compatible stores"),
  Command.withSubcommands([
    Command.make("create", { ...storeFlags, target: target("s3://bucket") }, (o) => finish(BucketCommands.create(o)))
  ])
)

const checkpointsCommand = Command.make("checkpoints").pipe(
  Command.withSubcommands([
    Command.make("ls", { checkpointDir, json }, (o) => finish(ObjectCommands.listCheckpoints(o)))
  ])
)

const serveCommand = Command.make(
  "serve",
  {
    dataDir: storeFlags.dataDir,
    port: Flag.Int("port").pipe(Flag.withDefault(9900)),
    host: Flag.String("host").pipe(Flag.withDefault("127.0.0.1")),
    region: Flag.String("region").pipe(Flag.withDefault("cn-hangzhou")),
    dialect: Flag.Literals("dialect", ["oss", "s3"]).pipe(
      Flag.withDefault("oss" as const),
      Flag.withDescription(
        "the dialect of unsigned requests; signed ones are answered in the dialect they were signed in"
      )
    )
  },
  (o) =>
    Effect.gen(function* () {
      // One key pair serves both dialects; the OSS names win when both are set.
      const accessKeyId = env("OSS_ACCESS_KEY_ID") ?? env("AWS_ACCESS_KEY_ID")
      const accessKeySecret = env("OSS_ACCESS_KEY_SECRET") ?? env("AWS_SECRET_ACCESS_KEY")
      const credentials = accessKeyId && accessKeySecret ? [{ accessKeyId, accessKeySecret }] : ("anonymous" as const)
      const server = yield* Effect.promise(() =>
        LocalOssServer.start({
          storage: { kind: "directory", path: resolve(o.dataDir) },
          credentials,
          host: o.host,
          port: o.port,
          region: o.region,
          dialect: o.dialect
        })
      )
      process.stdout.write(
        `serving OSS and S3 at ${server.url} (unsigned requests: ${o.dialect.toUpperCase()}; data in ${resolve(o.dataDir)}, ${credentials === "anonymous" ? "anonymous access" : `signed requests for ${accessKeyId}`}); Ctrl-C stops\n`
      )
      yield* Effect.callback<void>((resume) => {
        process.once("SIGINT", () => resume(Effect.void))
        process.once("SIGTERM", () => resume(Effect.void))
      })
      yield* Effect.promise(() => server.close())
    })
).pipe(Command.withDescription("run the local OSS- and S3-compatible server"))

const stat = Command.make("stat", { ...storeFlags, target: target("oss://bucket/key or s3://bucket/key"), json }, (o) =>
  finish(ObjectCommands.stat(o))
)
const get = Command.make(
  "get",
  { ...storeFlags, target: target("oss://bucket/key or s3://bucket/key"), file: Argument.String("file") },
  (o) => finish(ObjectCommands.get(o))
)

const root = Command.make("resumable-upload").pipe(
  Command.withDescription("resumable, verified multipart uploads to Alibaba Cloud OSS and S3-compatible stores"),
  Command.withSubcommands([putCommand, uploadsCommand, checkpointsCommand, bucketCommand, serveCommand, stat, get])
)

const program = Command.runWith(root, { version: "0.1.0" })(process.argv.slice(2)).pipe(
  // The CLI module has already printed the error and the usage; only the exit code is left to set.
  Effect.catch(() =>
    Effect.sync(() => {
      exitCode = ExitCode.usage
    })
  ),
  Effect.provide(NodeServices.layer)
)

Effect.runPromiseExit(program).then((exit) => {
  if (exit._tag === "Failure") {
    process.stderr.write(`unexpected failure: ${String(exit.cause)}\n`)
    process.exit(ExitCode.failed)
  }
  process.exit(exitCode)
})
