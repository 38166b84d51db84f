/**
 * What the replayed peer bugs stand on: a local server with keys (so auth is enforced), a scripted proxy in front
 * of it, an OSS or S3 store layer pointed at the proxy (parts as small as 64 KiB, so tests stay small), a file in
 * a temp directory and a checkpoint directory beside it. Uploads go through the Node package's `upload()`: the
 * Promise API a user calls, over the real engine, file source, hasher and file checkpoints.
 */
import { createHash } from "node:crypto"
import { mkdtempSync, readdirSync, rmSync, writeFileSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import * as Effect from "effect/Effect"
import * as FetchHttpClient from "effect/http/FetchHttpClient"
import type * as HttpClient from "effect/http/HttpClient"
import type * as Layer from "effect/Layer"
import * as OssCredentials from "../../adapters/oss/OssCredentials.ts"
import * as OssEndpoint from "../../adapters/oss/OssEndpoint.ts"
import * as OssObjectStore from "../../adapters/oss/OssObjectStore.ts"
import * as S3Credentials from "../../adapters/s3/S3Credentials.ts"
import * as S3Endpoint from "../../adapters/s3/S3Endpoint.ts"
import * as S3ObjectStore from "../../adapters/s3/S3ObjectStore.ts"
import * as LocalOssServer from "../../adapters/server/LocalOssServer.ts"
import { ossLimits, s3Limits } from "../../core/Limits.ts"
import type { ObjectStore, ObjectStoreShape } from "../../core/ports/ObjectStore.ts"
import * as ScriptedProxy from "./ScriptedProxy.ts"

export const bucket = "peer-bugs"
export const partSizeBytes = 64 * 1024
export interface Keys {
  readonly accessKeyId: string
  readonly accessKeySecret: string
}
const peerKeys: Keys = { accessKeyId: "peer-ak", accessKeySecret: "peer-secret" }

export type Dialect = "oss" | "s3"

const configOf = (dialect: Dialect, url: string, keys: Keys) =>
  dialect === "oss"
    ? {
        oss: {
          endpoint: OssEndpoint.make(url),
          endpointId: "peer-bugs",
          region: "cn-hangzhou",
          signatureVersion: "v4" as const,
          credentials: OssCredentials.make(keys),
          limits: { ...ossLimits, partSizeBytesMin: partSizeBytes }
        }
      }
    : {
        s3: {
          endpoint: S3Endpoint.make(url),
          endpointId: "peer-bugs",
          region: "us-east-1",
          credentials: S3Credentials.make({ accessKeyId: keys.accessKeyId, secretAccessKey: keys.accessKeySecret }),
          checksum: "none" as const,
          limits: { ...s3Limits, partSizeBytesMin: partSizeBytes }
        }
      }

/** The store layer of `dialect` at `url`. */
export const storeLayer = (
  dialect: Dialect,
  url: string,
  keys: Keys = peerKeys
): Layer.Layer<ObjectStore, never, HttpClient.HttpClient> => {
  const config = configOf(dialect, url, keys)
  return "oss" in config ? OssObjectStore.layer(config.oss) : S3ObjectStore.layer(config.s3)
}

/** The store of `dialect` at `url`, for checks made around the proxy. */
export const storeAt = (dialect: Dialect, url: string, keys: Keys = peerKeys): Promise<ObjectStoreShape> => {
  const config = configOf(dialect, url, keys)
  const made = "oss" in config ? OssObjectStore.make(config.oss) : S3ObjectStore.make(config.s3)
  return Effect.runPromise(made.pipe(Effect.provide(FetchHttpClient.layer)))
}

/** Deterministic bytes (a 32-bit LCG), so any byte can be told from a zero or a shifted copy. */
export const bytesOf = (sizeBytes: number, seed: number): Uint8Array<ArrayBuffer> => {
  const out = new Uint8Array(sizeBytes)
  let x = seed >>> 0 || 1
  for (let i = 0; i < sizeBytes; i++) {
    x = (Math.imul(x, 1664525) + 1013904223) >>> 0
    out[i] = x >>> 24
  }
  return out
}

export const md5Hex = (bytes: Uint8Array): string => createHash("md5").update(bytes).digest("hex")

export interface PeerStack {
  readonly server: LocalOssServer.LocalOssServer
  readonly proxy: ScriptedProxy.ScriptedProxy
  /** Straight to the server, never through the proxy. */
  readonly direct: ObjectStoreShape
  /** The layer the upload uses: through the proxy. */
  readonly proxied: Layer.Layer<ObjectStore, never, HttpClient.HttpClient>
  readonly dir: string
  readonly checkpointDirectory: string
  /** Writes the source file; returns its path and bytes. */
  readonly writeFile: (sizeBytes: number, seed: number) => { readonly file: string; readonly bytes: Uint8Array }
  /** The object's bytes as GET returns them directly from the server, or undefined when there is none. */
  readonly objectBytes: (key: string) => Promise<Uint8Array | undefined>
  readonly checkpointFiles: () => ReadonlyArray<string>
  readonly close: () => Promise<void>
}

export const makePeerStack = async (options: {
  readonly dialect: Dialect
  readonly decide?: (request: ScriptedProxy.SeenRequest) => ScriptedProxy.Action | Promise<ScriptedProxy.Action>
  readonly server?: Partial<LocalOssServer.LocalOssServerOptions>
}): Promise<PeerStack> => {
  const server = await LocalOssServer.start({
    storage: { kind: "memory" },
    credentials: [peerKeys],
    storeLimits: { partSizeBytesMin: partSizeBytes },
    ...options.server
  })
  const proxy = await ScriptedProxy.start({
    target: { host: server.host, port: server.port },
    ...(options.decide === undefined ? {} : { decide: options.decide })
  })
  const direct = await storeAt(options.dialect, server.url)
  const dir = mkdtempSync(join(tmpdir(), "peer-bugs-"))
  const checkpointDirectory = join(dir, "checkpoints")
  return {
    server,
    proxy,
    direct,
    proxied: storeLayer(options.dialect, proxy.url),
    dir,
    checkpointDirectory,
    writeFile: (sizeBytes, seed) => {
      const file = join(dir, `source-${seed}.bin`)
      const bytes = bytesOf(sizeBytes, seed)
      writeFileSync(file, bytes)
      return { file, bytes }
    },
    objectBytes: (key) =>
      Effect.runPromise(
        direct.get({ bucket, key }).pipe(
          Effect.map((got): Uint8Array | undefined => got),
          Effect.catch(() => Effect.succeed(undefined))
        )
      ),
    checkpointFiles: () => {
      try {
        return readdirSync(checkpointDirectory).filter((name) => !name.endsWith(".lock"))
      } catch {
        return []
      }
    },
    close: async () => {
      await proxy.close()
      await server.close()
      rmSync(dir, { recursive: true, force: true })
    }
  }
}
