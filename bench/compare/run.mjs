/**
 * The side-by-side benchmark: our library and CLI against the SDKs and tools users already have, same file, part
 * size and parallelism, against each target, in interleaved rounds (round 1: every client once, then round 2, …)
 * so drift in a shared 2-core machine hits every client alike. Each upload runs under /usr/bin/time for wall time,
 * client CPU (user + system) and peak RSS. Writes docs/bench/compare.md and compare.svg (medians).
 *
 *   npm run build && node bench/compare/run.mjs [--size-mib 1024] [--rounds 3] [--part-mib 8] [--parallel 3]
 *     [--targets rgw,local,sink] [--clients ours-lib,ours-cli,lib-storage,aws-cli,minio,rclone,ali-oss]
 *
 * Targets: `rgw` (Ceph RGW via .ci/ensure-rgw.sh, S3), `local` (the local server in its own process, S3 and OSS),
 * `sink` (sink.mjs: answers the S3 multipart API, stores nothing). Also `ours-cli-inthread` (`--hash-workers 0`) and,
 * with BENCH_BEFORE_BUNDLE set to an earlier build's executable, `ours-cli-before` (clients.mjs). Each object is
 * deleted after its run, untimed, and the 1-minute load average is printed with every run and in the report.
 */
import { execFileSync, spawn, spawnSync } from "node:child_process"
import { randomBytes } from "node:crypto"
import { existsSync, mkdirSync, mkdtempSync, openSync, readFileSync, rmSync, writeSync } from "node:fs"
import { cpus, loadavg, tmpdir } from "node:os"
import { join } from "node:path"
import { parseArgs } from "node:util"
import { clients } from "./clients.mjs"
import { summarize, writeReport } from "./report.mjs"

const repo = join(new URL(".", import.meta.url).pathname, "../..")
const { values: o } = parseArgs({
  options: {
    "size-mib": { type: "string", default: "1024" },
    rounds: { type: "string", default: "3" },
    "part-mib": { type: "string", default: "8" },
    parallel: { type: "string", default: "3" },
    targets: { type: "string", default: "rgw,local,sink" },
    clients: { type: "string", default: Object.keys(clients).join(",") },
    out: { type: "string", default: join(repo, "docs/bench") }
  }
})
const sizeMiB = Number(o["size-mib"])
const file = join(repo, `.cache/bench/random-${sizeMiB}MiB.bin`)
if (!existsSync(file)) {
  mkdirSync(join(repo, ".cache/bench"), { recursive: true })
  const fd = openSync(file, "w")
  for (let i = 0; i < sizeMiB; i++) writeSync(fd, randomBytes(1 << 20))
}

/** Starts a child that prints `<word> … http://…` and resolves with that URL. */
const startChild = (argv, env, pattern) =>
  new Promise((resolve, reject) => {
    const child = spawn(argv[0], argv.slice(1), { env: { ...process.env, ...env } })
    let out = ""
    child.stdout.on("data", (c) => {
      out += c
      const m = pattern.exec(out)
      if (m) resolve({ url: m[1], stop: () => child.kill("SIGTERM") })
    })
    child.stderr.on("data", (c) => (out += c))
    child.on("exit", (code) => reject(new Error(`${argv.join(" ")} exited ${code}: ${out}`)))
  })

const targets = []
const stops = []
const wanted = o.targets.split(",")
if (wanted.includes("local")) {
  const data = mkdtempSync(join(tmpdir(), "bench-local-"))
  const keys = { keyId: "bench", secret: "bench-secret" }
  const env = { AWS_ACCESS_KEY_ID: keys.keyId, AWS_SECRET_ACCESS_KEY: keys.secret }
  const argv = [
    process.execPath,
    join(repo, "adapters/cli/dist/bundle/resumable-upload.js"),
    "serve",
    "--port",
    "0",
    "--data-dir",
    data
  ]
  const s = await startChild(argv, env, /serving OSS and S3 at (http:\/\/\S+)/)
  stops.push(() => {
    s.stop()
    rmSync(data, { recursive: true, force: true })
  })
  targets.push({ name: "local (S3)", dialect: "s3", endpoint: s.url, bucket: "bench", ...keys })
  targets.push({ name: "local (OSS)", dialect: "oss", endpoint: s.url, bucket: "bench", ...keys })
}
if (wanted.includes("sink")) {
  const s = await startChild(
    [process.execPath, join(repo, "bench/compare/sink.mjs"), "0"],
    {},
    /sink listening (http:\/\/\S+)/
  )
  stops.push(s.stop)
  targets.push({ name: "sink (S3)", dialect: "s3", endpoint: s.url, bucket: "bench", keyId: "x", secret: "y" })
}
if (wanted.includes("rgw")) {
  const started = execFileSync("bash", [join(repo, ".ci/ensure-rgw.sh")], { encoding: "utf8" }).trim()
  if (started === "started") stops.push(() => execFileSync("bash", [join(repo, ".ci/stop-rgw.sh")]))
  const t = {
    name: "rgw (S3)",
    dialect: "s3",
    endpoint: "http://127.0.0.1:7480",
    bucket: "bench",
    keyId: "test",
    secret: "testtesttest"
  }
  execFileSync(
    process.execPath,
    [
      join(repo, "adapters/cli/dist/bundle/resumable-upload.js"),
      "bucket",
      "create",
      "s3://bench",
      "--endpoint",
      t.endpoint
    ],
    {
      env: { ...process.env, AWS_ACCESS_KEY_ID: t.keyId, AWS_SECRET_ACCESS_KEY: t.secret }
    }
  )
  targets.push(t)
}

