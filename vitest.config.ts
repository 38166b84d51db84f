import { existsSync, readdirSync, readFileSync } from "node:fs"
import { join } from "node:path"
import { defineConfig, type Plugin } from "vitest/config"

// Workspace packages import each other by name (`@resumable-upload/core/ports/Hasher`). Tests run the TypeScript
// sources, not dist/: this resolver maps a package name and subpath to the source file, as the packages'
// `@resumable-upload/source` export condition does for tsc and esbuild. (A resolve condition would do it too, but
// replacing Vite's conditions also changes how it resolves third-party packages such as the AWS SDK.)
const root = import.meta.dirname
const packageDirs = new Map(
  ["core", ...readdirSync(join(root, "adapters")).map((d) => `adapters/${d}`)]
    .filter((dir) => existsSync(join(root, dir, "package.json")))
    .map((dir) => [JSON.parse(readFileSync(join(root, dir, "package.json"), "utf8")).name as string, dir])
)
const workspaceSources: Plugin = {
  name: "workspace-sources",
  enforce: "pre",
  resolveId(id) {
    const match = /^(@resumable-upload\/[^/]+|resumable-upload)(?:\/(.+))?$/.exec(id)
    if (match === null) return null
    const [, name = "", subpath = "mod"] = match
    const dir = packageDirs.get(name)
    return dir === undefined ? null : join(root, dir, `${subpath}.ts`)
  }
}

export default defineConfig({
  plugins: [workspaceSources],
  test: {
    include: ["tests/**/*.test.ts"],
    testTimeout: 120_000
  }
})
