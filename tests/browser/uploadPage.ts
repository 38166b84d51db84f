/**
 * The page side of the browser upload tests, bundled with esbuild (platform browser) and loaded by headless Chromium.
 *
 * It publishes `globalThis.__browserUpload.run(args)`, which uploads a generated Blob through the browser bundle
 * exactly as an application would: `S3ObjectStore.layer` over `FetchHttpClient.layer`, `blobSource`, and the bundle's
 * `layer()` with checkpoints in `localStorage`. With `pauseAfterParts` it pauses the upload once that many parts are
 * committed; without it the upload runs to its end (resuming whatever checkpoint `localStorage` holds). The result
 * is plain JSON for Playwright: the outcome, the checkpoint keys in `localStorage` before and after, the parts the
 * checkpoint held at the start, and the request body form the adapter used. `checkpointParts` lets the Node side
 * watch the checkpoint grow, to reload the page once a part is recorded.
 */
import * as Effect from "effect/Effect"
import * as FetchHttpClient from "effect/http/FetchHttpClient"
import * as Layer from "effect/Layer"
import * as Browser from "../../adapters/browser/mod.ts"
import { S3Credentials, S3Endpoint, S3ObjectStore } from "../../adapters/s3/mod.ts"
import * as CheckpointJournal from "../../core/CheckpointJournal.ts"
import { startUpload } from "../../core/ResumableUpload.ts"
import { sourceBytes } from "./sourceBytes.ts"

/** What the Node side asks the page to do. */
export interface PageUploadArgs {
  readonly endpoint: string
  readonly region: string
  readonly accessKeyId: string
  readonly secretAccessKey: string
  readonly bucket: string
  readonly key: string
  readonly sizeBytes: number
  readonly seed: number
  readonly partSizeBytes: number
  readonly parallelism: number
  /** The `localStorage` key prefix of this test's checkpoints. */
  readonly prefix: string
  /** Pause once this many parts are committed; absent: run to the end. */
  readonly pauseAfterParts?: number
  /** Overrides the adapter's request body form (default: the runtime's, `"blob"` in a browser). */
  readonly bodyForm?: Browser.RequestBodyForm.BodyForm
}

/** The run's outcome, reduced to JSON. */
export type PageOutcome =
  | { readonly _tag: "Completed"; readonly etag: string; readonly partCount: number; readonly sizeBytes: number }
  | { readonly _tag: "Paused"; readonly committedBytes: number }
  | { readonly _tag: "Cancelled" }
  | { readonly _tag: "Failed"; readonly message: string }

export interface PageUploadResult {
  readonly outcome: PageOutcome
  readonly checkpointKeysBefore: ReadonlyArray<string>
  readonly checkpointKeysAfter: ReadonlyArray<string>
  /** The part numbers recorded in this prefix's checkpoints when the run started. */
  readonly checkpointPartsBefore: ReadonlyArray<number>
  readonly bodyForm: Browser.RequestBodyForm.BodyForm
  /** Each full-size UploadPart's `fetch`, from the call to the answer, in ms (the page's view of a part's time). */
  readonly partTimesMs: ReadonlyArray<number>
  readonly elapsedMs: number
}

/** The part numbers recorded in the checkpoints under `prefix` (ascending; a corrupt checkpoint records none). */
const checkpointParts = (prefix: string): Array<number> =>
  Object.keys(localStorage)
    .filter((key) => key.startsWith(`${prefix}data/`))
    .flatMap((key) => {
      // The snapshot, then its journal chunks (KvCheckpointStore's layout), as the store reads them.
      const journalPrefix = `${prefix}journal/${key.slice(`${prefix}data/`.length)}/`
      let text = localStorage.getItem(key) ?? ""
      for (let n = 0; localStorage.getItem(journalPrefix + n) !== null; n++)
        text += localStorage.getItem(journalPrefix + n)
      const decoded = Effect.runSync(Effect.option(CheckpointJournal.decode(key, text)))
      return decoded._tag === "Some" ? decoded.value.parts.map((part) => part.partNumber) : []
    })
    .sort((a, b) => a - b)

