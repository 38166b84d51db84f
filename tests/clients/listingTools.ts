/**
 * What the listing client tests share: the S3 target they talk to (the local server or RGW), a clean environment
 * for command-line clients (no AWS settings but the target's keys; no `AWS_CA_BUNDLE`, which makes rclone fail over
 * plain http), a small directory tree to sync, tree comparison, fresh bucket names, and the skip-or-fail rule for
 * missing tools (`CLIENTS_REQUIRED=1` turns a skip into a failure, as in CI).
 */
import { mkdir, mkdtemp, readdir, readFile, rm, writeFile } from "node:fs/promises"
import { tmpdir } from "node:os"
import { dirname, join, relative } from "node:path"
import { assert } from "vitest"
import { missingTool, type RunResult, run } from "./clientSnippets.ts"

export interface S3Target {
  /** `http://host:port`. */
  readonly endpoint: string
  readonly accessKeyId: string
  readonly secretAccessKey: string
  /**
   * RGW (Pacific) answers NoSuchBucket with an empty `<Message>`, on which aws CLI v1 stops with a Python error
   * ("argument of type 'NoneType' is not iterable") instead of naming the code; the command still fails.
   */
  readonly emptyErrorMessages?: true
}

/** The tree every sync and copy moves: nested folders, a space and a non-ASCII name, and a 300 KiB file. */
export const treeFiles: Readonly<Record<string, Uint8Array>> = {
  "a.txt": new TextEncoder().encode("alpha\n"),
  "sub/b.txt": new TextEncoder().encode("bravo\n"),
  "sub/c d+\u00e9.txt": new TextEncoder().encode("charlie\n"),
  "deep/x/y.bin": Uint8Array.from({ length: 300 * 1024 }, (_, i) => (i * 2654435761) >>> 24)
}

/** A scratch directory, removed by `dispose`. */
export const scratch = async () => {
  const dir = await mkdtemp(join(tmpdir(), "listing-clients-"))
  return { dir, dispose: () => rm(dir, { recursive: true, force: true }) }
}

/** Writes `files` under `dir`. */
export const writeTree = async (dir: string, files: Readonly<Record<string, Uint8Array>>): Promise<void> => {
  for (const [name, bytes] of Object.entries(files)) {
    await mkdir(dirname(join(dir, name)), { recursive: true })
    await writeFile(join(dir, name), bytes)
  }
}

/** Every file under `dir` by relative path. */
export const readTree = async (dir: string): Promise<Record<string, Buffer>> => {
  const files: Record<string, Buffer> = {}
  for (const entry of await readdir(dir, { recursive: true, withFileTypes: true })) {
    if (!entry.isFile()) continue
    const path = join(entry.parentPath, entry.name)
    files[relative(dir, path)] = await readFile(path)
  }
  return files
}

/** The tree under `dir` equals {@link treeFiles}, name for name and byte for byte. */
export const assertSameTree = async (dir: string, what: string): Promise<void> => {
  const tree = await readTree(dir)
  assert.deepStrictEqual(Object.keys(tree).sort(), Object.keys(treeFiles).sort(), `${what}: file names`)
  for (const [name, bytes] of Object.entries(treeFiles)) {
    assert.isTrue(tree[name]?.equals(bytes), `${what}: ${name} differs`)
  }
}

/** A bucket name no earlier run used (RGW keeps its buckets for the life of the test machine). */
export const freshBucket = (client: string): string =>
  `ls-${client}-${Date.now().toString(36)}-${Math.random().toString(36).slice(2, 8)}`

/** This environment without AWS/rclone settings, plus the target's keys for the aws CLI, boto3 and rclone. */
export const clientEnv = (target: S3Target, dir: string): NodeJS.ProcessEnv => {
  const env: NodeJS.ProcessEnv = {}
  for (const [name, value] of Object.entries(process.env)) {
    if (!/^(AWS|BOTO|RCLONE)_/i.test(name)) env[name] = value
  }
  return {
    ...env,
    AWS_ACCESS_KEY_ID: target.accessKeyId,
    AWS_SECRET_ACCESS_KEY: target.secretAccessKey,
    AWS_DEFAULT_REGION: "us-east-1",
    AWS_CONFIG_FILE: join(dir, "no-aws-config"),
    AWS_SHARED_CREDENTIALS_FILE: join(dir, "no-aws-credentials"),
    RCLONE_CONFIG: join(dir, "no-rclone.conf"),
    RCLONE_CONFIG_T_TYPE: "s3",
    RCLONE_CONFIG_T_PROVIDER: "Other",
    RCLONE_CONFIG_T_ACCESS_KEY_ID: target.accessKeyId,
    RCLONE_CONFIG_T_SECRET_ACCESS_KEY: target.secretAccessKey,
    RCLONE_CONFIG_T_ENDPOINT: target.endpoint,
    RCLONE_CONFIG_T_REGION: "us-east-1",
    RCLONE_CONFIG_T_FORCE_PATH_STYLE: "true"
  }
}

/** Runs a command-line client; fails the test with its output unless `expectFailure`. */
export const runClient = async (
  file: string,
  args: ReadonlyArray<string>,
  env: NodeJS.ProcessEnv,
  expectFailure = false
): Promise<RunResult> => {
  const result = await run(file, args, { env })
  if (!expectFailure) {
    const command = [file, ...args].join(" ")
    assert.strictEqual(result.exitCode, 0, `${command} failed:\n${result.stderr}\n${result.stdout}`)
  }
  return result
}

const required = process.env.CLIENTS_REQUIRED === "1"

/** Skips the test (or fails it under CLIENTS_REQUIRED=1) when a tool does not answer. */
export const requireTool = async (
  context: { skip: (note?: string) => void },
  name: string,
  probe: readonly [string, ReadonlyArray<string>]
): Promise<void> => {
  const missing = await missingTool(...probe)
  if (missing === undefined) return
  const reason = `${name} is not installed (${missing}); CLIENTS_REQUIRED=1 makes this a failure`
  if (required) assert.fail(reason)
  console.warn(`skipped: ${reason}`)
  context.skip(reason)
}

/** rclone as ensure-rclone.sh found it, or from the PATH. */
export const rcloneBin = (): string => process.env.RCLONE_PATH ?? "rclone"
