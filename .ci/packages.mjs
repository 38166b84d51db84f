#!/usr/bin/env node
// The workspace's packages, in layer order (each may depend only on packages above it), and the manifests derived
// from them: every package's package.json `exports`/`dependencies` and its deno.json (JSR) `exports`.
//
//   node .ci/packages.mjs          rewrite the derived fields (after adding a module or an import)
//   node .ci/packages.mjs --check  fail, naming the file, when a manifest is out of date or an import breaks the
//                                  layer order (the test command runs it)
//
// The dependencies of a package are read off its imports, so a manifest can never claim less than the code uses;
// the layer order below is what stops an arrow from pointing up or sideways (oss and s3 never meet). Also writes
// each package's LICENSE (the root one) and a short README.md (its description).
import fs from "node:fs"
import path from "node:path"

// `--root DIR` checks another tree laid out the same way (the tests use it on a small fake workspace).
const rootFlag = process.argv.indexOf("--root")
const root =
  rootFlag === -1
    ? path.resolve(path.dirname(new URL(import.meta.url).pathname), "..")
    : path.resolve(process.argv[rootFlag + 1])
export const version = "0.2.0"
export const effectRange = "^4.1.5"
/** Layer order: a package may import only packages listed before it, and only those it names in `may`. */
export const packages = [
  { dir: "core", name: "@resumable-upload/core", lib: "core", may: [] },
  { dir: "adapters/portable", name: "@resumable-upload/portable", lib: "portable", may: ["core"] },
  { dir: "adapters/http", name: "@resumable-upload/http", lib: "web", may: ["core"] },
  { dir: "adapters/oss", name: "@resumable-upload/oss", lib: "web", may: ["core", "http"] },
  { dir: "adapters/s3", name: "@resumable-upload/s3", lib: "web", may: ["core", "http"] },
  { dir: "adapters/signer", name: "@resumable-upload/signer", lib: "web", may: ["core", "http", "oss", "s3"] },
  { dir: "adapters/sim", name: "@resumable-upload/sim", lib: "portable", may: ["core"] },
  { dir: "adapters/node", name: "@resumable-upload/node", lib: "node", may: ["core", "portable"] },
  { dir: "adapters/deno", name: "@resumable-upload/deno", lib: "deno", may: ["core", "portable"] },
  { dir: "adapters/browser", name: "@resumable-upload/browser", lib: "web", may: ["core", "portable", "http"] },
  {
    dir: "adapters/server",
    name: "@resumable-upload/server",
    lib: "node",
    may: ["core", "portable", "http", "oss", "s3", "signer", "sim", "node"]
  },
  {
    dir: "adapters/cli",
    name: "resumable-upload",
    lib: "node",
    may: ["core", "portable", "http", "oss", "s3", "sim", "node", "server"]
  }
]
const short = (p) => p.dir.split("/").pop()
const byName = Object.fromEntries(packages.map((p) => [p.name, p]))

const walk = (dir) =>
  fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    if (e.name === "dist" || e.name === "node_modules" || e.name.startsWith(".")) return []
    const full = path.join(dir, e.name)
    return e.isDirectory() ? walk(full) : [full]
  })
/** The package's modules: every .ts file but declarations, as paths relative to the package without `.ts`. */
export const modulesOf = (p) =>
  walk(path.join(root, p.dir))
    .filter((f) => f.endsWith(".ts") && !f.endsWith(".d.ts"))
    .map((f) => path.relative(path.join(root, p.dir), f).replace(/\.ts$/, ""))
    .sort()
