/**
 * `stat` and `checkpoints ls`: look at a result, and see what a later upload would resume. (Downloads: Download.ts.)
 *
 * @since 0.1.0
 */

import { resolve } from "node:path"
import { CheckpointStore } from "@resumable-upload/core/ports/CheckpointStore"
import { ObjectStore } from "@resumable-upload/core/ports/ObjectStore"
import * as NodeCheckpointStore from "@resumable-upload/node/NodeCheckpointStore"
import * as Effect from "effect/Effect"
import { ExitCode, line, storeCommand } from "./CliErrors.ts"
import { resolveStore, type StoreFlags } from "./StoreConfig.ts"
import * as Target from "./Target.ts"
import { formatBytes } from "./Units.ts"

/** @category commands */
export const stat = (options: StoreFlags & { readonly target: string; readonly json: boolean }) =>
  Effect.gen(function* () {
    const target = yield* Target.parseObject(options.target)
    const store = yield* resolveStore(options, target.scheme)
    const info = yield* ObjectStore.use((s) => s.head({ bucket: target.bucket, key: target.key })).pipe(
      Effect.provide(store.layer)
    )
    if (info === undefined) {
      process.stderr.write(`no object at ${Target.format(target)}\n`)
      return ExitCode.failed
    }
    line(
      options.json
        ? JSON.stringify({ ...info, crc64: info.crc64?.toString() })
        : `${Target.format(target)}\n  size   ${info.sizeBytes} bytes (${formatBytes(info.sizeBytes)})\n  etag   ${info.etag}\n  crc64  ${info.crc64 ?? "(not reported)"}`
    )
    return ExitCode.ok
  }).pipe(storeCommand)

/** @category commands */
export const listCheckpoints = (options: { readonly checkpointDir: string; readonly json: boolean }) =>
  Effect.gen(function* () {
    const listed = yield* CheckpointStore.use((s) => s.list)
    for (const entry of listed) {
      if (entry._tag === "Corrupt") {
        line(
          options.json
            ? JSON.stringify({ id: entry.id, corrupt: entry.error.message })
            : `${entry.id}  CORRUPT: ${entry.error.message}`
        )
        continue
      }
      const c = entry.checkpoint
      const committed = c.parts.reduce((n, p) => n + p.sizeBytes, 0)
      line(
        options.json
          ? JSON.stringify({
              id: entry.id,
              uploadId: c.uploadId,
              target: `${c.dialect}://${c.bucket}/${c.key}`,
              source: c.source.name,
              committedBytes: committed,
              // A stream's size is not known until it ends.
              ...(c.growth === undefined ? { totalBytes: c.source.sizeBytes } : { stream: true })
            })
          : `${entry.id}  ${c.dialect}://${c.bucket}/${c.key}  ${formatBytes(committed)} of ${c.growth === undefined ? formatBytes(c.source.sizeBytes) : "a stream"}  from ${c.source.name}`
      )
    }
    if (!options.json)
      line(`${listed.length} checkpoint${listed.length === 1 ? "" : "s"} in ${resolve(options.checkpointDir)}`)
    return ExitCode.ok
  }).pipe(
    Effect.provide(NodeCheckpointStore.layer(resolve(options.checkpointDir))),
    Effect.catchTag("CheckpointStoreError", (e) =>
      Effect.sync(() => {
        process.stderr.write(`${e.message}\n`)
        return ExitCode.failed
      })
    )
  )
