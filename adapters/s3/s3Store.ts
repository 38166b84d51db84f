/**
 * `s3Store(options)`: the S3 `ObjectStore` from plain strings, for the Promise API and quick starts. It is
 * {@link ./S3ObjectStore.ts}'s `layer` with the endpoint parsed and the keys wrapped (secrets stay `Redacted`).
 * Keys default to `AWS_ACCESS_KEY_ID`-style input the caller reads itself; nothing is read from the environment.
 *
 * @since 0.2.0
 */

import type { ObjectStore } from "@resumable-upload/core/ports/ObjectStore"
import type { CredentialsProvider } from "@resumable-upload/http/CachedCredentials"
import type { SignerOption } from "@resumable-upload/http/RemoteSigner"
import type * as HttpClient from "effect/http/HttpClient"
import type * as Layer from "effect/Layer"
import * as S3Credentials from "./S3Credentials.ts"
import * as S3Endpoint from "./S3Endpoint.ts"
import * as S3ObjectStore from "./S3ObjectStore.ts"

/** @category models */
export interface S3StoreOptions {
  /** e.g. `https://s3.eu-west-1.amazonaws.com`, `http://127.0.0.1:7480` (RGW) or the local server's URL. */
  readonly endpoint: string
  /** The SigV4 scope region; default `us-east-1`. */
  readonly region?: string
  /** Omit both keys for an anonymous store (the local server without keys). */
  readonly accessKeyId?: string
  readonly secretAccessKey?: string
  /** STS session token. */
  readonly sessionToken?: string
  /**
   * Temporary credentials instead of fixed keys: called when none are cached or the cached set expires within five
   * minutes (`{ accessKeyId, secretAccessKey, sessionToken, expiresAtMs }`).
   */
  readonly credentials?: CredentialsProvider
  /**
   * Presigned mode, for pages that must hold no secret: the URL of a signing endpoint
   * (`@resumable-upload/signer`) or a function answering each request's presigned URL. No keys are then needed.
   */
  readonly signer?: SignerOption
  /** Default: path style for IP and localhost endpoints, else virtual-hosted. */
  readonly addressing?: S3Endpoint.S3Addressing
  /** Additional checksums (default `"auto"`: CRC-64/NVME on AWS endpoints only). */
  readonly checksum?: S3ObjectStore.S3StoreConfig["checksum"]
}

/** @category constructors */
export const s3Store = (options: S3StoreOptions): Layer.Layer<ObjectStore, never, HttpClient.HttpClient> => {
  const { accessKeyId, secretAccessKey, sessionToken } = options
  return S3ObjectStore.layer({
    endpoint: S3Endpoint.make(options.endpoint, options.addressing),
    region: options.region ?? "us-east-1",
    credentials:
      accessKeyId === undefined || secretAccessKey === undefined
        ? undefined
        : S3Credentials.make({ accessKeyId, secretAccessKey, sessionToken }),
    ...(options.checksum === undefined ? {} : { checksum: options.checksum }),
    ...(options.credentials === undefined ? {} : { credentialsProvider: options.credentials }),
    ...(options.signer === undefined ? {} : { signer: options.signer })
  })
}
