#!/usr/bin/env node
/**
 * The `resumable-upload` executable. `--version` is answered before the CLI (and Effect) is loaded, so scripts that
 * probe for the tool pay only Node's own start-up; everything else loads the command line and runs it.
 *
 * @since 0.2.0
 */
import { argv, exit, stdout } from "node:process"

const args = argv.slice(2)
if (args.length === 1 && (args[0] === "--version" || args[0] === "-v")) {
  stdout.write(`${(await import("./version.ts")).version}\n`)
} else {
  const { run } = await import("./main.ts")
  exit(await run(args))
}
