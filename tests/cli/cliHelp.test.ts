/**
 * The command line's help: every command, subcommand, flag and argument says what it is for, and `--config` names
 * exactly the keys the config file reader accepts (and the reader accepts exactly those).
 *
 * The CLI runs in-process (`run` from adapters/cli/main.ts) with its help output captured from `console.log`, which
 * is where effect/cli prints it; the commands are found by walking the SUBCOMMANDS sections from the root, so a
 * command added later is checked without touching this file.
 */
import { mkdtempSync, rmSync, writeFileSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { stripVTControlCharacters } from "node:util"
import { afterAll, assert, describe, it } from "@effect/vitest"
import * as Effect from "effect/Effect"
import * as Exit from "effect/Exit"
import { vi } from "vitest"
import { type ConfigFile, configFields, configKeys, readConfig } from "../../adapters/cli/ConfigFile.ts"
import { run } from "../../adapters/cli/main.ts"

/** Every command path the CLI has today; the walk must find these (and may find more). */
const expectedCommands = [
  "",
  "cp",
  "put",
  "get",
  "ls",
  "rm",
  "uploads",
  "uploads ls",
  "uploads abort",
  "uploads gc",
  "checkpoints",
  "checkpoints ls",
  "bucket",
  "bucket create",
  "serve",
  "stat"
]

/** `<command…> --help`, as printed, without colours. */
const helpOf = async (path: ReadonlyArray<string>): Promise<string> => {
  const printed: Array<string> = []
  const log = vi.spyOn(console, "log").mockImplementation((...args: ReadonlyArray<unknown>) => {
    printed.push(args.map(String).join(" "))
  })
  try {
    const code = await run([...path, "--help"])
    assert.strictEqual(code, 0, `resumable-upload ${path.join(" ")} --help exited with ${code}`)
  } finally {
    log.mockRestore()
  }
  return stripVTControlCharacters(printed.join("\n"))
}

/** The help's sections (`DESCRIPTION`, `ARGUMENTS`, `FLAGS`, `SUBCOMMANDS`, …): header → its indented lines. */
const sectionsOf = (help: string): ReadonlyMap<string, ReadonlyArray<string>> => {
  const sections = new Map<string, Array<string>>()
  let current: Array<string> | undefined
  for (const line of help.split("\n")) {
    if (/^[A-Z][A-Z ]*$/.test(line)) {
      current = []
      sections.set(line.trim(), current)
    } else if (current !== undefined && line.trim() !== "") current.push(line)
  }
  return sections
}

/** What effect/cli appends to a description by itself: it says nothing about what the flag is for. */
const generated = /\s*\((?:choices: [^)]*|optional)\)/g

/** One `name type    description` line: the name column and the written description (generated parts removed). */
const entryOf = (line: string) => {
  const [name = "", ...rest] = line.trim().split(/\s{2,}/)
  return { name, description: rest.join(" ").replace(generated, "").trim() }
}

interface CommandHelp {
  readonly path: string
  readonly help: string
  readonly sections: ReadonlyMap<string, ReadonlyArray<string>>
}

/** Help for the root and, depth first, every subcommand it lists. */
const walk = async (path: ReadonlyArray<string>): Promise<ReadonlyArray<CommandHelp>> => {
  const help = await helpOf(path)
  const sections = sectionsOf(help)
  const children = (sections.get("SUBCOMMANDS") ?? []).map((line) => entryOf(line).name.split(" ")[0] ?? "")
  const below = []
  for (const child of children) below.push(...(await walk([...path, child])))
  return [{ path: path.join(" "), help, sections }, ...below]
}

let commands: ReadonlyArray<CommandHelp> | undefined
const allCommands = async () => {
  commands ??= await walk([])
  return commands
}

describe("cli help", () => {
  it("covers every command", async () => {
    const found = (await allCommands()).map((c) => c.path)
    for (const path of expectedCommands) assert.include(found, path, `no help found for "${path}"`)
  })

  it("describes every command", async () => {
    for (const c of await allCommands()) {
      const description = (c.sections.get("DESCRIPTION") ?? []).join(" ").trim()
      assert.notStrictEqual(description, "", `"resumable-upload ${c.path}" has no description:\n${c.help}`)
    }
  })

  it("describes every subcommand, flag and argument", async () => {
    const empty: Array<string> = []
    for (const c of await allCommands()) {
      for (const section of ["SUBCOMMANDS", "ARGUMENTS", "FLAGS", "GLOBAL FLAGS"]) {
        for (const line of c.sections.get(section) ?? []) {
          const entry = entryOf(line)
          if (entry.description === "") empty.push(`resumable-upload ${c.path} → ${section}: ${entry.name}`)
        }
      }
    }
    assert.deepStrictEqual(empty, [], `help entries without a description:\n${empty.join("\n")}`)
  })

  it("names every config file key, and its accepted values, in --config", async () => {
    let checked = 0
    for (const c of await allCommands()) {
      const line = (c.sections.get("FLAGS") ?? []).find((l) => entryOf(l).name.startsWith("--config "))
      if (line === undefined) continue
      checked++
      const { description } = entryOf(line)
      for (const key of configKeys) {
        assert.match(description, new RegExp(`\\b${key}\\b`), `${c.path} --config does not name "${key}"`)
        const values: ReadonlyArray<string> = configFields[key] ?? []
        for (const value of values) assert.include(description, value, `${c.path} --config: ${key} value ${value}`)
      }
      // And nothing else: the list (up to the `;`), without the accepted values in parentheses, is the keys.
      const listed = description.match(/keys (.*?);/)?.[1] ?? ""
      const named = listed
        .replace(/\([^)]*\)/g, "")
        .split(/[\s,]+/)
        .filter((word) => word !== "")
      assert.deepStrictEqual(named, [...configKeys], `${c.path} --config lists other keys than ConfigFile accepts`)
    }
    assert.isAbove(checked, 0, "no command has a --config flag")
  })
})

describe("config file", () => {
  const dir = mkdtempSync(join(tmpdir(), "cli-help-"))
  afterAll(() => rmSync(dir, { recursive: true, force: true }))
  const fileWith = (name: string, content: unknown) => {
    const path = join(dir, name)
    writeFileSync(path, JSON.stringify(content))
    return path
  }

  it("reads every key --config names", () => {
    const full: Required<ConfigFile> = {
      endpoint: "http://127.0.0.1:9000",
      region: "eu-west-1",
      signature: "v1",
      addressing: "path",
      checksum: "none",
      accessKeyId: "id",
      accessKeySecret: "secret",
      securityToken: "token"
    }
    assert.deepStrictEqual(Object.keys(full), [...configKeys])
    assert.deepStrictEqual(Effect.runSync(readConfig(fileWith("full.json", full))), full)
  })

  it("rejects a key it does not read, and a value it does not accept", () => {
    for (const [name, content, message] of [
      ["typo.json", { accessKeySecert: "secret" }, 'unknown key "accessKeySecert"'],
      ["value.json", { signature: "v3" }, '"signature" must be one of v1, v4'],
      ["number.json", { region: 1 }, '"region" must be a string'],
      ["array.json", ["endpoint"], "expected a JSON object"]
    ] as const) {
      const exit = Effect.runSyncExit(readConfig(fileWith(name, content)))
      assert.isTrue(Exit.isFailure(exit), name)
      if (Exit.isFailure(exit)) assert.include(String(exit.cause), message)
    }
  })
})
