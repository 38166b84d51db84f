/**
 * The layer checker (.ci/packages.mjs) on a small fake workspace laid out like this one: it must accept imports
 * that point down the layer order and refuse one between the dialects, one pointing up, and a stale manifest.
 */
import { spawnSync } from "node:child_process"
import { cpSync, mkdirSync, mkdtempSync, writeFileSync } from "node:fs"
import { tmpdir } from "node:os"
import { dirname, join, resolve } from "node:path"
import { fileURLToPath } from "node:url"
import { describe, expect, it } from "vitest"

const repo = resolve(dirname(fileURLToPath(import.meta.url)), "../..")
const dirs = [
  "core",
  ...["portable", "http", "oss", "s3", "signer", "sim", "node", "deno", "browser", "server", "cli"].map(
    (d) => `adapters/${d}`
  )
]

/** A workspace where every package's mod.ts imports what `imports` says (default: nothing). */
const fakeWorkspace = (imports: Record<string, ReadonlyArray<string>>): string => {
  const root = mkdtempSync(join(tmpdir(), "layers-"))
  cpSync(join(repo, "LICENSE"), join(root, "LICENSE"))
  writeFileSync(join(root, "package.json"), JSON.stringify({ engines: { node: ">=22.19.0" }, devDependencies: {} }))
  for (const dir of dirs) {
    mkdirSync(join(root, dir), { recursive: true })
    const name = dir === "adapters/cli" ? "resumable-upload" : `@resumable-upload/${dir.split("/").pop()}`
    writeFileSync(join(root, dir, "package.json"), JSON.stringify({ name, description: "x" }))
    const lines = (imports[dir] ?? []).map((spec, i) => `import * as M${i} from "${spec}"\n`)
    writeFileSync(join(root, dir, "mod.ts"), `${lines.join("")}export const x = 1\n`)
  }
  return root
}
const checker = (root: string, ...args: Array<string>) =>
  spawnSync(process.execPath, [join(repo, ".ci/packages.mjs"), "--root", root, ...args], { encoding: "utf8" })

describe(".ci/packages.mjs", () => {
  it("accepts imports down the layer order and writes manifests that --check then accepts", () => {
    const root = fakeWorkspace({ "adapters/oss": ["@resumable-upload/http", "@resumable-upload/core"] })
    expect(checker(root).status).toBe(0)
    const check = checker(root, "--check")
    expect(check.stderr).toBe("")
    expect(check.status).toBe(0)
  })

  it("refuses an import between the dialects and one that points up", () => {
    const root = fakeWorkspace({ "adapters/s3": ["@resumable-upload/oss"], core: ["@resumable-upload/node"] })
    const result = checker(root)
    expect(result.status).toBe(1)
    expect(result.stderr).toContain("adapters/s3 imports @resumable-upload/oss, which is not below it")
    expect(result.stderr).toContain("core imports @resumable-upload/node, which is not below it")
  })

  it("refuses a manifest that no longer matches the imports", () => {
    const root = fakeWorkspace({})
    expect(checker(root).status).toBe(0)
    writeFileSync(
      join(root, "adapters/oss/mod.ts"),
      'import * as C from "@resumable-upload/core"\nexport const x = C\n'
    )
    const result = checker(root, "--check")
    expect(result.status).toBe(1)
    expect(result.stderr).toContain("adapters/oss/package.json is out of date")
  })
})
