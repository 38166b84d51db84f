/**
 * The aws CLI / ossutil habits (issue 13 item 5) against moto, through the bundled CLI:
 *
 * - the listing scenario of cliListingScenario.ts (cp to `pre/`, ls with PRE lines and --recursive, ls s3://,
 *   cp to stdout and to a directory, rm, rm -r --dry-run, rm -r over two DeleteObjects batches);
 * - object attributes: the content type guessed from `.json`, or `--content-type`; `--metadata`, `--storage-class`,
 *   `--acl` and `--sse`, as HeadObject (AWS SDK) and GetObjectAcl report them, on a single PutObject and on a
 *   multipart upload; a storage class of the other dialect is refused before anything is sent;
 * - credentials and endpoint from `~/.aws/credentials` and `~/.aws/config` under a temp HOME: `--profile`,
 *   `AWS_PROFILE`, a missing profile (exit 2), and flags and environment variables winning over the files.
 *
 * Skips with the reason when python3 cannot import moto; fails under `MOTO_REQUIRED=1`.
 */
import { randomBytes } from "node:crypto"
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { GetObjectAclCommand, HeadObjectCommand, S3Client } from "@aws-sdk/client-s3"
import { afterAll, afterEach, assert, beforeAll, describe, it } from "@effect/vitest"
import { type MotoServer, motoCredentials, motoGate, startMoto } from "../support/moto.ts"
import { type CliCommand, prepareCli } from "./cliBundle.ts"
import { listingScenario, putManyWith } from "./cliListingScenario.ts"
import { type Launcher, makeLauncher } from "./cliProcess.ts"

const env = {
  AWS_ACCESS_KEY_ID: motoCredentials.accessKeyId,
  AWS_SECRET_ACCESS_KEY: motoCredentials.secretAccessKey,
  AWS_REGION: "us-east-1"
}
const up = await motoGate("the CLI's aws-CLI habits against moto")

let launcher: Launcher
let command: CliCommand
let root: string
let moto: MotoServer | undefined
let s3: S3Client

beforeAll(async () => {
  if (!up) return
  moto = await startMoto()
  command = await prepareCli()
  launcher = makeLauncher(command)
  root = mkdtempSync(join(tmpdir(), "cli-habits-moto-"))
  s3 = new S3Client({
    endpoint: moto.url,
    region: "us-east-1",
    forcePathStyle: true,
    credentials: { accessKeyId: motoCredentials.accessKeyId, secretAccessKey: motoCredentials.secretAccessKey }
  })
}, 120_000)

afterEach(async () => {
  await launcher?.killAll()
})

afterAll(async () => {
  s3?.destroy()
  await moto?.close()
  if (root !== undefined) rmSync(root, { recursive: true, force: true })
})