const run = async (args: PageUploadArgs): Promise<PageUploadResult> => {
  // Sorted: localStorage's key order is not specified and differs between page loads.
  const keys = () =>
    Object.keys(localStorage)
      .filter((key) => key.startsWith(args.prefix))
      .sort()
  const checkpointKeysBefore = keys()
  const checkpointPartsBefore = checkpointParts(args.prefix)
  const blob = new Blob([sourceBytes(args.sizeBytes, args.seed).slice()])
  let pauseNow = () => {}
  const pauseReached = new Promise<void>((resolve) => {
    pauseNow = resolve
  })
  const store = S3ObjectStore.layer({
    endpoint: S3Endpoint.make(args.endpoint),
    region: args.region,
    credentials: S3Credentials.make({ accessKeyId: args.accessKeyId, secretAccessKey: args.secretAccessKey })
  }).pipe(Layer.provide(FetchHttpClient.layer))
  const partTimesMs: Array<number> = []
  const timedFetch: typeof fetch = async (input, init) => {
    const startedMs = performance.now()
    const answer = await fetch(input, init)
    const body = init?.body
    const sizeBytes = body instanceof Blob ? body.size : body instanceof Uint8Array ? body.byteLength : 0
    if (String(input).includes("partNumber=") && sizeBytes === args.partSizeBytes)
      partTimesMs.push(performance.now() - startedMs)
    return answer
  }
  const program = Effect.gen(function* () {
    const handle = yield* startUpload({
      bucket: args.bucket,
      key: args.key,
      source: Browser.blobSource(blob, { name: args.key }),
      partSizeBytes: args.partSizeBytes,
      parallelism: args.parallelism,
      onProgress: (progress) => {
        if (args.pauseAfterParts !== undefined && progress.partsCommitted >= args.pauseAfterParts) pauseNow()
      }
    })
    if (args.pauseAfterParts !== undefined) {
      // Whichever comes first: the pause point, or the run ending on its own (a failure must not hang the test).
      yield* Effect.race(
        Effect.promise(() => pauseReached),
        Effect.asVoid(Effect.exit(handle.outcome))
      )
      yield* handle.pause
    }
    return yield* handle.outcome
  }).pipe(
    Effect.scoped,
    Effect.provide(Layer.mergeAll(store, Browser.layer({ prefix: args.prefix }))),
    Effect.provideService(FetchHttpClient.Fetch, timedFetch),
    args.bodyForm === undefined
      ? (self) => self
      : Effect.provideService(Browser.RequestBodyForm.RequestBodyForm, args.bodyForm)
  )
  const bodyForm =
    args.bodyForm ??
    Effect.runSync(
      Effect.gen(function* () {
        return yield* Browser.RequestBodyForm.RequestBodyForm
      })
    )
  const startedMs = performance.now()
  const outcome: PageOutcome = await Effect.runPromise(program).then(
    (o): PageOutcome =>
      o._tag === "Completed"
        ? { _tag: "Completed", etag: o.etag, partCount: o.partCount, sizeBytes: o.sizeBytes }
        : o._tag === "Paused"
          ? { _tag: "Paused", committedBytes: o.committedBytes }
          : { _tag: "Cancelled" },
    (error: unknown): PageOutcome => ({
      _tag: "Failed",
      message: error instanceof Error ? `${error.name}: ${error.message}` : String(error)
    })
  )
  const elapsedMs = performance.now() - startedMs
  return {
    outcome,
    checkpointKeysBefore,
    checkpointKeysAfter: keys(),
    checkpointPartsBefore,
    bodyForm,
    partTimesMs,
    elapsedMs
  }
}

/** What the page publishes for Playwright. */
export interface PageApi {
  readonly run: typeof run
  readonly checkpointParts: typeof checkpointParts
}

;(globalThis as unknown as { __browserUpload: PageApi }).__browserUpload = { run, checkpointParts }
