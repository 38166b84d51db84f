#!/usr/bin/env node
// The browser bundle's size for one dialect: what a page that uploads to S3 only (or OSS only) ships. Builds, with
// the workspace's esbuild and the packages' sources, a minimal page entry — `upload` from @resumable-upload/browser
// (Blob source, checkpoints, FetchHttpClient) plus `s3Store` or `ossStore` — minified for the browser, and prints
// minified and gzip sizes, the largest inputs by package, and whether the other dialect's code got in (it must not:
// exit 1 when it does).
//
//   node bench/bundle-size.mjs            sizes and the top inputs
//   node bench/bundle-size.mjs --json     one JSON line per dialect (for scripts)
//   node bench/bundle-size.mjs --max-gzip-kib 45   also exit 1 when a bundle is larger
import path from "node:path"
import { gzipSync } from "node:zlib"
import * as esbuild from "esbuild"

const root = path.resolve(path.dirname(new URL(import.meta.url).pathname), "..")
const json = process.argv.includes("--json")
const maxFlag = process.argv.indexOf("--max-gzip-kib")
const maxGzipKib = maxFlag === -1 ? undefined : Number(process.argv[maxFlag + 1])

const entries = {
  s3: `import { upload } from "@resumable-upload/browser/upload"
import { s3Store } from "@resumable-upload/s3/s3Store"
globalThis.start = (file, signer) => upload({ store: s3Store({ endpoint: "https://s3.example", signer }), file, bucket: "b", key: "k" })`,
  oss: `import { upload } from "@resumable-upload/browser/upload"
import { ossStore } from "@resumable-upload/oss/ossStore"
globalThis.start = (file, signer) => upload({ store: ossStore({ endpoint: "https://oss.example", region: "cn-hangzhou", signer }), file, bucket: "b", key: "k" })`
}
const otherDialect = { s3: "adapters/oss/", oss: "adapters/s3/" }

/** Which package (or npm module) an input path belongs to. */
const ownerOf = (input) => {
  const npm = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(input)
  if (npm && !npm[1].startsWith("@resumable-upload/")) return npm[1]
  const local = /(core|adapters\/[^/]+)\//.exec(input)
  return local ? local[1] : input
}

let failed = false
for (const [dialect, contents] of Object.entries(entries)) {
  const result = await esbuild.build({
    stdin: { contents, resolveDir: root, sourcefile: `bundle-size-${dialect}.js`, loader: "js" },
    bundle: true,
    write: false,
    minify: true,
    format: "esm",
    platform: "browser",
    target: "es2022",
    conditions: ["@resumable-upload/source"],
    metafile: true,
    logLevel: "error"
  })
  const code = result.outputFiles[0].contents
  const minBytes = code.length
  const gzipBytes = gzipSync(code, { level: 9 }).length
  const output = Object.values(result.metafile.outputs)[0]
  const byOwner = new Map()
  for (const [input, { bytesInOutput }] of Object.entries(output.inputs)) {
    byOwner.set(ownerOf(input), (byOwner.get(ownerOf(input)) ?? 0) + bytesInOutput)
  }
  const leaked = Object.keys(output.inputs).filter((input) => input.includes(otherDialect[dialect]))
  const top = [...byOwner].sort((a, b) => b[1] - a[1]).slice(0, 8)
  if (json) {
    console.log(JSON.stringify({ dialect, minBytes, gzipBytes, leaked, top: Object.fromEntries(top) }))
  } else {
    console.log(
      `bundle ${dialect}: ${(minBytes / 1024).toFixed(1)} KiB minified, ${(gzipBytes / 1024).toFixed(1)} KiB gzip` +
        ` (upload + blobSource + ${dialect}Store + FetchHttpClient, esbuild --minify)`
    )
    console.log(
      `  largest inputs (minified bytes): ${top.map(([o, b]) => `${o} ${(b / 1024).toFixed(1)}K`).join(", ")}`
    )
  }
  if (leaked.length > 0) {
    console.error(`bundle ${dialect}: carries the other dialect's code: ${leaked.join(", ")}`)
    failed = true
  }
  if (maxGzipKib !== undefined && gzipBytes > maxGzipKib * 1024) {
    console.error(`bundle ${dialect}: ${(gzipBytes / 1024).toFixed(1)} KiB gzip exceeds --max-gzip-kib ${maxGzipKib}`)
    failed = true
  }
}
process.exit(failed ? 1 : 0)
