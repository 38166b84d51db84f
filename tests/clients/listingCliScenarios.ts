/**
 * Listing, sync and copy with the unmodified command-line S3 clients, against any {@link S3Target}: the aws CLI
 * (`s3 mb/ls/sync/cp --recursive/rm --recursive/rb`), rclone (`mkdir`, `copy` of a directory, `lsl`, `cat`,
 * `check`, `purge`) and boto3 (the ListObjectsV2 and ListObjects paginators with and without a delimiter,
 * `delete_objects`, `head_bucket` of a deleted bucket). Each run uses a bucket of its own and removes it.
 */
import { join } from "node:path"
import { assert } from "vitest"
import {
  assertSameTree,
  clientEnv,
  freshBucket,
  rcloneBin,
  runClient,
  type S3Target,
  scratch,
  treeFiles,
  writeTree
} from "./listingTools.ts"

const treeKeys = Object.keys(treeFiles).sort()

export const awsCliScenario = async (target: S3Target): Promise<void> => {
  const work = await scratch()
  try {
    const env = clientEnv(target, work.dir)
    const aws = (...args: Array<string>) => runClient("aws", ["--endpoint-url", target.endpoint, ...args], env)
    const bucket = freshBucket("cli")
    const source = join(work.dir, "source")
    await writeTree(source, treeFiles)
    await aws("s3", "mb", `s3://${bucket}`)
    assert.include((await aws("s3", "ls")).stdout, bucket, "aws s3 ls lists the new bucket")
    await aws("s3", "sync", source, `s3://${bucket}/p/`)
    const top = (await aws("s3", "ls", `s3://${bucket}/p/`)).stdout
    for (const line of ["PRE deep/", "PRE sub/", "a.txt"]) assert.include(top, line, "aws s3 ls with a prefix")
    const recursive = (await aws("s3", "ls", "--recursive", `s3://${bucket}`)).stdout
    const listed = recursive
      .trim()
      .split("\n")
      .map((line) => line.replace(/^\S+\s+\S+\s+\d+\s/, ""))
    assert.deepStrictEqual(
      listed,
      treeKeys.map((key) => `p/${key}`)
    )
    await aws("s3", "sync", `s3://${bucket}/p/`, join(work.dir, "down"))
    await assertSameTree(join(work.dir, "down"), "aws s3 sync down")
    const again = await aws("s3", "sync", source, `s3://${bucket}/p/`)
    assert.notInclude(again.stdout, "upload:", "a second sync uploads nothing")
    await aws("s3", "cp", "--recursive", source, `s3://${bucket}/q/`)
    await aws("s3", "cp", "--recursive", `s3://${bucket}/q/`, join(work.dir, "copied"))
    await assertSameTree(join(work.dir, "copied"), "aws s3 cp --recursive")
    await aws("s3", "rm", "--recursive", `s3://${bucket}/`)
    assert.strictEqual((await aws("s3", "ls", "--recursive", `s3://${bucket}`)).stdout.trim(), "")
    await aws("s3", "rb", `s3://${bucket}`)
    const gone = await runClient("aws", ["--endpoint-url", target.endpoint, "s3", "ls", `s3://${bucket}`], env, true)
    assert.notStrictEqual(gone.exitCode, 0, "aws s3 ls of a removed bucket fails")
    if (target.emptyErrorMessages === undefined) assert.include(gone.stderr, "NoSuchBucket")
  } finally {
    await work.dispose()
  }
}

export const rcloneScenario = async (target: S3Target): Promise<void> => {
  const work = await scratch()
  try {
    const env = clientEnv(target, work.dir)
    const rclone = (...args: Array<string>) => runClient(rcloneBin(), args, env)
    const bucket = freshBucket("rclone")
    const source = join(work.dir, "source")
    await writeTree(source, treeFiles)
    await rclone("mkdir", `t:${bucket}`)
    await rclone("copy", source, `t:${bucket}/p`)
    const lsl = (await rclone("lsl", `t:${bucket}/p`)).stdout
    const names = lsl
      .trim()
      .split("\n")
      .map((line) => line.trim().split(/\s+/).slice(3).join(" "))
    assert.deepStrictEqual(names.sort(), treeKeys)
    assert.match(lsl, new RegExp(`^\\s*${300 * 1024} `, "m"), "rclone lsl shows sizes")
    assert.strictEqual((await rclone("cat", `t:${bucket}/p/sub/b.txt`)).stdout, "bravo\n")
    await rclone("check", source, `t:${bucket}/p`)
    await rclone("copy", `t:${bucket}/p`, join(work.dir, "down"))
    await assertSameTree(join(work.dir, "down"), "rclone copy down")
    await rclone("purge", `t:${bucket}`)
    const gone = await runClient(rcloneBin(), ["lsd", `t:${bucket}`], env, true)
    assert.notStrictEqual(gone.exitCode, 0, "rclone lsd of a purged bucket fails")
  } finally {
    await work.dispose()
  }
}

const boto3Script = `
import sys, boto3, botocore
endpoint, key_id, secret, bucket = sys.argv[1:5]
s3 = boto3.client("s3", endpoint_url=endpoint, aws_access_key_id=key_id, aws_secret_access_key=secret,
                  region_name="us-east-1")
s3.create_bucket(Bucket=bucket)
keys = ["k/%03d" % i for i in range(23)] + ["k/sub/x", "top", "z w"]
for key in keys:
    s3.put_object(Bucket=bucket, Key=key, Body=key.encode())
v2 = s3.get_paginator("list_objects_v2")
pages = list(v2.paginate(Bucket=bucket, PaginationConfig={"PageSize": 7}))
listed = [o["Key"] for p in pages for o in p.get("Contents", [])]
assert listed == sorted(keys), listed
assert len(pages) == 4, len(pages)
groups, direct = [], []
for p in v2.paginate(Bucket=bucket, Prefix="k/", Delimiter="/", PaginationConfig={"PageSize": 5}):
    groups += [c["Prefix"] for c in p.get("CommonPrefixes", [])]
    direct += [o["Key"] for o in p.get("Contents", [])]
assert groups == ["k/sub/"], groups
assert direct == ["k/%03d" % i for i in range(23)], direct
v1 = s3.get_paginator("list_objects")
listed = [o["Key"] for p in v1.paginate(Bucket=bucket, PaginationConfig={"PageSize": 4}) for o in p.get("Contents", [])]
assert listed == sorted(keys), listed
deleted = s3.delete_objects(Bucket=bucket, Delete={"Objects": [{"Key": k} for k in keys]})
assert sorted(d["Key"] for d in deleted.get("Deleted", [])) == sorted(keys), deleted
assert "Errors" not in deleted, deleted
assert s3.list_objects_v2(Bucket=bucket)["KeyCount"] == 0
s3.delete_bucket(Bucket=bucket)
try:
    s3.head_bucket(Bucket=bucket)
    sys.exit("head_bucket of a deleted bucket succeeded")
except botocore.exceptions.ClientError as error:
    assert error.response["Error"]["Code"] in ("404", "NoSuchBucket"), error.response
print("boto3 ok")
`

export const boto3Scenario = async (target: S3Target): Promise<void> => {
  const work = await scratch()
  try {
    const env = clientEnv(target, work.dir)
    const args = ["-c", boto3Script, target.endpoint, target.accessKeyId, target.secretAccessKey, freshBucket("boto3")]
    assert.include((await runClient("python3", args, env)).stdout, "boto3 ok")
  } finally {
    await work.dispose()
  }
}
