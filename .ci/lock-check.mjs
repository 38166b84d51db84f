#!/usr/bin/env node
// Fails when package-lock.json lacks an optional platform package that a locked package declares.
//
// Packages with native binaries (biome, deno, esbuild) list one optional dependency per platform. The registry
// reachable here serves the metadata of every platform build but the tarballs of only some, so a plain
// `npm install` can leave the others out of the lock, and `npm ci` then rejects it as "not in sync" (EUSAGE) on a
// fresh clone. `npm install --package-lock-only` resolves them all from metadata; this check keeps it that way.
import fs from "node:fs"
import path from "node:path"

const lockPath = path.resolve(path.dirname(new URL(import.meta.url).pathname), "../package-lock.json")
const lock = JSON.parse(fs.readFileSync(lockPath, "utf8"))
const missing = []
for (const [where, entry] of Object.entries(lock.packages)) {
  for (const [name, version] of Object.entries(entry.optionalDependencies ?? {})) {
    const nested = `${where === "" ? "" : `${where}/`}node_modules/${name}`
    if (!lock.packages[nested] && !lock.packages[`node_modules/${name}`]) missing.push(`${name}@${version}`)
  }
}
if (missing.length > 0) {
  console.error(`lock-check: package-lock.json lacks ${missing.length} optional packages (${missing.join(", ")}).`)
  console.error(
    "lock-check: `npm ci` would reject it on a fresh clone; run `npm install --package-lock-only` and commit."
  )
  process.exit(1)
}
console.log("lock-check: every optional platform package is in package-lock.json")
