/**
 * Browser entry of the simulation suite, bundled by `browser.ts` with esbuild and loaded by headless Chromium.
 *
 * Reads the scenario count from the page's `?scenarios=` query parameter (and `seed` / `path` to replay one case),
 * runs the suite and publishes the outcome
 * on `window.__simResult`, which the runner polls. Progress goes to `console.log`; the runner forwards it.
 *
 * Before the suite it runs one real upload with the browser bundle (a 1 KiB `Blob`, `localStorage` checkpoints,
 * the simulated store); a failure there is published as the suite's `error`, so the runner fails.
 *
 * @since 0.1.0
 */
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import * as BrowserBundle from "../../../adapters/browser/mod.ts"
import { ObjectStore } from "../../../core/ports/ObjectStore.ts"
import { resumableUpload } from "../../../core/ResumableUpload.ts"
import { bytesOf, makeStack } from "../../support/simStack.ts"
import { runSuite, type SuiteReport } from "../SimulationSuite.ts"

/** What the runner reads back from the page. @category models */
export type SimResult =
  | { readonly done: false }
  | { readonly done: true; readonly report: SuiteReport }
  | { readonly done: true; readonly error: string }

const publish = (result: SimResult): void => {
  ;(globalThis as unknown as { __simResult: SimResult }).__simResult = result
}

const scenarioCountDefault = 300

/** The browser bundle end to end in a real page; throws on any mismatch. */
const browserBundleUpload = async (): Promise<void> => {
  const stack = makeStack()
  const data = bytesOf(1024, 11)
  const prefix = `browser-entry-${Date.now()}/`
  let checkpointSeen = false // in localStorage while the upload runs, gone after it
  const outcome = await Effect.runPromise(
    resumableUpload({
      bucket: "bucket",
      key: "browser/blob.bin",
      source: BrowserBundle.blobSource(new Blob([data.slice()]), { name: "blob.bin" }),
      partSizeBytes: 256,
      onProgress: () => {
        checkpointSeen ||= Object.keys(localStorage).some((key) => key.startsWith(`${prefix}data/`))
      }
    }).pipe(Effect.provide(Layer.mergeAll(Layer.succeed(ObjectStore, stack.store), BrowserBundle.layer({ prefix }))))
  )
  const stored = stack.model.objectBytes("bucket", "browser/blob.bin")
  const left = Object.keys(localStorage).filter((key) => key.startsWith(prefix))
  if (outcome._tag !== "Completed" || stored?.join() !== data.join() || !checkpointSeen || left.length > 0) {
    throw new Error(
      `browser bundle upload: ${outcome._tag}, object ${stored?.length ?? "missing"} bytes (expected 1024 equal), ` +
        `checkpoint seen in localStorage: ${checkpointSeen}, keys left: ${left.join(", ") || "none"}`
    )
  }
  console.log(`browser bundle: 1 KiB Blob uploaded in ${outcome.partCount} parts with localStorage checkpoints`)
}

publish({ done: false })
const query = new URLSearchParams(location.search)
const scenariosRaw = query.get("scenarios")
const seed = query.get("seed")
const path = query.get("path")
const scenarios = scenariosRaw === null ? scenarioCountDefault : Number(scenariosRaw)

browserBundleUpload()
  .then(() =>
    runSuite({
      scenarios,
      ...(seed === null ? {} : { seed: Number(seed) }),
      ...(path === null ? {} : { path }),
      log: (line) => console.log(line)
    })
  )
  .then(
    (report) => publish({ done: true, report }),
    (error: unknown) =>
      publish({
        done: true,
        error: error instanceof Error ? `${error.name}: ${error.message}\n${error.stack}` : String(error)
      })
  )
