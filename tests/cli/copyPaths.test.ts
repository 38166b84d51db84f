/**
 * The pure parts of the aws CLI / ossutil habits: which way a `cp` goes, the key a trailing-slash target implies,
 * the file a download into a directory gets, `--metadata` parsing, the dialect checks of the attribute flags with
 * MIME guessing, and the shared credential files (`~/.aws/*`, `~/.ossutilconfig`) read under a temp HOME.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { afterAll, assert, describe, it } from "@effect/vitest"
import * as Effect from "effect/Effect"
import * as Exit from "effect/Exit"
import { downloadPath, planCopy, uploadKey, uploadTarget } from "../../adapters/cli/CopyPaths.ts"
import { parseMetadata, resolveAttributes } from "../../adapters/cli/ObjectAttributes.ts"
import { awsSettings, ossutilSettings } from "../../adapters/cli/SharedConfig.ts"

const dir = mkdtempSync(join(tmpdir(), "copy-paths-"))
afterAll(() => rmSync(dir, { recursive: true, force: true }))

const failure = <A, E>(effect: Effect.Effect<A, E>): string => {
  const exit = Effect.runSyncExit(effect)
  assert.isTrue(Exit.isFailure(exit))
  return Exit.isFailure(exit) ? String(exit.cause) : ""
}
const noAttributes = {
  contentType: undefined,
  metadata: undefined,
  storageClass: undefined,
  acl: undefined,
  sse: undefined,
  sseKmsKeyId: undefined
}

describe("cp paths", () => {
  it("a remote source downloads, a remote destination uploads, two of a kind are refused", () => {
    assert.deepStrictEqual(Effect.runSync(planCopy("a.txt", "oss://b/k")), {
      _tag: "Upload",
      file: "a.txt",
      target: "oss://b/k"
    })
    assert.deepStrictEqual(Effect.runSync(planCopy("s3://b/k", "-")), {
      _tag: "Download",
      target: "s3://b/k",
      file: "-"
    })
    assert.include(failure(planCopy("a", "b")), "one side must be")
    assert.include(failure(planCopy("oss://b/k", "s3://b/k")), "between two remote objects")
    // stdin has no name to append to a directory-like key, so it needs a whole one
    assert.include(failure(uploadTarget("oss://bkt/pre/", "-")), "stdin has no file name")
    assert.strictEqual(Effect.runSync(uploadTarget("oss://bkt/pre/k", "-")).key, "pre/k")
  })

  it("a target ending in / or naming only the bucket takes the file's name", () => {
    const at = (key: string) => ({ scheme: "oss" as const, bucket: "b", key })
    assert.strictEqual(uploadKey(at("pre/"), "/tmp/x/a.txt"), "pre/a.txt")
    assert.strictEqual(uploadKey(at(""), "a.txt"), "a.txt")
    assert.strictEqual(uploadKey(at("pre/b.txt"), "a.txt"), "pre/b.txt")
    assert.strictEqual(uploadKey(at("pre"), "a.txt"), "pre")
  })

  it("a download into a directory, or a path ending in /, is named after the key's last segment", () => {
    mkdirSync(join(dir, "out"))
    assert.strictEqual(downloadPath("a/b/c.bin", join(dir, "out")), join(dir, "out", "c.bin"))
    assert.strictEqual(downloadPath("c.bin", "new/"), join("new", "c.bin"))
    assert.strictEqual(downloadPath("a/c.bin", "file.bin"), "file.bin")
    assert.strictEqual(downloadPath("a/c.bin", "-"), "-")
  })
})

describe("object attributes", () => {
  it("--metadata is name=value pairs, names lowercased; anything else is refused", () => {
    assert.deepStrictEqual(Effect.runSync(parseMetadata("Owner=ann,run-id=7,empty=,eq=a=b")), {
      owner: "ann",
      "run-id": "7",
      empty: "",
      eq: "a=b"
    })
    assert.include(failure(parseMetadata("novalue")), "expected name=value")
    assert.include(failure(parseMetadata("bad name=1")), "expected name=value")
  })

  it("guesses the content type by extension unless --content-type is given", () => {
    const of = (path: string, contentType?: string) =>
      Effect.runSync(resolveAttributes({ ...noAttributes, contentType }, "oss", path)).contentType
    assert.strictEqual(of("a.json"), "application/json")
    assert.strictEqual(of("clip.MP4"), "video/mp4")
    assert.strictEqual(of("noext"), undefined)
    assert.strictEqual(of("a.json", "text/plain"), "text/plain")
  })

  it("checks storage class, ACL and SSE against the target's dialect", () => {
    const oss = Effect.runSync(
      resolveAttributes(
        { ...noAttributes, storageClass: "IA", acl: "private", sse: "KMS", sseKmsKeyId: "key-1" },
        "oss",
        "x.bin"
      )
    )
    assert.deepStrictEqual(oss, {
      contentType: "application/octet-stream",
      storageClass: "IA",
      acl: "private",
      serverSideEncryption: "KMS",
      kmsKeyId: "key-1"
    })
    assert.include(failure(resolveAttributes({ ...noAttributes, storageClass: "IA" }, "s3", "x")), "STANDARD_IA")
    assert.include(failure(resolveAttributes({ ...noAttributes, sse: "aws:kms" }, "oss", "x")), "AES256, KMS, SM4")
    assert.include(failure(resolveAttributes({ ...noAttributes, sseKmsKeyId: "k" }, "s3", "x")), "needs --sse")
  })
})

describe("shared credential files", () => {
  const withHome = <A>(files: Record<string, string>, env: Record<string, string>, body: () => A): A => {
    const home = mkdtempSync(join(dir, "home-"))
    for (const [name, text] of Object.entries(files)) {
      mkdirSync(join(home, name, ".."), { recursive: true })
      writeFileSync(join(home, name), text)
    }
    const saved = { ...process.env }
    process.env.HOME = home
    for (const name of ["AWS_PROFILE", "AWS_CONFIG_FILE", "AWS_SHARED_CREDENTIALS_FILE"]) delete process.env[name]
    Object.assign(process.env, env)
    try {
      return body()
    } finally {
      // Restored key by key: assigning process.env a new object would stop changes reaching os.homedir().
      for (const name of Object.keys(process.env)) if (!(name in saved)) delete process.env[name]
      Object.assign(process.env, saved)
    }
  }
  const aws = {
    ".aws/credentials":
      "[default]\naws_access_key_id = d-id\naws_secret_access_key = d-secret\n[dev]\naws_access_key_id = dev-id\naws_secret_access_key = dev-secret\naws_session_token = dev-token\n",
    ".aws/config":
      "[default]\nregion = eu-west-1\n[profile dev]\nregion = ap-south-1\nendpoint_url = http://127.0.0.1:9000\n"
  }

  it("reads [default], or the profile --profile or AWS_PROFILE names, from both AWS files", () => {
    assert.deepStrictEqual(
      withHome(aws, {}, () => Effect.runSync(awsSettings(undefined))),
      { region: "eu-west-1", accessKeyId: "d-id", accessKeySecret: "d-secret" }
    )
    const dev = {
      endpoint: "http://127.0.0.1:9000",
      region: "ap-south-1",
      accessKeyId: "dev-id",
      accessKeySecret: "dev-secret",
      securityToken: "dev-token"
    }
    assert.deepStrictEqual(
      withHome(aws, {}, () => Effect.runSync(awsSettings("dev"))),
      dev
    )
    assert.deepStrictEqual(
      withHome(aws, { AWS_PROFILE: "dev" }, () => Effect.runSync(awsSettings(undefined))),
      dev
    )
    assert.include(
      withHome(aws, {}, () => failure(awsSettings("nope"))),
      'no profile "nope"'
    )
    // No files and no profile named: nothing, and no error.
    assert.deepStrictEqual(
      withHome({}, {}, () => Effect.runSync(awsSettings(undefined))),
      {}
    )
  })

  it("reads ossutil 1's [Credentials] and ossutil 2's [profile NAME], bare hosts meaning HTTPS", () => {
    const v1 = {
      ".ossutilconfig":
        "[Credentials]\nlanguage=EN\nendpoint=oss-cn-hangzhou.aliyuncs.com\naccessKeyID=ak\naccessKeySecret=sk\nstsToken=tok\n"
    }
    assert.deepStrictEqual(
      withHome(v1, {}, () => Effect.runSync(ossutilSettings(undefined))),
      {
        endpoint: "https://oss-cn-hangzhou.aliyuncs.com",
        accessKeyId: "ak",
        accessKeySecret: "sk",
        securityToken: "tok"
      }
    )
    const v2 = {
      ".ossutilconfig":
        "[default]\naccessKeyId=d\naccessKeySecret=ds\nregion=cn-hangzhou\n[profile dev]\naccessKeyId=k\naccessKeySecret=s\nregion=cn-beijing\nendpoint=http://127.0.0.1:9900\n"
    }
    assert.deepStrictEqual(
      withHome(v2, {}, () => Effect.runSync(ossutilSettings("dev"))),
      {
        endpoint: "http://127.0.0.1:9900",
        region: "cn-beijing",
        accessKeyId: "k",
        accessKeySecret: "s"
      }
    )
    assert.strictEqual(withHome(v2, {}, () => Effect.runSync(ossutilSettings(undefined))).accessKeyId, "d")
    assert.include(
      withHome(v2, {}, () => failure(ossutilSettings("nope"))),
      'no profile "nope"'
    )
  })
})
