/**
 * How the HTTP executor hands a request body (a part, a Complete document) to Effect's HTTP client: as the bytes
 * themselves (`HttpBody.uint8Array`) or wrapped in a `Blob` (`HttpBody.raw(blob)`, which `FetchHttpClient` passes to
 * `fetch` as is).
 *
 * The default depends on the runtime, because neither form is right everywhere:
 * - In a browser (a page or a worker), Chromium sends `Uint8Array`/`ArrayBuffer` bodies at about 10 MiB/s but
 *   `Blob` bodies at 100–260 MiB/s (docs/environment.md §4.2). Wrapping costs one copy in memory, which is much
 *   cheaper than that difference, so browsers get `"blob"`.
 * - Elsewhere (Node, Deno, Bun, workerd) the bytes go out fast as they are, and `@effect/platform-node`'s
 *   `NodeHttpClient` (the CLI's client) writes a raw body straight to the socket, which cannot take a `Blob` at all:
 *   there the default is `"bytes"`, the same request as ever, with no extra copy.
 *
 * In a page, one copy of a 5 MiB part takes 20–40 ms of the main thread (60–130 ms for 16 MiB on the reference
 * machine), so {@link makeYielding} builds a large Blob from 1 MiB pieces, one per task, and joins them (a Blob of
 * Blobs copies nothing): the page stays responsive while parts are prepared.
 *
 * Either form carries the same Content-Type and Content-Length, and signing never sees the difference: the body is
 * hashed (or MD5-summed) from the bytes before it is wrapped.
 *
 * **Gotcha**: a DOM emulation under Node (jsdom, happy-dom) looks like a browser; give such tests `"bytes"` with
 * `Effect.provideService(RequestBodyForm, "bytes")`, which also overrides the default anywhere else.
 *
 * @since 0.1.0
 */
import * as Context from "effect/Context"
import * as Effect from "effect/Effect"
import * as HttpBody from "effect/http/HttpBody"

/** @category models */
export type BodyForm = "bytes" | "blob"

/** A page has a `document`; a dedicated, shared or service worker has `WorkerGlobalScope`; Node and Deno neither. */
export const isBrowserLike = (global: object = globalThis): boolean =>
  typeof (global as { readonly document?: unknown }).document === "object" ||
  typeof (global as { readonly WorkerGlobalScope?: unknown }).WorkerGlobalScope === "function"

/** The body form the executor uses; defaults to `"blob"` in browsers, `"bytes"` elsewhere. @category references */
export const RequestBodyForm = Context.Reference<BodyForm>("resumable-upload/RequestBodyForm", {
  defaultValue: () => (isBrowserLike() ? "blob" : "bytes")
})

/** The HTTP body for `bytes` in `form`, with the same headers either way. @category constructors */
export const make = (bytes: Uint8Array, contentType: string | undefined, form: BodyForm): HttpBody.HttpBody => {
  if (form === "bytes") return HttpBody.uint8Array(bytes, contentType)
  // A part is never a view of a SharedArrayBuffer (sources read into fresh buffers), which `BlobPart` excludes.
  const blob = new Blob([bytes as Uint8Array<ArrayBuffer>])
  return HttpBody.raw(blob, { contentType: contentType ?? "application/octet-stream", contentLength: bytes.length })
}

/** Bodies up to this size are wrapped in one task. @category constants */
export const pieceBytes = 1024 * 1024

/** Resolves in a later task (a MessageChannel message: no timer clamping), so input and rendering get a turn. */
const nextTask = Effect.callback<void>((resume) => {
  const channel = new MessageChannel()
  channel.port1.onmessage = () => {
    channel.port1.close()
    resume(Effect.void)
  }
  channel.port2.postMessage(undefined)
})

/**
 * {@link make}, but a large body in `"blob"` form is copied one {@link pieceBytes} piece per task, so no single
 * task of the page copies a whole part. The same body and headers as `make`.
 *
 * @category constructors
 */
export const makeYielding = (
  bytes: Uint8Array,
  contentType: string | undefined,
  form: BodyForm
): Effect.Effect<HttpBody.HttpBody> => {
  if (form === "bytes" || bytes.length <= pieceBytes) return Effect.succeed(make(bytes, contentType, form))
  return Effect.gen(function* () {
    const pieces: Array<Blob> = []
    for (let offset = 0; offset < bytes.length; offset += pieceBytes) {
      if (offset > 0) yield* nextTask
      pieces.push(new Blob([bytes.subarray(offset, offset + pieceBytes) as Uint8Array<ArrayBuffer>]))
    }
    const blob = new Blob(pieces)
    return HttpBody.raw(blob, { contentType: contentType ?? "application/octet-stream", contentLength: bytes.length })
  })
}
