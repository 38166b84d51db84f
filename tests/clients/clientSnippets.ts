/**
 * The client snippets of docs/clients.md and how to run them: every fenced block after a
 * `<!-- client-test: NAME -->` marker belongs to client NAME, and a client's blocks (its configuration, then its
 * upload) are joined into one script and run unchanged, as a child process in a scratch directory. JavaScript runs
 * under this Node with the repository's node_modules linked in, `sh` under bash (stopping at the first failure),
 * `python` under python3.
 */
import { execFile } from "node:child_process"
import { mkdir, mkdtemp, readFile, rm, symlink, writeFile } from "node:fs/promises"
import { tmpdir } from "node:os"
import { dirname, join, resolve } from "node:path"

export const repoRoot = resolve(import.meta.dirname, "../..")
export const docPath = join(repoRoot, "docs/clients.md")

export type Language = "js" | "sh" | "python"

export interface Snippet {
  readonly language: Language
  readonly code: string
}

const marked = /<!-- client-test: ([a-z0-9-]+) -->\s*\n```([a-z]+)\n([\s\S]*?)\n```/g

/** The marked blocks of the document by client name, in document order. */
export const snippetsOf = (markdown: string): ReadonlyMap<string, ReadonlyArray<Snippet>> => {
  const byName = new Map<string, Array<Snippet>>()
  for (const [, name = "", language = "", code = ""] of markdown.matchAll(marked)) {
    if (language !== "js" && language !== "sh" && language !== "python") {
      throw new Error(`docs/clients.md: the ${name} block is \`${language}\`, which the test cannot run`)
    }
    byName.set(name, [...(byName.get(name) ?? []), { language, code }])
  }
  return byName
}

export const readSnippets = async (): Promise<ReadonlyMap<string, ReadonlyArray<Snippet>>> =>
  snippetsOf(await readFile(docPath, "utf8"))

export interface RunResult {
  readonly exitCode: number
  readonly stdout: string
  readonly stderr: string
}

/** Runs a program without blocking this process's event loop (the server answering the child lives in it). */
export const run = (
  file: string,
  args: ReadonlyArray<string>,
  options: { cwd?: string; env?: NodeJS.ProcessEnv } = {}
) =>
  new Promise<RunResult>((resolvePromise) => {
    execFile(file, args, { ...options, maxBuffer: 64 * 1024 * 1024, timeout: 90_000 }, (error, stdout, stderr) => {
      const code = error === null ? 0 : typeof error.code === "number" ? error.code : -1
      resolvePromise({ exitCode: code, stdout, stderr: error !== null && code === -1 ? `${error}\n${stderr}` : stderr })
    })
  })

/**
 * The environment of a snippet: this one without AWS or OSS settings (keys, profiles, endpoints, config files), so
 * the snippet's own configuration is all that counts. `AWS_CA_BUNDLE` stays: it only matters for https.
 */
const snippetEnv = (dir: string): NodeJS.ProcessEnv => {
  const env: NodeJS.ProcessEnv = {}
  for (const [name, value] of Object.entries(process.env)) {
    if (name === "AWS_CA_BUNDLE" || !/^(AWS|OSS|ALIBABA_CLOUD|ALICLOUD|BOTO)_/i.test(name)) env[name] = value
  }
  return {
    ...env,
    AWS_CONFIG_FILE: join(dir, "no-aws-config"),
    AWS_SHARED_CREDENTIALS_FILE: join(dir, "no-aws-credentials")
  }
}

const interpreter: Record<
  Language,
  { readonly file: string; readonly extension: string; readonly args: Array<string> }
> = {
  js: { file: process.execPath, extension: "mjs", args: [] },
  sh: { file: "bash", extension: "sh", args: ["-eu", "-o", "pipefail"] },
  python: { file: "python3", extension: "py", args: [] }
}

/** A scratch directory holding `files` (names may have folders) and a link to the repository's node_modules; removed by `dispose`. */
export const scratchDirectory = async (files: Readonly<Record<string, Uint8Array>>) => {
  const dir = await mkdtemp(join(tmpdir(), "client-snippets-"))
  await symlink(join(repoRoot, "node_modules"), join(dir, "node_modules"), "dir")
  for (const [name, bytes] of Object.entries(files)) {
    await mkdir(dirname(join(dir, name)), { recursive: true })
    await writeFile(join(dir, name), bytes)
  }
  return { dir, dispose: () => rm(dir, { recursive: true, force: true }) }
}

/** Joins one client's blocks, all in one language, into a script in `dir` and runs it there. */
export const runSnippets = async (name: string, snippets: ReadonlyArray<Snippet>, dir: string): Promise<RunResult> => {
  const languages = new Set(snippets.map((s) => s.language))
  const [language] = languages
  if (language === undefined || languages.size !== 1) {
    throw new Error(`docs/clients.md: the ${name} blocks must share one language, got ${[...languages].join(", ")}`)
  }
  const { args, extension, file } = interpreter[language]
  // Not `boto3.py`, which would shadow the module it imports.
  const script = join(dir, `${name}-snippets.${extension}`)
  await writeFile(script, `${snippets.map((s) => s.code).join("\n\n")}\n`)
  return run(file, [...args, script], { cwd: dir, env: snippetEnv(dir) })
}

/** Whether a tool answers at all: `undefined` when it does, else why not. */
export const missingTool = async (file: string, args: ReadonlyArray<string>): Promise<string | undefined> => {
  const result = await run(file, args)
  if (result.exitCode === 0) return undefined
  const lastLine = result.stderr.trim().split("\n").at(-1) ?? ""
  return `\`${[file, ...args].join(" ")}\` failed: ${lastLine}`
}
