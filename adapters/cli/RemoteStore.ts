/**
 * A remote OSS or S3 store for the CLI: the endpoint parsed, credentials read from the dialect's usual environment
 * variables (or the config file), and the adapter layer built over the CLI's HTTP client.
 *
 * @since 0.1.0
 */

import * as OssCredentials from "@resumable-upload/oss/OssCredentials"
import * as OssEndpoint from "@resumable-upload/oss/OssEndpoint"
import * as OssObjectStore from "@resumable-upload/oss/OssObjectStore"
import { createBucket } from "@resumable-upload/s3/S3Bucket"
import * as S3Credentials from "@resumable-upload/s3/S3Credentials"
import * as S3Endpoint from "@resumable-upload/s3/S3Endpoint"
import * as S3ObjectStore from "@resumable-upload/s3/S3ObjectStore"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import { UsageError } from "./CliErrors.ts"
import { type ConfigFile, env } from "./ConfigFile.ts"
import { httpClient } from "./httpClient.ts"
import type { ResolvedStore } from "./ResolvedStore.ts"

const parseEndpoint = <A>(endpoint: string, parse: () => A) =>
  Effect.try({
    try: parse,
    catch: (e) =>
      new UsageError({ message: `invalid endpoint "${endpoint}"${e instanceof Error ? `: ${e.message}` : ""}` })
  })

/** @category constructors */
export const ossRemote = (endpoint: string, region: string, signatureVersion: "v1" | "v4", file: ConfigFile) =>
  Effect.gen(function* () {
    const accessKeyId = env("OSS_ACCESS_KEY_ID") ?? file.accessKeyId
    const accessKeySecret = env("OSS_ACCESS_KEY_SECRET") ?? file.accessKeySecret
    if (accessKeyId === undefined || accessKeySecret === undefined) {
      return yield* new UsageError({
        message: "set OSS_ACCESS_KEY_ID and OSS_ACCESS_KEY_SECRET (or use the config file) for --endpoint"
      })
    }
    const parsed = yield* parseEndpoint(endpoint, () => OssEndpoint.make(endpoint))
    const credentials = OssCredentials.make({
      accessKeyId,
      accessKeySecret,
      securityToken: env("OSS_SESSION_TOKEN") ?? file.securityToken
    })
    const layer = OssObjectStore.layer({ endpoint: parsed, region, signatureVersion, credentials }).pipe(
      Layer.provide(httpClient)
    )
    return {
      layer,
      description: `OSS ${parsed.origin} (${parsed.addressing}, signature ${signatureVersion})`,
      embedded: false
    } satisfies ResolvedStore
  })

/** @category constructors */
export const s3Remote = (
  endpoint: string,
  region: string,
  options: {
    readonly addressing: "path" | "virtual-hosted" | undefined
    readonly checksum: "auto" | "none" | "crc64nvme"
    readonly file: ConfigFile
  }
) =>
  Effect.gen(function* () {
    const accessKeyId = env("AWS_ACCESS_KEY_ID") ?? options.file.accessKeyId
    const secretAccessKey = env("AWS_SECRET_ACCESS_KEY") ?? options.file.accessKeySecret
    if (accessKeyId === undefined || secretAccessKey === undefined) {
      return yield* new UsageError({
        message: "set AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY (or use the config file) for an s3:// --endpoint"
      })
    }
    const parsed = yield* parseEndpoint(endpoint, () => S3Endpoint.make(endpoint, options.addressing))
    const credentials = S3Credentials.make({
      accessKeyId,
      secretAccessKey,
      sessionToken: env("AWS_SESSION_TOKEN") ?? options.file.securityToken
    })
    const config = { endpoint: parsed, region, credentials, checksum: options.checksum }
    return {
      layer: S3ObjectStore.layer(config).pipe(Layer.provide(httpClient)),
      description: `S3 ${parsed.origin} (${parsed.addressing}, region ${region}, SigV4)`,
      embedded: false,
      createBucket: (bucket: string) => createBucket(config, bucket).pipe(Effect.provide(httpClient))
    } satisfies ResolvedStore
  })
