/**
 * The demo page's signing endpoint refuses what its policy does not allow, and the page says why: a bucket it does
 * not sign for, a key outside its prefix, a part larger than its maximum, a URL lifetime above its expiry bound.
 * Each upload fails at once (a refusal is not retried) with the endpoint's rule and message on the page, and the
 * store never sees a request the endpoint refused to sign.
 */
import { afterAll, assert, beforeAll, describe, it } from "@effect/vitest"
import type { Page } from "playwright-core"
import { chromiumGate } from "./chromiumPage.ts"
import { addOpfsFiles, type DemoSession, MiB, openDemoSession, waitRows } from "./demoSession.ts"

const found = chromiumGate("the demo page policy tests")

describe.skipIf(!found)("the demo page's signing endpoint refuses requests outside its policy", () => {
  let session: DemoSession

  beforeAll(async () => {
    session = await openDemoSession({
      buckets: ["demo"],
      keyPrefix: "in/",
      maxPartSizeBytes: 8 * MiB,
      maxExpiresInSeconds: 900
    })
  }, 60_000)

  afterAll(async () => {
    await session?.close()
  })

  const refused = async (settings: Record<string, string>, name: string, rule: string, message: string) => {
    const { context, page } = await session.openPage()
    const fill = async (p: Page) => {
      for (const [id, value] of Object.entries(settings)) await p.fill(`#${id}`, value)
    }
    await fill(page)
    await addOpfsFiles(page, [{ name, sizeBytes: 12 * MiB, seed: 5 }])
    const [row] = await waitRows(page, (r) => r[0]?.state === "failed" || r[0]?.state === "completed", 30_000)
    assert.strictEqual(row?.state, "failed")
    const shown = (await page.textContent(`li[data-state="failed"] .error`)) ?? ""
    assert.include(shown, `rule ${rule}`, shown)
    assert.include(shown, message, shown)
    await context.close()
    return shown
  }

  it("a bucket it does not sign for", async () => {
    const shown = await refused({ bucket: "other" }, "a.bin", "bucket", "bucket other is not allowed")
    assert.isFalse(
      session.proxy.log.some((e) => e.path.startsWith("/other")),
      "a refused request reached the store"
    )
    console.log(`shown on the page: ${shown}`)
  }, 60_000)

  it("a key outside its prefix", async () => {
    await refused({ keyPrefix: "elsewhere/" }, "b.bin", "keyPrefix", 'key must start with "in/"')
    assert.isFalse(session.proxy.log.some((e) => e.path.includes("/elsewhere/")))
  }, 60_000)

  it("a part larger than its maximum", async () => {
    await refused({ partSizeMiB: "10" }, "c.bin", "maxObjectSize", `exceeds ${8 * MiB}`)
    // 12 MiB in parts of 10 MiB: the first part is refused (the 2 MiB second may be signed and sent meanwhile).
    const puts = session.proxy.log.filter((e) => e.path === "/demo/in/c.bin" && e.method === "PUT")
    assert.isFalse(
      puts.some((e) => e.query.partNumber === "1"),
      JSON.stringify(puts.map((e) => e.query))
    )
  }, 60_000)

  it("a URL lifetime above its expiry bound", async () => {
    await refused({ expiresInSeconds: "3600" }, "d.bin", "expiry", "expiresInSeconds 3600 exceeds 900")
    assert.isFalse(session.proxy.log.some((e) => e.path === "/demo/in/d.bin"))
  }, 60_000)
})
