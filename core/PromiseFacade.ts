/**
 * A Promise facade for callers who do not write Effect: an uploader built from a layer of ports, whose `upload`
 * returns a task with `done`, `pause()` and `cancel()`.
 *
 * Errors reject `done` with the same tagged error the Effect API fails with (they are `Error` instances with a
 * `_tag`), so `catch (e) { if (e._tag === "CannotResumeUpload") … }` works.
 *
 * @since 0.1.0
 */
import * as Effect from "effect/Effect"
import type * as Layer from "effect/Layer"
import * as ManagedRuntime from "effect/ManagedRuntime"
import * as Queue from "effect/Queue"
import * as Driver from "./Driver.ts"
import * as ResumableUpload from "./ResumableUpload.ts"
import type { UploadEvent } from "./UploadMachine.ts"
import type { UploadRequest } from "./UploadRequest.ts"

/** @category models */
export interface UploadTask {
  readonly done: Promise<Driver.UploadOutcome>
  /** Stops sending and keeps everything; `done` resolves with a `Paused` outcome. */
  readonly pause: () => void
  /** Stops sending and (by default) aborts the upload; `done` resolves with a `Cancelled` outcome. */
  readonly cancel: () => void
}

/** @category models */
export interface Uploader {
  readonly upload: (request: UploadRequest) => UploadTask
  readonly inspect: (request: UploadRequest) => Promise<ResumableUpload.ResumeReport>
  /** Interrupts running uploads (their checkpoints stay) and releases the layer. */
  readonly dispose: () => Promise<void>
}

/** A task around one run: pause and cancel go to the run's own event queue, taken between any two commands. */
const taskOf = (run: (events: Queue.Queue<UploadEvent>) => Promise<Driver.UploadOutcome>): UploadTask => {
  const events = Effect.runSync(Queue.unbounded<UploadEvent>())
  const send = (event: UploadEvent) => void Effect.runSync(Queue.offer(events, event))
  return {
    done: run(events),
    pause: () => send({ _tag: "PauseRequested" }),
    cancel: () => send({ _tag: "CancelRequested" })
  }
}

/** @category constructors */
export const makeUploader = <E>(layer: Layer.Layer<Driver.Services, E>): Uploader => {
  const runtime = ManagedRuntime.make(layer)
  return {
    upload: (request) => taskOf((events) => runtime.runPromise(Effect.scoped(Driver.run(request, events)))),
    inspect: (request) => runtime.runPromise(ResumableUpload.inspectResume(request)),
    dispose: () => runtime.dispose()
  }
}

/**
 * One upload as a task, for the runtime packages' `upload()`: builds `services`, resolves the request (opening
 * the source is an effect), runs it, and releases the services when it ends. `done` rejects with the tagged error
 * the Effect API fails with. A pause or cancel sent before the upload starts is held until it does.
 *
 * @category constructors
 */
export const uploadTask = <E, E2>(
  services: Layer.Layer<Driver.Services, E>,
  request: Effect.Effect<UploadRequest, E2, Driver.Services>
): UploadTask => {
  const runtime = ManagedRuntime.make(services)
  return taskOf((events) =>
    runtime
      .runPromise(Effect.scoped(Effect.flatMap(request, (r) => Driver.run(r, events))))
      .finally(() => runtime.dispose())
  )
}
