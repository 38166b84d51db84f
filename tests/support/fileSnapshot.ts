/**
 * What a test looks at to prove that nothing was written where it should not be: a listing of a directory tree
 * with sizes (compared before and after), and a search by name for a marker a hostile request tried to plant.
 */
import { readdirSync, statSync } from "node:fs"
import { join, relative } from "node:path"

/** Every path under `dir` but `skip`, with its size, so anything created or grown outside the data dir shows. */
export const snapshot = (dir: string, skip: string): ReadonlyArray<string> => {
  const out: Array<string> = []
  const walk = (d: string) => {
    for (const name of readdirSync(d)) {
      const path = join(d, name)
      if (path === skip) continue
      const st = statSync(path)
      out.push(`${relative(dir, path)} ${st.isDirectory() ? "dir" : st.size}`)
      if (st.isDirectory()) walk(path)
    }
  }
  walk(dir)
  return out.sort()
}

/** Paths up to `depth` levels under `dir` whose name contains `marker` (hidden directories and node_modules skipped). */
export const namesContaining = (dir: string, marker: string, depth: number): ReadonlyArray<string> => {
  const found: Array<string> = []
  const walk = (d: string, left: number) => {
    let names: Array<string> = []
    try {
      names = readdirSync(d)
    } catch {
      return
    }
    for (const name of names) {
      if (name.includes(marker)) found.push(join(d, name))
      if (left > 0 && !name.startsWith(".") && name !== "node_modules") {
        try {
          if (statSync(join(d, name)).isDirectory()) walk(join(d, name), left - 1)
        } catch {}
      }
    }
  }
  walk(dir, depth)
  return found
}
