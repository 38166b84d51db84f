/**
 * The command line as a library (`import … from "resumable-upload"`): `run(argv)` parses and runs one command
 * the way the `resumable-upload` binary does, and resolves with its exit code.
 *
 * @since 0.2.0
 */
export { run } from "./main.ts"
