/**
 * Downloads for `cp REMOTE LOCAL` and `get`: the object is fetched in ranged GETs of 8 MiB, one after another, and
 * each range is written before the next is asked for, so memory stays at one range whatever the object's size.
 * Size and (where the store reports one, OSS) CRC-64 are checked against HEAD at the end. A file is written under a
 * temporary name and renamed only when they match; `-` streams to stdout, which cannot be taken back, so a mismatch
 * there is reported on stderr with exit code 1. The summary goes to stderr when stdout carries the object.
 *
 * @since 0.2.0
 */

import { closeSync, existsSync, openSync, renameSync, rmSync, statSync, writeSync } from "node:fs"
import { resolve } from "node:path"
import * as Crc64 from "@resumable-upload/core/Crc64"
import { ObjectStore } from "@resumable-upload/core/ports/ObjectStore"
import * as Effect from "effect/Effect"
import { ExitCode, storeCommand, UsageError } from "./CliErrors.ts"
import { downloadPath, stdio } from "./CopyPaths.ts"
import { resolveStore, type StoreFlags } from "./StoreConfig.ts"
import * as Target from "./Target.ts"

/** Bytes per ranged GET, and so the memory a download holds. @category constants */
export const rangeBytes = 8 * 1024 * 1024

/** Where the bytes go: a file under a temporary name, or stdout. */
interface Sink {
  readonly write: (bytes: Uint8Array) => Effect.Effect<void>
  readonly commit: () => void
  readonly discard: () => void
}

const stdoutSink = (): Sink => ({
  // Waits for each chunk to be taken, so a slow reader (a pipe into `head`) holds the download back.
  write: (bytes) =>
    Effect.callback<void>((resume) => {
      process.stdout.write(bytes, () => resume(Effect.void))
    }),
  commit: () => {},
  discard: () => {}
})

const fileSink = (path: string): Sink => {
  const partial = `${path}.download-${process.pid}`
  const fd = openSync(partial, "w")
  let open = true
  const close = () => {
    if (open) closeSync(fd)
    open = false
  }
  return {
    write: (bytes) =>
      Effect.sync(() => {
        for (let at = 0; at < bytes.length; ) at += writeSync(fd, bytes, at)
      }),
    commit: () => {
      close()
      renameSync(partial, path)
    },
    discard: () => {
      close()
      rmSync(partial, { force: true })
    }
  }
}

/** @category commands */
export const download = (options: StoreFlags & { readonly target: string; readonly file: string }) =>
  Effect.gen(function* () {
    const target = yield* Target.parseObject(options.target)
    const file = downloadPath(target.key, options.file)
    const path = file === stdio ? stdio : resolve(file)
    if (path !== stdio && existsSync(path) && statSync(path).isDirectory()) {
      return yield* new UsageError({ message: `${file} is a directory; name a file to write ${target.key} to` })
    }
    // With the object on stdout, every word for people goes to stderr.
    const say = (text: string) => void (path === stdio ? process.stderr : process.stdout).write(`${text}\n`)
    const store = yield* resolveStore(options, target.scheme)
    return yield* Effect.gen(function* () {
      const s = yield* ObjectStore
      const info = yield* s.head({ bucket: target.bucket, key: target.key })
      if (info === undefined) {
        process.stderr.write(`no object at ${Target.format(target)}\n`)
        return ExitCode.failed
      }
      const sink = path === stdio ? stdoutSink() : fileSink(path)
      let crc64 = 0n
      const copied = Effect.gen(function* () {
        for (let start = 0; start < info.sizeBytes; start += rangeBytes) {
          const end = Math.min(start + rangeBytes, info.sizeBytes)
          const bytes = yield* s.get({ bucket: target.bucket, key: target.key, range: [start, end] })
          // A store that ignores Range (or an object replaced meanwhile) answers other lengths.
          if (bytes.length !== end - start) return `asked for bytes ${start}-${end - 1}, got ${bytes.length} bytes`
          crc64 = Crc64.compute(bytes, crc64)
          yield* sink.write(bytes)
        }
        if (info.crc64 !== undefined && info.crc64 !== crc64)
          return `the bytes have CRC-64 ${crc64}, the store reports ${info.crc64}`
        return undefined
      })
      const problem = yield* copied.pipe(Effect.onError(() => Effect.sync(sink.discard)))
      if (problem !== undefined) {
        sink.discard()
        process.stderr.write(
          `download of ${Target.format(target)} failed: ${problem}${path === stdio ? "" : "; not written"}\n`
        )
        return ExitCode.failed
      }
      sink.commit()
      say(`wrote ${path === stdio ? "stdout" : file}: ${info.sizeBytes} bytes, crc64 ${crc64}`)
      return ExitCode.ok
    }).pipe(Effect.provide(store.layer))
  }).pipe(storeCommand)