/** Bare specifiers imported by a package's modules: `{ name → Set(subpaths) }`. */
export const importsOf = (p) => {
  const found = new Map()
  for (const m of modulesOf(p)) {
    const text = fs.readFileSync(path.join(root, p.dir, `${m}.ts`), "utf8")
    const specs = [
      ...text.matchAll(/^(?:import|export)\s[^"]*?\sfrom\s+"([^"]+)"/gm),
      ...text.matchAll(/^import\s+"([^"]+)"/gm),
      ...text.matchAll(/\bawait import\(\s*"([^"]+)"\s*\)/g)
    ].map((m) => m[1])
    for (const spec of specs) {
      if (spec.startsWith(".")) continue
      if (spec.startsWith("node:")) continue
      const name = spec.startsWith("@") ? spec.split("/").slice(0, 2).join("/") : spec.split("/")[0]
      if (!found.has(name)) found.set(name, new Set())
      found.get(name).add(spec.slice(name.length).replace(/^\//, "") || ".")
    }
  }
  return found
}

const rootManifest = JSON.parse(fs.readFileSync(path.join(root, "package.json"), "utf8"))
const pinned = { ...rootManifest.devDependencies }
const problems = []
const outputs = []

for (const p of packages) {
  const dir = path.join(root, p.dir)
  const manifestPath = path.join(dir, "package.json")
  const manifest = JSON.parse(fs.readFileSync(manifestPath, "utf8"))
  const dependencies = {}
  const peerDependencies = {}
  for (const [name] of importsOf(p)) {
    if (name === "effect") peerDependencies.effect = effectRange
    else if (byName[name]) {
      if (!p.may.includes(short(byName[name])))
        problems.push(`${p.dir} imports ${name}, which is not below it (allowed: ${p.may.join(", ") || "none"})`)
      dependencies[name] = version
    } else if (name === "@effect/platform-node") dependencies[name] = pinned[name] ?? "missing"
    else if (pinned[name] || rootManifest.dependencies?.[name])
      dependencies[name] = pinned[name] ?? rootManifest.dependencies[name]
    else problems.push(`${p.dir} imports ${name}, which the workspace root does not pin`)
  }
  const sorted = (o) => Object.fromEntries(Object.entries(o).sort(([a], [b]) => a.localeCompare(b)))
  const exportsField = {
    ".": { "@resumable-upload/source": "./mod.ts", types: "./dist/mod.d.ts", default: "./dist/mod.js" },
    "./*": { "@resumable-upload/source": "./*.ts", types: "./dist/*.d.ts", default: "./dist/*.js" },
    "./package.json": "./package.json"
  }
  const next = {
    ...manifest,
    version,
    type: "module",
    license: "MIT",
    engines: { node: rootManifest.engines.node },
    sideEffects: false,
    exports: exportsField,
    files: ["dist", "!dist/.tsbuildinfo"],
    dependencies: sorted(dependencies),
    peerDependencies: sorted(peerDependencies)
  }
  if (Object.keys(next.dependencies).length === 0) delete next.dependencies
  // A module `X.browser.ts` replaces its sibling `X.ts` in browser bundles (the `browser` field, which esbuild,
  // webpack, Vite and Rollup's node-resolve honour), for the sources and for dist alike.
  const browserModules = modulesOf(p).filter((m) => m.endsWith(".browser"))
  delete next.browser
  if (browserModules.length > 0) {
    next.browser = Object.fromEntries(
      browserModules.flatMap((m) => {
        const base = m.slice(0, -".browser".length)
        return [
          [`./${base}.ts`, `./${m}.ts`],
          [`./dist/${base}.js`, `./dist/${m}.js`]
        ]
      })
    )
  }
  outputs.push([manifestPath, `${JSON.stringify(next, null, 2)}\n`])

  const libs = {
    core: { lib: ["ES2022"], types: [] },
    portable: { lib: ["ES2022"], types: [] },
    web: { lib: ["ES2022", "DOM"], types: [] },
    deno: { lib: ["ES2022", "DOM"], types: [] },
    node: { lib: ["ES2022"], types: ["node"] }
  }
  const up = path.relative(dir, root)
  const tsconfig = {
    extends: `${up}/tsconfig.base.json`,
    compilerOptions: {
      ...libs[p.lib],
      composite: true,
      noEmit: false,
      rootDir: ".",
      outDir: "dist",
      tsBuildInfoFile: "dist/.tsbuildinfo",
      declaration: true,
      sourceMap: true,
      inlineSources: true,
      rewriteRelativeImportExtensions: true
    },
    include: ["**/*.ts"],
    exclude: ["dist", "node_modules"],
    references: Object.keys(next.dependencies ?? {})
      .filter((name) => byName[name])
      .map((name) => ({ path: path.relative(dir, path.join(root, byName[name].dir)) }))
  }
  // npm shows a package's own README and ships its LICENSE only from the package folder.
  outputs.push([path.join(dir, "LICENSE"), fs.readFileSync(path.join(root, "LICENSE"), "utf8")])
  outputs.push([
    path.join(dir, "README.md"),
    `# ${p.name}\n\n${manifest.description}.\n\nPart of resumable-upload: see the project README for installation, quick starts for Node, Deno,\nBun and browsers, and the command line.\n`
  ])
  outputs.push([path.join(dir, "tsconfig.json"), `${JSON.stringify(tsconfig, null, 2)}\n`])

  const denoPath = path.join(dir, "deno.json")
  const deno = {
    name: p.name.startsWith("@") ? p.name : "@resumable-upload/cli",
    version,
    license: "MIT",
    exports: Object.fromEntries(modulesOf(p).map((m) => [m === "mod" ? "." : `./${m}`, `./${m}.ts`])),
    publish: { exclude: ["dist", "tsconfig.json", "package.json"] }
  }
  outputs.push([denoPath, `${JSON.stringify(deno, null, 2)}\n`])
}

const check = process.argv.includes("--check")
for (const [file, text] of outputs) {
  const current = fs.existsSync(file) ? fs.readFileSync(file, "utf8") : ""
  if (current === text) continue
  if (check) problems.push(`${path.relative(root, file)} is out of date: run node .ci/packages.mjs`)
  else fs.writeFileSync(file, text)
}
if (problems.length > 0) {
  for (const line of problems) console.error(`packages: ${line}`)
  process.exit(1)
}
console.log(`packages: ${packages.length} manifests ${check ? "up to date" : "written"}`)
