/**
 * The README's runnable examples. A fenced block right after an `<!-- example: NAME -->` comment is one: NAME says
 * how the package test runs it (see packageSmoke.mjs), and the block's text is written to a file verbatim. So the
 * README shows only code that a test has run, from the installed packages, exactly as a user would copy it.
 */
import { readFileSync } from "node:fs"

/** `[{ name, lang, code }]` in README order; throws when a marker is not followed by a fenced block. */
export const readmeExamples = (readmePath) => {
  const text = readFileSync(readmePath, "utf8")
  const examples = []
  for (const match of text.matchAll(/<!-- example: ([a-z0-9-]+) -->\s*\n```([a-z]*)\n([\s\S]*?)\n```/g)) {
    const [, name, lang, code] = match
    examples.push({ name, lang, code: `${code}\n` })
  }
  const markers = [...text.matchAll(/<!-- example: ([a-z0-9-]+) -->/g)].map((m) => m[1])
  const found = examples.map((e) => e.name)
  const lost = markers.filter((m) => !found.includes(m))
  if (lost.length > 0) throw new Error(`README: no fenced block after <!-- example: ${lost.join(", ")} -->`)
  return examples
}
