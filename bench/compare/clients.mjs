/**
 * The clients of the side-by-side benchmark and the command each one runs for one upload: library clients through
 * clientScript.mjs, command-line clients as they are. Every one gets the same file, part size and parallelism.
 */
import { writeFileSync } from "node:fs"
import { join } from "node:path"

const here = new URL(".", import.meta.url).pathname
const repo = join(here, "../..")
const cliBundle = join(repo, "adapters/cli/dist/bundle/resumable-upload.js")
const library = (name) => (t, job) => ({
  argv: [
    process.execPath,
    join(here, "clientScript.mjs"),
    name,
    t.dialect,
    t.endpoint,
    t.bucket,
    job.key,
    job.file,
    job.partMiB,
    job.parallel
  ]
})

/** Our CLI from `bundle` (the executable of a build), with the job's file, part size and parallelism. */
const ourCli = (bundle, flags = []) => ({
  dialects: ["s3", "oss"],
  command: (t, job) => ({
    argv: [process.execPath, bundle, "put", job.file, `${t.dialect}://${t.bucket}/${job.key}`, "--endpoint", t.endpoint]
      .concat(["--part-size", `${job.partMiB}MiB`, "--parallel", String(job.parallel), "--checkpoint-dir", job.scratch])
      .concat(t.dialect === "oss" ? ["--region", "cn-hangzhou"] : [])
      .concat(flags),
    env:
      t.dialect === "oss"
        ? { OSS_ACCESS_KEY_ID: t.keyId, OSS_ACCESS_KEY_SECRET: t.secret }
        : { AWS_ACCESS_KEY_ID: t.keyId, AWS_SECRET_ACCESS_KEY: t.secret }
  })
})

/**
 * An earlier build's bundle, for before/after figures: `BENCH_BEFORE_BUNDLE=<dir>/resumable-upload.js` adds the
 * client `ours-cli-before` (build it from another commit and copy `adapters/cli/dist/bundle` somewhere).
 */
const before = process.env.BENCH_BEFORE_BUNDLE

/** `{ name: { dialects, command(target, job) → { argv, env } } }` */
export const clients = {
  ...(before === undefined || before === "" ? {} : { "ours-cli-before": ourCli(before) }),
  "ours-lib": { dialects: ["s3", "oss"], command: library("ours-lib") },
  "ours-cli": ourCli(cliBundle),
  // The same with parts hashed on the main thread, to tell the worker threads' share from the rest.
  "ours-cli-inthread": ourCli(cliBundle, ["--hash-workers", "0"]),
  "lib-storage": { dialects: ["s3"], command: library("lib-storage") },
  "aws-cli": {
    dialects: ["s3"],
    command: (t, job) => {
      const config = join(job.scratch, "aws-config")
      const chunk = `${job.partMiB}MB`
      writeFileSync(
        config,
        `[default]\nregion = us-east-1\ns3 =\n  multipart_chunksize = ${chunk}\n  multipart_threshold = ${chunk}\n  max_concurrent_requests = ${job.parallel}\n`
      )
      return {
        argv: [
          "aws",
          "--endpoint-url",
          t.endpoint,
          "s3",
          "cp",
          "--no-progress",
          job.file,
          `s3://${t.bucket}/${job.key}`
        ],
        env: { AWS_CONFIG_FILE: config, AWS_ACCESS_KEY_ID: t.keyId, AWS_SECRET_ACCESS_KEY: t.secret }
      }
    }
  },
  minio: { dialects: ["s3"], command: library("minio") },
  rclone: {
    dialects: ["s3"],
    command: (t, job) => ({
      argv: [
        "rclone",
        "copyto",
        job.file,
        `:s3:${t.bucket}/${job.key}`,
        "--s3-provider",
        "Other",
        "--s3-endpoint",
        t.endpoint
      ]
        .concat(["--s3-access-key-id", t.keyId, "--s3-secret-access-key", t.secret, "--s3-force-path-style"])
        .concat([
          "--s3-chunk-size",
          `${job.partMiB}M`,
          "--s3-upload-concurrency",
          String(job.parallel),
          "--s3-upload-cutoff",
          `${job.partMiB}M`
        ]),
      // rclone fails to load this machine's AWS_CA_BUNDLE for plain-http endpoints (environment.md).
      env: { AWS_CA_BUNDLE: undefined, RCLONE_CONFIG: "/dev/null" }
    })
  },
  "ali-oss": { dialects: ["oss"], command: library("ali-oss") }
}
