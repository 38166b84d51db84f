/**
 * The embedded store's server in a worker thread (EmbeddedServerWorker.ts), so the client and the server it uploads
 * to run on two cores instead of taking turns on one.
 *
 * The worker's file sits next to this module in every form the CLI ships in: `.ts` beside the sources (tests, tsx),
 * `.js` beside tsc's output in dist/, and `.js` beside the bundle (adapters/cli/bundle.mjs builds both entries).
 *
 * @since 0.2.0
 */
import { Worker } from "node:worker_threads"
import type { LocalOssServerOptions } from "@resumable-upload/server/LocalOssServer"

/** Parent → worker. @category models */
export type WorkerRequest = { readonly _tag: "Close" }

/** Worker → parent. @category models */
export type WorkerReply =
  | { readonly _tag: "Started"; readonly url: string }
  | { readonly _tag: "StartFailed"; readonly startError: boolean; readonly message: string }
  | { readonly _tag: "Closed" }
  | { readonly _tag: "CloseFailed"; readonly message: string }

/** A running server in its worker. @category models */
export interface ServerThread {
  readonly url: string
  /** Closes the server (requests in flight finish first), then ends the worker. */
  readonly close: () => Promise<void>
}

/** Why the worker could not start the server; `startError` when the server said so itself (a ServerStartError). */
export class ServerThreadStartError extends Error {
  readonly startError: boolean
  constructor(message: string, startError: boolean) {
    super(message)
    this.startError = startError
  }
}

const workerUrl = (): URL =>
  new URL(import.meta.url.endsWith(".ts") ? "./EmbeddedServerWorker.ts" : "./EmbeddedServerWorker.js", import.meta.url)

/** The next reply of the worker, or its exit or error as a rejection. */
const nextReply = (worker: Worker): Promise<WorkerReply> =>
  new Promise((resolve, reject) => {
    const onMessage = (message: WorkerReply) => settle(() => resolve(message))
    const onError = (e: Error) => settle(() => reject(e))
    const onExit = (code: number) => settle(() => reject(new Error(`the embedded server's thread exited (${code})`)))
    const settle = (done: () => void) => {
      worker.off("message", onMessage).off("error", onError).off("exit", onExit)
      done()
    }
    worker.on("message", onMessage).on("error", onError).on("exit", onExit)
  })

/** @category constructors */
export const startServerThread = async (options: LocalOssServerOptions): Promise<ServerThread> => {
  const worker = new Worker(workerUrl(), { workerData: options })
  const started = await nextReply(worker).catch(async (e: unknown) => {
    await worker.terminate()
    throw new ServerThreadStartError(e instanceof Error ? e.message : String(e), false)
  })
  if (started._tag !== "Started") {
    await worker.terminate()
    const message = "message" in started ? started.message : started._tag
    throw new ServerThreadStartError(message, started._tag === "StartFailed" && started.startError)
  }
  return {
    url: started.url,
    close: async () => {
      const closed = nextReply(worker)
      worker.postMessage({ _tag: "Close" } satisfies WorkerRequest)
      const answer = await closed.finally(() => worker.terminate())
      if (answer._tag === "CloseFailed") throw new Error(`closing the embedded server: ${answer.message}`)
    }
  }
}
