/**
 * `ossStore(options)`: the OSS `ObjectStore` from plain strings, for the Promise API and quick starts, in the shape
 * of ali-oss's options. It is {@link ./OssObjectStore.ts}'s `layer` with the endpoint parsed, the keys wrapped
 * (secrets stay `Redacted`) and V4 signing unless asked otherwise.
 *
 * @since 0.2.0
 */

import type { ObjectStore } from "@resumable-upload/core/ports/ObjectStore"
import type { CredentialsProvider } from "@resumable-upload/http/CachedCredentials"
import type { SignerOption } from "@resumable-upload/http/RemoteSigner"
import type * as HttpClient from "effect/http/HttpClient"
import type * as Layer from "effect/Layer"
import * as OssCredentials from "./OssCredentials.ts"
import * as OssEndpoint from "./OssEndpoint.ts"
import * as OssObjectStore from "./OssObjectStore.ts"

/** @category models */
export interface OssStoreOptions {
  /** e.g. `https://oss-cn-hangzhou.aliyuncs.com` or the local server's URL. */
  readonly endpoint: string
  /** Region id, e.g. `cn-hangzhou` (V4 signatures are scoped to it). */
  readonly region: string
  /** Omit both keys for an anonymous store (the local server without keys). */
  readonly accessKeyId?: string
  readonly accessKeySecret?: string
  /** STS token (`stsToken` in ali-oss). */
  readonly securityToken?: string
  /**
   * Temporary (STS) credentials instead of fixed keys, ali-oss's `refreshSTSToken`: called when none are cached or
   * the cached set expires within five minutes (`{ accessKeyId, secretAccessKey, sessionToken, expiresAtMs }`).
   */
  readonly credentials?: CredentialsProvider
  /**
   * Presigned mode, for pages that must hold no secret: the URL of a signing endpoint
   * (`@resumable-upload/signer`) or a function answering each request's presigned URL (OSS V4). No keys needed.
   */
  readonly signer?: SignerOption
  /** Default `"v4"`. */
  readonly signatureVersion?: "v1" | "v4"
  /** Default: path style for IP and localhost endpoints, else virtual-hosted; `"cname"` for a custom domain. */
  readonly addressing?: OssEndpoint.Addressing
}

/** @category constructors */
export const ossStore = (options: OssStoreOptions): Layer.Layer<ObjectStore, never, HttpClient.HttpClient> => {
  const { accessKeyId, accessKeySecret, securityToken } = options
  return OssObjectStore.layer({
    endpoint: OssEndpoint.make(options.endpoint, options.addressing),
    region: options.region,
    signatureVersion: options.signatureVersion ?? "v4",
    credentials:
      accessKeyId === undefined || accessKeySecret === undefined
        ? undefined
        : OssCredentials.make({ accessKeyId, accessKeySecret, securityToken }),
    ...(options.credentials === undefined ? {} : { credentialsProvider: options.credentials }),
    ...(options.signer === undefined ? {} : { signer: options.signer })
  })
}
