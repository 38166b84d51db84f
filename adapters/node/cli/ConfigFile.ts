/**
 * The CLI's settings outside its flags: the optional JSON config file (`--config` or `RESUMABLE_UPLOAD_CONFIG`) and
 * environment variables. Flags win over the environment, which wins over the file.
 *
 * @since 0.1.0
 */
import { readFileSync } from "node:fs"
import * as Effect from "effect/Effect"
import { UsageError } from "./CliErrors.ts"

/** Every field optional; the credential fields serve whichever dialect the target names. @category models */
export interface ConfigFile {
  readonly endpoint?: string
  readonly region?: string
  readonly signature?: "v1" | "v4"
  readonly addressing?: "path" | "virtual-hosted"
  readonly checksum?: "auto" | "none" | "crc64nvme"
  readonly accessKeyId?: string
  readonly accessKeySecret?: string
  readonly securityToken?: string
}

/** @category constructors */
export const readConfig = (path: string | undefined): Effect.Effect<ConfigFile, UsageError> =>
  path === undefined
    ? Effect.succeed({})
    : Effect.try({
        try: () => JSON.parse(readFileSync(path, "utf8")) as ConfigFile,
        catch: (e) =>
          new UsageError({ message: `cannot read config file ${path}: ${e instanceof Error ? e.message : String(e)}` })
      })

/** An environment variable, with `NAME=` counting as unset (as the AWS and OSS SDKs do). @category utils */
export const env = (name: string): string | undefined => {
  const value = process.env[name]
  return value === undefined || value === "" ? undefined : value
}
