/**
 * The settings other tools keep in the home directory, read so a machine set up for aws CLI or ossutil needs no
 * more: `~/.aws/credentials` and `~/.aws/config` for `s3://` targets (profile from `--profile`, else `AWS_PROFILE`,
 * else `default`; paths from `AWS_SHARED_CREDENTIALS_FILE` and `AWS_CONFIG_FILE`), and `~/.ossutilconfig` for
 * `oss://` targets (ossutil 1's `[Credentials]` section, or ossutil 2's `[default]` / `[profile NAME]`).
 *
 * They rank last: flags, then environment variables, then the `--config` file win over them (StoreConfig.ts).
 * Only the keys below are read; a named profile that none of the files has is a usage error, not a silent default.
 *
 * @since 0.2.0
 */

import { existsSync, readFileSync } from "node:fs"
import { homedir } from "node:os"
import { join } from "node:path"
import * as Effect from "effect/Effect"
import * as ini from "ini"
import { UsageError } from "./CliErrors.ts"
import type { ConfigFile } from "./ConfigFile.ts"
import { env } from "./ConfigFile.ts"
import type { Scheme } from "./Target.ts"

type Section = Readonly<Record<string, unknown>>

/** Larger files are not configuration; refusing them keeps a mistake (a log named `config`) cheap. */
const fileBytesMax = 1024 * 1024

const readIni = (path: string): Effect.Effect<Readonly<Record<string, Section>> | undefined, UsageError> =>
  Effect.try({
    try: () => {
      if (!existsSync(path)) return undefined
      const text = readFileSync(path, "utf8")
      if (text.length > fileBytesMax) throw new Error(`larger than ${fileBytesMax} bytes`)
      return ini.parse(text) as Record<string, Section>
    },
    catch: (e) => new UsageError({ message: `cannot read ${path}: ${e instanceof Error ? e.message : String(e)}` })
  })

/** A section's value for `key`, its name compared without case (`accessKeyID`, `accessKeyId`). */
const settingOf = (section: Section | undefined, key: string): string | undefined => {
  if (section === undefined) return undefined
  const found = Object.entries(section).find(([name]) => name.toLowerCase() === key.toLowerCase())?.[1]
  return typeof found === "string" && found.trim() !== "" ? found.trim() : undefined
}

const defined = (fields: Record<string, string | undefined>): ConfigFile =>
  Object.fromEntries(Object.entries(fields).filter(([, v]) => v !== undefined)) as ConfigFile

/** @category constructors */
export const awsSettings = (profileFlag: string | undefined): Effect.Effect<ConfigFile, UsageError> =>
  Effect.gen(function* () {
    const named = profileFlag ?? env("AWS_PROFILE")
    const profile = named ?? "default"
    const credentialsPath = env("AWS_SHARED_CREDENTIALS_FILE") ?? join(homedir(), ".aws", "credentials")
    const configPath = env("AWS_CONFIG_FILE") ?? join(homedir(), ".aws", "config")
    const credentials = (yield* readIni(credentialsPath))?.[profile]
    // The config file names profiles `[profile NAME]`, except `[default]`.
    const configFile = yield* readIni(configPath)
    const config = configFile?.[profile === "default" ? "default" : `profile ${profile}`] ?? configFile?.[profile]
    if (named !== undefined && credentials === undefined && config === undefined) {
      return yield* new UsageError({ message: `no profile "${profile}" in ${credentialsPath} or ${configPath}` })
    }
    const pick = (key: string) => settingOf(credentials, key) ?? settingOf(config, key)
    return defined({
      endpoint: settingOf(config, "endpoint_url") ?? settingOf(credentials, "endpoint_url"),
      region: settingOf(config, "region") ?? settingOf(credentials, "region"),
      accessKeyId: pick("aws_access_key_id"),
      accessKeySecret: pick("aws_secret_access_key"),
      securityToken: pick("aws_session_token")
    })
  })

const withScheme = (endpoint: string | undefined) =>
  endpoint === undefined || endpoint.includes("://") ? endpoint : `https://${endpoint}`

/** @category constructors */
export const ossutilSettings = (profileFlag: string | undefined): Effect.Effect<ConfigFile, UsageError> =>
  Effect.gen(function* () {
    const path = join(homedir(), ".ossutilconfig")
    const file = yield* readIni(path)
    const section =
      profileFlag === undefined
        ? (file?.Credentials ?? file?.default)
        : (file?.[`profile ${profileFlag}`] ?? file?.[profileFlag])
    if (profileFlag !== undefined && section === undefined) {
      return yield* new UsageError({ message: `no profile "${profileFlag}" in ${path}` })
    }
    return defined({
      // ossutil writes bare hosts (`oss-cn-hangzhou.aliyuncs.com`) and means HTTPS.
      endpoint: withScheme(settingOf(section, "endpoint")),
      region: settingOf(section, "region"),
      accessKeyId: settingOf(section, "accessKeyId"),
      accessKeySecret: settingOf(section, "accessKeySecret"),
      securityToken: settingOf(section, "stsToken")
    })
  })

/** The shared settings for a target's dialect. @category constructors */
export const sharedSettings = (scheme: Scheme, profile: string | undefined): Effect.Effect<ConfigFile, UsageError> =>
  scheme === "s3" ? awsSettings(profile) : ossutilSettings(profile)
