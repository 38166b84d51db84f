// Bundles the `resumable-upload` executable into dist/bundle/resumable-upload.js after `tsc -b` has emitted dist/: one file with the
// command line, its packages and effect, so a command starts in a fraction of a second instead of loading some
// hundred ES modules one by one (1.4 s cold on the reference machine; see docs/measurements.md). The unbundled
// modules stay in dist/ for `import { run } from "resumable-upload"`.
import { rmSync } from "node:fs"
import { build } from "esbuild"

const dist = new URL("./dist/", import.meta.url).pathname
// Chunk names carry content hashes: without a clean start, every earlier build's chunks would stay and be packed.
rmSync(`${dist}bundle`, { recursive: true, force: true })
await build({
  // The embedded store's server and the part hashers run in worker threads from entries of their own, found next to
  // the executable (NodeWorkerHasher looks for NodeHashWorker.js beside the chunk it was bundled into).
  entryPoints: {
    "resumable-upload": `${dist}bin.js`,
    EmbeddedServerWorker: `${dist}EmbeddedServerWorker.js`,
    NodeHashWorker: new URL("../node/dist/NodeHashWorker.js", import.meta.url).pathname
  },
  outdir: `${dist}bundle`,
  // `--version` then loads only the entry chunk; the rest is loaded on the first real command.
  splitting: true,
  minify: true,
  entryNames: "[name]",
  chunkNames: "[name]-[hash]",
  bundle: true,
  platform: "node",
  format: "esm",
  target: "node22",
  sourcemap: false,
  logLevel: "warning",
  // cli-progress is CommonJS and `require`s Node builtins, which an ES module does not have.
  banner: {
    js: 'import { createRequire as __createRequire } from "node:module"; const require = __createRequire(import.meta.url);'
  }
})
