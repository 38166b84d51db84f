/**
 * Hash throughput on one random in-memory buffer, hashed in 8 MiB chunks as the part pipeline does.
 *
 * Usage: npx tsx bench/hash-throughput.ts [sizeMiB]   (default 256). Each row is the median of 5 runs.
 */
import { createHash, randomFillSync } from "node:crypto"
import SparkMD5 from "spark-md5"
import * as Crc64 from "../core/Crc64.ts"

const MiB = 1024 * 1024
const CHUNK = 8 * MiB
const RUNS = 5
const sizeMiB = Number(process.argv[2] ?? 256)
if (!Number.isInteger(sizeMiB) || sizeMiB < 8 || sizeMiB % 8 !== 0) throw new Error("sizeMiB: a multiple of 8")

const data = randomFillSync(new Uint8Array(sizeMiB * MiB))
const chunks = Array.from({ length: sizeMiB / 8 }, (_, i) => data.subarray(i * CHUNK, (i + 1) * CHUNK))
// spark-md5 wants ArrayBuffers; copy outside the timed region.
const chunkBuffers = chunks.map((c) => c.slice().buffer)
const partCrcs = Array.from({ length: 10_000 }, (_, i) => Crc64.compute(data.subarray(i * 8, i * 8 + 8)))

type Row = [string, string, string, string, string]
const rows: Array<Row> = []

/** Times RUNS calls; `amount` units of work per call. Reports the median rate, the range (the machine is shared). */
const measure = (name: string, amount: number, unit: string, run: () => string): void => {
  const times: Array<number> = []
  let result = ""
  for (let i = 0; i < RUNS; i++) {
    const start = performance.now()
    result = run()
    times.push(performance.now() - start)
  }
  times.sort((a, b) => a - b)
  const rate = (ms: number | undefined) => (amount / ((ms ?? Number.NaN) / 1000)).toFixed(0)
  const median = times[RUNS >> 1]
  rows.push([
    name,
    `${median?.toFixed(1)}`,
    `${rate(median)} ${unit}`,
    `${rate(times.at(-1))}–${rate(times[0])}`,
    result
  ])
}

measure("Crc64.compute (core)", sizeMiB, "MiB/s", () =>
  Crc64.toDecimal(chunks.reduce((crc, c) => Crc64.compute(c, crc), 0n))
)
measure("Crc64.combine x 10,000 (8 MiB parts)", 10_000, "parts/s", () =>
  Crc64.toDecimal(partCrcs.reduce((acc, crc) => Crc64.combine(acc, crc, CHUNK), 0n))
)
measure("spark-md5 ArrayBuffer incremental", sizeMiB, "MiB/s", () => {
  const md5 = new SparkMD5.ArrayBuffer()
  for (const b of chunkBuffers) md5.append(b)
  return md5.end()
})
measure("node:crypto md5", sizeMiB, "MiB/s", () => {
  const md5 = createHash("md5")
  for (const c of chunks) md5.update(c)
  return md5.digest("hex")
})

console.log(`node ${process.version}, ${sizeMiB} MiB random, ${CHUNK / MiB} MiB chunks, ${RUNS} runs each\n`)
const header: Row = ["hash", "median ms", "median rate", "range", "result"]
const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]?.length ?? 0)))
for (const row of [header, ...rows]) console.log(`| ${row.map((cell, i) => cell.padEnd(widths[i] ?? 0)).join(" | ")} |`)
