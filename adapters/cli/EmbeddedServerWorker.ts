/**
 * The worker-thread entry of the embedded store: starts the local server with the options it was given (workerData),
 * reports its URL (or its start error's message) to the parent, and closes it when the parent says so.
 *
 * Why a worker: the server hashes and writes every byte the client has just read and hashed. In the client's thread
 * the two take turns on one core; in a worker each gets its own (see EmbeddedServerThread.ts).
 *
 * @since 0.2.0
 */
import { parentPort, workerData } from "node:worker_threads"
import * as LocalOssServer from "@resumable-upload/server/LocalOssServer"
import type { WorkerReply, WorkerRequest } from "./EmbeddedServerThread.ts"

const port = parentPort
if (port === null) throw new Error("EmbeddedServerWorker: not started as a worker thread")
const reply = (message: WorkerReply): void => port.postMessage(message)

try {
  const server = await LocalOssServer.start(workerData as LocalOssServer.LocalOssServerOptions)
  port.on("message", (message: WorkerRequest) => {
    if (message._tag !== "Close") return
    server.close().then(
      () => reply({ _tag: "Closed" }),
      (e: unknown) => reply({ _tag: "CloseFailed", message: e instanceof Error ? e.message : String(e) })
    )
  })
  reply({ _tag: "Started", url: server.url })
} catch (e) {
  reply({
    _tag: "StartFailed",
    startError: e instanceof LocalOssServer.ServerStartError,
    message: e instanceof Error ? e.message : String(e)
  })
}
