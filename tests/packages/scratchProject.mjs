/**
 * Packs the workspace's packages and installs the tarballs into a scratch project, as a user's `npm install` would:
 * from the registry for everything else (effect, spark-md5, fast-xml-parser, ...), with the project's own
 * `npm install`. Checks what a tarball holds and that the install has one `effect`.
 */
import { execFileSync } from "node:child_process"
import { existsSync, mkdirSync, readdirSync, writeFileSync } from "node:fs"
import { join } from "node:path"

/** `npm pack --workspaces` into `dest`; returns `[{ name, file, packedBytes, files }]`, checked. */
export const packAll = (repo, dest) => {
  mkdirSync(dest, { recursive: true })
  const json = execFileSync("npm", ["pack", "--workspaces", "--json", "--pack-destination", dest], {
    cwd: repo,
    encoding: "utf8",
    stdio: ["ignore", "pipe", "pipe"]
  })
  const packs = JSON.parse(json).map((p) => ({
    name: p.name,
    file: join(dest, p.filename),
    packedBytes: p.size,
    files: p.files.map((f) => f.path)
  }))
  for (const p of packs) {
    const problems = []
    if (!p.files.includes("dist/mod.js")) problems.push("no dist/mod.js")
    if (!p.files.includes("dist/mod.d.ts")) problems.push("no dist/mod.d.ts")
    if (!p.files.includes("dist/mod.js.map")) problems.push("no source map")
    const stray = p.files.filter((f) => /(^|\/)tests?\/|\.test\.|(?<!\.d)\.ts$|tsbuildinfo/.test(f))
    if (stray.length > 0) problems.push(`should not ship ${stray.slice(0, 5).join(", ")}`)
    if (problems.length > 0) throw new Error(`${p.name}: ${problems.join("; ")}`)
  }
  return packs
}

/** Writes a fresh `package.json` naming every tarball and runs `npm install` there. */
export const installScratch = (app, packs) => {
  mkdirSync(app, { recursive: true })
  const dependencies = Object.fromEntries(packs.map((p) => [p.name, `file:${p.file}`]))
  dependencies.effect = "^4.1.5"
  writeFileSync(
    join(app, "package.json"),
    `${JSON.stringify({ name: "scratch-app", private: true, type: "module", dependencies }, null, 2)}\n`
  )
  execFileSync("npm", ["install", "--no-audit", "--no-fund", "--loglevel=error"], {
    cwd: app,
    stdio: ["ignore", "pipe", "pipe"]
  })
  // Every `node_modules/effect` in the tree: the packages in each node_modules (and its @scopes), then theirs.
  const effects = []
  const scanModules = (modules) => {
    for (const entry of readdirSync(modules, { withFileTypes: true })) {
      if (!entry.isDirectory() && !entry.isSymbolicLink()) continue
      const full = join(modules, entry.name)
      if (entry.name.startsWith("@")) scanPackages(readdirSync(full).map((n) => join(full, n)))
      else scanPackages([full])
    }
  }
  const scanPackages = (dirs) => {
    for (const dir of dirs) {
      if (dir.endsWith("/node_modules/effect")) effects.push(dir)
      if (existsSync(join(dir, "node_modules"))) scanModules(join(dir, "node_modules"))
    }
  }
  scanModules(join(app, "node_modules"))
  if (effects.length !== 1)
    throw new Error(`expected one copy of effect, found ${effects.length}: ${effects.join(", ")}`)
  return `${packs.length} packages from their tarballs; effect at ${effects[0].slice(app.length + 1)}`
}
