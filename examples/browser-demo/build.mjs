// Builds the demo page into a directory: index.html as it is, demo.js, an esbuild bundle of src/main.ts with
// the workspace packages read from their TypeScript sources, and hashWorker.js (the browser package's hash worker). `node examples/browser-demo/build.mjs OUTDIR`; the
// CLI's bundle script calls `buildDemo` to put the page next to the executable, and the tests call it too.
import { copyFile, mkdir } from "node:fs/promises"
import path from "node:path"
import { fileURLToPath } from "node:url"
import { build } from "esbuild"

const here = path.dirname(fileURLToPath(import.meta.url))

/** Writes index.html and demo.js into `outdir`; returns the bundle's size in bytes. */
export const buildDemo = async (outdir, { minify = true } = {}) => {
  await mkdir(outdir, { recursive: true })
  const result = await build({
    // The hash worker is its own module, loaded by the page with `new Worker(new URL("./hashWorker.js", …))`.
    entryPoints: {
      demo: path.join(here, "src/main.ts"),
      hashWorker: path.join(here, "../../adapters/browser/hashWorker.ts")
    },
    outdir,
    bundle: true,
    minify,
    platform: "browser",
    format: "esm",
    target: "es2022",
    conditions: ["@resumable-upload/source"],
    metafile: true,
    logLevel: "warning"
  })
  await copyFile(path.join(here, "index.html"), path.join(outdir, "index.html"))
  return Object.values(result.metafile.outputs).reduce((sum, o) => sum + o.bytes, 0)
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const outdir = path.resolve(process.argv[2] ?? "dist/browser-demo")
  const bytes = await buildDemo(outdir)
  process.stdout.write(`demo page built into ${outdir} (demo.js: ${bytes} bytes)\n`)
}
