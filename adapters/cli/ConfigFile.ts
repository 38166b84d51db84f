/**
 * The CLI's settings outside its flags: the optional JSON config file (`--config` or `RESUMABLE_UPLOAD_CONFIG`) and
 * environment variables. Flags win over the environment, which wins over the file.
 *
 * The file is one JSON object whose keys are those of `ConfigFile`, all optional; `configFields` lists them with the
 * values each accepts, and the `--config` help is written from it. A key outside that list, or a value of the
 * wrong kind, is a usage error rather than a setting silently ignored.
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

/**
 * Every key a config file may set, with its accepted values (`undefined`: any string). The type makes the table
 * name each field of `ConfigFile` exactly once. Read by StoreConfig.ts (endpoint, region, signature, addressing,
 * checksum) and RemoteStore.ts (the credentials). @category models
 */
export const configFields = {
  endpoint: undefined,
  region: undefined,
  signature: ["v1", "v4"],
  addressing: ["path", "virtual-hosted"],
  checksum: ["auto", "none", "crc64nvme"],
  accessKeyId: undefined,
  accessKeySecret: undefined,
  securityToken: undefined
} as const satisfies { readonly [K in keyof Required<ConfigFile>]: ReadonlyArray<Required<ConfigFile>[K]> | undefined }

/** The keys of a config file, in the order the help lists them. @category models */
export const configKeys = Object.keys(configFields) as ReadonlyArray<keyof ConfigFile>

/** `endpoint, region, signature (v1|v4), …`: the keys for the `--config` help. @category utils */
export const describeConfigKeys = (): string =>
  configKeys
    .map((key) => {
      const values: ReadonlyArray<string> | undefined = configFields[key]
      return values === undefined ? key : `${key} (${values.join("|")})`
    })
    .join(", ")

const isKey = (key: string): key is keyof ConfigFile => Object.hasOwn(configFields, key)

/** Checks a parsed file against `configFields`; the message of the first problem, or the file. */
const validate = (json: unknown): ConfigFile | string => {
  if (typeof json !== "object" || json === null || Array.isArray(json)) return "expected a JSON object"
  for (const [key, value] of Object.entries(json)) {
    if (!isKey(key)) return `unknown key "${key}" (accepted: ${configKeys.join(", ")})`
    const values: ReadonlyArray<string> | undefined = configFields[key]
    if (typeof value !== "string") return `"${key}" must be a string`
    if (values !== undefined && !values.includes(value)) return `"${key}" must be one of ${values.join(", ")}`
  }
  return json as ConfigFile
}

/** @category constructors */
export const readConfig = (path: string | undefined): Effect.Effect<ConfigFile, UsageError> =>
  path === undefined
    ? Effect.succeed({})
    : Effect.try({
        try: () => JSON.parse(readFileSync(path, "utf8")) as unknown,
        catch: (e) =>
          new UsageError({ message: `cannot read config file ${path}: ${e instanceof Error ? e.message : String(e)}` })
      }).pipe(
        Effect.flatMap((json) => {
          const checked = validate(json)
          return typeof checked === "string"
            ? Effect.fail(new UsageError({ message: `config file ${path}: ${checked}` }))
            : Effect.succeed(checked)
        })
      )

/** An environment variable, with `NAME=` counting as unset (as the AWS and OSS SDKs do). @category utils */
export const env = (name: string): string | undefined => {
  const value = process.env[name]
  return value === undefined || value === "" ? undefined : value
}
