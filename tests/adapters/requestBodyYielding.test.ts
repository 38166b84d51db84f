/**
 * `RequestBodyForm.makeYielding`: a large body in Blob form is copied one 1 MiB piece per task, so other tasks (a
 * page's input and rendering) run while a part is prepared; the Blob holds exactly the bytes, with the same headers
 * as `make`. Small bodies and the `"bytes"` form are wrapped at once, as before.
 */
import { assert, describe, it } from "@effect/vitest"
import * as Effect from "effect/Effect"
import * as RequestBodyForm from "../../adapters/http/RequestBodyForm.ts"

const MiB = 1024 * 1024
const bytes = new Uint8Array(3 * MiB + 5).map((_, i) => (i * 13) & 0xff)

const blobOf = (body: unknown): Blob => {
  const raw = body as { _tag: string; body: unknown; contentType: string; contentLength: number }
  assert.strictEqual(raw._tag, "Raw")
  assert.instanceOf(raw.body, Blob)
  return raw.body as Blob
}

describe("RequestBodyForm.makeYielding", () => {
  it("builds the same Blob as make, letting other tasks run between its pieces", async () => {
    let otherTasks = 0
    const timer = setInterval(() => {
      otherTasks += 1
    }, 0)
    let body: unknown
    try {
      const ticking = (async () => {
        // Other tasks get turns while the body is built: without yielding, none would run before it is done.
        const built = Effect.runPromise(RequestBodyForm.makeYielding(bytes, "application/x-test", "blob"))
        const before = otherTasks
        body = await built
        return otherTasks - before
      })()
      assert.isAtLeast(await ticking, 1)
    } finally {
      clearInterval(timer)
    }
    const blob = blobOf(body)
    assert.strictEqual(blob.size, bytes.length)
    assert.isTrue(Buffer.from(await blob.arrayBuffer()).equals(Buffer.from(bytes)))
    const once = RequestBodyForm.make(bytes, "application/x-test", "blob") as unknown as Record<string, unknown>
    const yielded = body as Record<string, unknown>
    assert.strictEqual(yielded.contentType, once.contentType)
    assert.strictEqual(yielded.contentLength, once.contentLength)
  })

  it("wraps small bodies and the bytes form at once", async () => {
    const small = bytes.subarray(0, MiB)
    const blob = blobOf(Effect.runSync(RequestBodyForm.makeYielding(small, undefined, "blob")))
    assert.strictEqual(blob.size, MiB)
    const raw = Effect.runSync(RequestBodyForm.makeYielding(bytes, undefined, "bytes")) as unknown as {
      _tag: string
      body: Uint8Array
    }
    assert.strictEqual(raw._tag, "Uint8Array")
    assert.strictEqual(raw.body, bytes)
  })
})
