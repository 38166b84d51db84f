/**
 * Which store a command talks to. The target's scheme picks the dialect (`oss://` or `s3://`); an endpoint (flag,
 * environment or the config file) picks a remote store, signed with that dialect's usual credential variables.
 * Without an endpoint it is the **embedded default**: the local OSS/S3-compatible server started in this process over
 * a data directory, so everything works on a fresh machine with no account.
 *
 * | | OSS | S3 |
 * |---|---|---|
 * | endpoint | `--endpoint`, `OSS_ENDPOINT` | `--endpoint`, `AWS_ENDPOINT_URL_S3`, `AWS_ENDPOINT_URL` |
 * | region | `--region`, `OSS_REGION` (default `cn-hangzhou`) | `--region`, `AWS_REGION`, `AWS_DEFAULT_REGION` (default `us-east-1`) |
 * | credentials | `OSS_ACCESS_KEY_ID`, `OSS_ACCESS_KEY_SECRET`, `OSS_SESSION_TOKEN` | `AWS_ACCESS_KEY_ID`, `AWS_SECRET_ACCESS_KEY`, `AWS_SESSION_TOKEN` |
 * | shared files | `~/.ossutilconfig` | `~/.aws/credentials`, `~/.aws/config` (`--profile`, `AWS_PROFILE`) |
 *
 * Each setting is taken from the first that has it: flags, environment variables, the `--config` file, the shared
 * files of aws CLI and ossutil (SharedConfig.ts), the defaults.
 *
 * @since 0.1.0
 */

import * as Effect from "effect/Effect"
import type * as Scope from "effect/Scope"
import { UsageError } from "./CliErrors.ts"
import { env, readConfig } from "./ConfigFile.ts"
import { embeddedStore } from "./EmbeddedStore.ts"
import { ossRemote, s3Remote } from "./RemoteStore.ts"
import type { ResolvedStore } from "./ResolvedStore.ts"
import { sharedSettings } from "./SharedConfig.ts"
import type { Scheme } from "./Target.ts"

/** @category models */
export interface StoreFlags {
  readonly endpoint: string | undefined
  readonly region: string | undefined
  readonly signature: "v1" | "v4" | undefined
  readonly addressing: "path" | "virtual-hosted" | undefined
  readonly checksum: "auto" | "none" | "crc64nvme" | undefined
  readonly dataDir: string
  readonly config: string | undefined
  /** The aws CLI / ossutil profile to read from their shared files. */
  readonly profile: string | undefined
}

/** @category constructors */
export const resolveStore = (
  flags: StoreFlags,
  scheme: Scheme
): Effect.Effect<ResolvedStore, UsageError, Scope.Scope> =>
  Effect.gen(function* () {
    if (scheme === "s3" && flags.signature !== undefined) {
      return yield* new UsageError({ message: "--signature is for OSS targets; S3 is always signed with SigV4" })
    }
    if (scheme === "oss" && (flags.checksum !== undefined || flags.addressing === "virtual-hosted")) {
      const flag = flags.checksum !== undefined ? "--checksum" : "--addressing"
      return yield* new UsageError({ message: `${flag} is for s3:// targets` })
    }
    const own = yield* readConfig(flags.config ?? env("RESUMABLE_UPLOAD_CONFIG"))
    const file = { ...(yield* sharedSettings(scheme, flags.profile)), ...own }
    const endpoint =
      flags.endpoint ??
      (scheme === "oss" ? env("OSS_ENDPOINT") : (env("AWS_ENDPOINT_URL_S3") ?? env("AWS_ENDPOINT_URL"))) ??
      file.endpoint
    const region =
      flags.region ??
      (scheme === "oss"
        ? (env("OSS_REGION") ?? file.region ?? "cn-hangzhou")
        : (env("AWS_REGION") ?? env("AWS_DEFAULT_REGION") ?? file.region ?? "us-east-1"))
    if (endpoint === undefined) return yield* embeddedStore(flags.dataDir, scheme, region)
    return yield* scheme === "oss"
      ? ossRemote(endpoint, region, flags.signature ?? file.signature ?? "v4", file)
      : s3Remote(endpoint, region, {
          addressing: flags.addressing ?? file.addressing,
          checksum: flags.checksum ?? file.checksum ?? "auto",
          file
        })
  })