describe.skipIf(!up)("resumable-upload CLI habits against moto", () => {
  const url = () => moto?.url ?? ""
  const inDir = (name: string) => {
    const dir = join(root, name)
    mkdirSync(dir, { recursive: true })
    return dir
  }

  it("cp, ls, rm: trailing-slash keys, PRE lines, stdout, directories, batch deletes", async () => {
    const bucket = "cli-habits"
    await listingScenario({
      launcher,
      command,
      endpoint: url(),
      env,
      bucket,
      dir: inDir("listing"),
      putMany: putManyWith(s3, bucket)
    })
  }, 300_000)

  it("content type (guessed and given), metadata, storage class, ACL and SSE reach the object", async () => {
    const bucket = "cli-attributes"
    const dir = inDir("attributes")
    const cli = (args: ReadonlyArray<string>) =>
      launcher.run([...args, "--endpoint", url()], { cwd: dir, env }, 120_000)
    assert.strictEqual((await cli(["bucket", "create", `s3://${bucket}`])).code, 0)
    writeFileSync(join(dir, "doc.json"), '{"a":1}')
    writeFileSync(join(dir, "big.bin"), randomBytes(11 * 1024 * 1024))

    const guessed = await cli(["cp", "doc.json", `s3://${bucket}/`])
    assert.strictEqual(guessed.code, 0, launcher.describe(guessed))
    const doc = await s3.send(new HeadObjectCommand({ Bucket: bucket, Key: "doc.json" }))
    assert.strictEqual(doc.ContentType, "application/json")

    const flags = ["--content-type", "video/mp4", "--metadata", "Owner=ann,run-id=7", "--storage-class", "STANDARD_IA"]
    const attrs = [...flags, "--acl", "public-read", "--sse", "AES256"]
    for (const [key, extra] of [
      ["single.bin", []],
      ["multi.bin", ["--part-size", "5MiB"]]
    ] as const) {
      const put = await cli(["cp", "big.bin", `s3://${bucket}/${key}`, ...attrs, ...extra])
      assert.strictEqual(put.code, 0, launcher.describe(put))
      const head = await s3.send(new HeadObjectCommand({ Bucket: bucket, Key: key }))
      assert.strictEqual(head.ContentType, "video/mp4", key)
      assert.deepStrictEqual(head.Metadata, { owner: "ann", "run-id": "7" }, key)
      assert.strictEqual(head.StorageClass, "STANDARD_IA", key)
      assert.strictEqual(head.ServerSideEncryption, "AES256", key)
      const acl = await s3.send(new GetObjectAclCommand({ Bucket: bucket, Key: key }))
      const grants = (acl.Grants ?? []).map((g) => `${g.Grantee?.URI ?? g.Grantee?.ID}:${g.Permission}`)
      assert.include(grants, "http://acs.amazonaws.com/groups/global/AllUsers:READ", key)
    }
    // An OSS spelling on an s3:// target fails before any request, naming what S3 accepts.
    const wrong = await cli(["cp", "doc.json", `s3://${bucket}/x.json`, "--storage-class", "IA"])
    assert.strictEqual(wrong.code, 2, launcher.describe(wrong))
    assert.match(wrong.stderr, /--storage-class for s3:\/\/ must be one of STANDARD, /)
    const download = await cli(["cp", `s3://${bucket}/doc.json`, "copy.json", "--acl", "private"])
    assert.strictEqual(download.code, 2, launcher.describe(download))
    assert.match(download.stderr, /--acl applies to uploads/)
  }, 180_000)

  it("~/.aws/credentials and ~/.aws/config: --profile, AWS_PROFILE, a missing profile, flags and env first", async () => {
    const bucket = "cli-profiles"
    const dir = inDir("profiles")
    mkdirSync(join(dir, ".aws"))
    writeFileSync(
      join(dir, ".aws", "credentials"),
      `[default]\naws_access_key_id = nobody\naws_secret_access_key = nothing\n\n[moto]\naws_access_key_id = ${motoCredentials.accessKeyId}\naws_secret_access_key = ${motoCredentials.secretAccessKey}\n`
    )
    writeFileSync(
      join(dir, ".aws", "config"),
      `[default]\nregion = us-east-1\nendpoint_url = http://127.0.0.1:9\n\n[profile moto]\nregion = us-east-1\nendpoint_url = ${url()}\n`
    )
    writeFileSync(join(dir, "a.txt"), "profile\n")
    // HOME is the working directory (cliProcess.ts), so these files are the ones read; no AWS_* variable is set.
    const run = (args: ReadonlyArray<string>, extraEnv: Record<string, string> = {}) =>
      launcher.run(args, { cwd: dir, env: extraEnv })
    const created = await run(["bucket", "create", `s3://${bucket}`, "--profile", "moto"])
    assert.strictEqual(created.code, 0, launcher.describe(created))
    assert.include(created.stdout, url().replace(/^http:\/\//, ""), "the endpoint came from [profile moto]")
    const put = await run(["cp", "a.txt", `s3://${bucket}/`], { AWS_PROFILE: "moto" })
    assert.strictEqual(put.code, 0, launcher.describe(put))
    const listed = await run(["ls", `s3://${bucket}`, "--profile", "moto"])
    assert.match(listed.stdout, / a\.txt$/m, launcher.describe(listed))

    const missing = await run(["ls", `s3://${bucket}`, "--profile", "nope"])
    assert.strictEqual(missing.code, 2, launcher.describe(missing))
    assert.match(missing.stderr, /no profile "nope" in /)
    // [default] points at a closed port: the --endpoint flag, or AWS_ENDPOINT_URL, wins over it.
    const byDefault = await run(["ls", `s3://${bucket}`])
    assert.strictEqual(byDefault.code, 1, launcher.describe(byDefault))
    const flagged = await run(["ls", `s3://${bucket}`, "--endpoint", url()])
    assert.strictEqual(flagged.code, 0, launcher.describe(flagged))
    const envFirst = await run(["ls", `s3://${bucket}`], { AWS_ENDPOINT_URL: url() })
    assert.strictEqual(envFirst.code, 0, launcher.describe(envFirst))
  }, 120_000)
})