/**
 * Deletes an uploaded object, untimed, so the stores' memory stays flat over many rounds: RGW's memstore holds
 * every byte in RAM (and may be another job's RGW), and the local server's data directory fills the disk.
 */
const removeObject = (t, key) => {
  if (t.name.startsWith("sink")) return
  const env = { ...process.env, AWS_ACCESS_KEY_ID: t.keyId, AWS_SECRET_ACCESS_KEY: t.secret }
  const target = `${t.dialect}://${t.bucket}/${key}`
  const argv = [join(repo, "adapters/cli/dist/bundle/resumable-upload.js"), "rm", target, "--endpoint", t.endpoint]
  const extra = t.dialect === "oss" ? ["--region", "cn-hangzhou"] : []
  const oss = { OSS_ACCESS_KEY_ID: t.keyId, OSS_ACCESS_KEY_SECRET: t.secret }
  spawnSync(process.execPath, [...argv, ...extra], { env: { ...env, ...oss }, encoding: "utf8" })
}

const runs = []
const loads = []
const rounds = Number(o.rounds)
const names = o.clients.split(",")
try {
  for (let round = 1; round <= rounds; round++) {
    for (const t of targets) {
      for (const name of names) {
        const c = clients[name]
        if (c === undefined) throw new Error(`unknown client ${name}`)
        if (!c.dialects.includes(t.dialect)) continue
        const scratch = mkdtempSync(join(tmpdir(), "bench-run-"))
        const job = { file, key: `${name}/${round}`, partMiB: o["part-mib"], parallel: o.parallel, scratch }
        const { argv, env = {} } = c.command(t, job)
        const timeFile = join(scratch, "time")
        const childEnv = {
          ...process.env,
          BENCH_KEY_ID: t.keyId,
          BENCH_SECRET: t.secret,
          BENCH_CHECKPOINTS: scratch,
          ...env
        }
        for (const [k, v] of Object.entries(childEnv)) if (v === undefined) delete childEnv[k]
        const r = spawnSync("/usr/bin/time", ["-f", "%e %U %S %M", "-o", timeFile, ...argv], {
          env: childEnv,
          encoding: "utf8",
          cwd: repo
        })
        const [wall, user, sys, rssKB] = readFileSync(timeFile, "utf8").trim().split("\n").pop().split(" ").map(Number)
        const ok = r.status === 0
        const gib = sizeMiB / 1024
        runs.push({
          target: t.name,
          client: name,
          ok,
          mibPerS: sizeMiB / wall,
          cpuSPerGiB: (user + sys) / gib,
          rssMB: rssKB / 1024
        })
        const load = loadavg()[0]
        loads.push(load)
        console.log(
          `round ${round} ${t.name} ${name}: ${ok ? `${(sizeMiB / wall).toFixed(1)} MiB/s, ${((user + sys) / gib).toFixed(2)} CPU-s/GiB, ${(rssKB / 1024).toFixed(0)} MB` : `FAILED (${r.status}): ${(r.stderr || r.stdout).slice(-300)}`}, load ${load.toFixed(1)}`
        )
        rmSync(scratch, { recursive: true, force: true })
        removeObject(t, job.key)
      }
    }
  }
} finally {
  for (const stop of stops) stop()
}
mkdirSync(o.out, { recursive: true })
const loadRange =
  loads.length === 0
    ? ""
    : `; 1-min load average ${Math.min(...loads).toFixed(1)}–${Math.max(...loads).toFixed(1)} during the runs`
const machine = `${cpus().length} cores (${cpus()[0]?.model ?? "?"}), Node ${process.versions.node}${loadRange}`
const command = `node bench/compare/run.mjs ${process.argv.slice(2).join(" ")}`.trim()
writeReport(
  summarize(runs),
  { sizeMiB, partMiB: o["part-mib"], parallel: o.parallel, rounds, machine, command },
  join(o.out, "compare.md"),
  join(o.out, "compare.svg")
)
console.log(`wrote ${join(o.out, "compare.md")} and compare.svg`)
