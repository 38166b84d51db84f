/**
 * The local server for the package test, started from the README's `serve` block with the installed binary, the
 * way a user starts it: the block's environment assignments and `npx resumable-upload serve …` flags are taken as
 * written; only `--data-dir` is pointed into the scratch project.
 */
import { spawn } from "node:child_process"
import { join } from "node:path"

/** The `NAME=value` pairs the serve block exports (the keys the examples sign with). */
export const serverKeys = (block) =>
  Object.fromEntries([...block.matchAll(/\b([A-Z][A-Z0-9_]+)=(\S+)/g)].map((m) => [m[1], m[2]]))

/** Starts the server; resolves with `{ url, stop }` once it prints that it serves, rejects after 30 s. */
export const startServer = (app, block) => {
  const line = block.split("\n").find((l) => l.includes("resumable-upload serve"))
  if (line === undefined) throw new Error("the README's serve block has no `resumable-upload serve` line")
  const flags = line
    .slice(line.indexOf("serve") + "serve".length)
    .replace(/#.*/, "")
    .replace(/&\s*$/, "")
    .trim()
  const args = [
    join(app, "node_modules/resumable-upload/dist/bundle/resumable-upload.js"),
    "serve",
    ...flags.split(/\s+/).filter(Boolean)
  ]
  args.push("--data-dir", join(app, ".server-data"))
  const child = spawn(process.execPath, args, { cwd: app, env: { ...process.env, ...serverKeys(block) } })
  let output = ""
  return new Promise((resolvePromise, reject) => {
    const timer = setTimeout(() => reject(new Error(`no "serving" line after 30 s: ${output}`)), 30_000)
    const onData = (chunk) => {
      output += chunk
      const m = /serving OSS and S3 at (http:\/\/\S+)/.exec(output)
      if (m === null) return
      clearTimeout(timer)
      resolvePromise({
        url: m[1],
        stop: () =>
          new Promise((done) => {
            child.once("exit", done)
            child.kill("SIGTERM")
          })
      })
    }
    child.stdout.on("data", onData)
    child.stderr.on("data", (c) => (output += c))
    child.once("exit", (code) => reject(new Error(`the server exited with ${code}: ${output}`)))
  })
}
