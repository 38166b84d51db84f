/**
 * `rm oss://bucket/key` deletes one object; `rm --recursive oss://bucket/prefix` deletes every key under the prefix,
 * listed a page at a time and deleted in batches of at most 1000 keys (one DeleteObjects request each), so memory
 * stays at one page. `--dry-run` prints what would go and sends no delete. Lines read `delete: oss://b/k` as aws
 * CLI prints them; keys the store refused are named on stderr, and the exit code is then 1.
 *
 * @since 0.2.0
 */

import { deleteObjectsKeysMax } from "@resumable-upload/core/ports/ObjectListing"
import { ObjectStore } from "@resumable-upload/core/ports/ObjectStore"
import * as NodeHasher from "@resumable-upload/node/NodeHasher"
import * as Effect from "effect/Effect"
import { ExitCode, line, storeCommand, UsageError } from "./CliErrors.ts"
import { resolveStore, type StoreFlags } from "./StoreConfig.ts"
import * as Target from "./Target.ts"

/** @category models */
export interface RemoveOptions extends StoreFlags {
  readonly target: string
  readonly recursive: boolean
  readonly dryRun: boolean
}

/** @category commands */
export const remove = (options: RemoveOptions) =>
  Effect.gen(function* () {
    const target = options.recursive ? yield* Target.parse(options.target) : yield* Target.parseObject(options.target)
    const name = (key: string) => Target.format({ ...target, key })
    const verb = options.dryRun ? "(dryrun) delete:" : "delete:"
    const store = yield* resolveStore(options, target.scheme)
    return yield* Effect.gen(function* () {
      const s = yield* ObjectStore
      if (!options.recursive) {
        if (!options.dryRun) yield* s.delete({ bucket: target.bucket, key: target.key })
        line(`${verb} ${name(target.key)}`)
        return ExitCode.ok
      }
      const { listObjects, deleteObjects } = s
      if (listObjects === undefined || deleteObjects === undefined) {
        return yield* new UsageError({ message: "this store cannot list or batch-delete objects" })
      }
      let failures = 0
      let token: string | undefined
      do {
        const page = yield* listObjects({
          bucket: target.bucket,
          ...(target.key === "" ? {} : { prefix: target.key }),
          ...(token === undefined ? {} : { continuationToken: token }),
          maxKeys: deleteObjectsKeysMax
        })
        const keys = page.objects.map((o) => o.key)
        const failed =
          options.dryRun || keys.length === 0
            ? []
            : (yield* deleteObjects({ bucket: target.bucket, keys }).pipe(Effect.provide(NodeHasher.layer))).failed
        const refused = new Set(failed.map((f) => f.key))
        for (const key of keys) if (!refused.has(key)) line(`${verb} ${name(key)}`)
        for (const f of failed) process.stderr.write(`delete failed: ${name(f.key)}: ${f.code} ${f.message}\n`)
        failures += failed.length
        token = page.isTruncated ? page.nextContinuationToken : undefined
      } while (token !== undefined)
      return failures === 0 ? ExitCode.ok : ExitCode.failed
    }).pipe(Effect.provide(store.layer))
  }).pipe(storeCommand)
