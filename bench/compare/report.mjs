/**
 * The side-by-side benchmark's report: medians per target and client, as a Markdown table and an SVG bar chart
 * (MiB/s, one group of bars per target), both written next to each other for the README to link.
 */
import { writeFileSync } from "node:fs"

const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b)
  return s.length === 0
    ? Number.NaN
    : s.length % 2
      ? s[(s.length - 1) / 2]
      : (s[s.length / 2 - 1] + s[s.length / 2]) / 2
}

/** `runs`: `[{ target, client, ok, mibPerS, cpuSPerGiB, rssMB }]` → rows with medians over the successful rounds. */
export const summarize = (runs) => {
  const groups = new Map()
  for (const r of runs) {
    const id = `${r.target}\n${r.client}`
    if (!groups.has(id)) groups.set(id, [])
    groups.get(id).push(r)
  }
  return [...groups.values()].map((rs) => {
    const ok = rs.filter((r) => r.ok)
    return {
      target: rs[0].target,
      client: rs[0].client,
      rounds: `${ok.length}/${rs.length}`,
      mibPerS: median(ok.map((r) => r.mibPerS)),
      cpuSPerGiB: median(ok.map((r) => r.cpuSPerGiB)),
      rssMB: median(ok.map((r) => r.rssMB))
    }
  })
}

export const writeReport = (rows, meta, mdPath, svgPath) => {
  const fmt = (x, d = 1) => (Number.isFinite(x) ? x.toFixed(d) : "—")
  const lines = [
    `# Side by side: ${meta.sizeMiB} MiB, ${meta.partMiB} MiB parts, ${meta.parallel} in flight, ${meta.rounds} interleaved rounds`,
    "",
    `${meta.machine}. Client and store share the machine's cores; CPU is the client's user + system time.`,
    `Command: \`${meta.command}\`.`,
    "",
    "| target | client | MiB/s | client CPU-s per GiB | peak RSS, MB | rounds ok |",
    "| --- | --- | ---: | ---: | ---: | ---: |",
    ...rows.map(
      (r) =>
        `| ${r.target} | ${r.client} | ${fmt(r.mibPerS)} | ${fmt(r.cpuSPerGiB, 2)} | ${fmt(r.rssMB, 0)} | ${r.rounds} |`
    ),
    "",
    `![MiB/s per client and target](${svgPath.split("/").pop()})`,
    ""
  ]
  writeFileSync(mdPath, lines.join("\n"))
  writeFileSync(svgPath, chart(rows))
}

const palette = ["#2b6cb0", "#c05621", "#2f855a", "#6b46c1", "#b7791f", "#c53030", "#319795", "#4a5568"]
const chart = (rows) => {
  const targets = [...new Set(rows.map((r) => r.target))]
  const clientNames = [...new Set(rows.map((r) => r.client))]
  const max = Math.max(1, ...rows.map((r) => (Number.isFinite(r.mibPerS) ? r.mibPerS : 0)))
  const barW = 18
  const groupW = clientNames.length * barW + 30
  const h = 260
  const w = 60 + targets.length * groupW + 170
  const bars = targets.flatMap((t, ti) =>
    clientNames.map((c, ci) => {
      const r = rows.find((x) => x.target === t && x.client === c)
      const v = r && Number.isFinite(r.mibPerS) ? r.mibPerS : 0
      const bh = (v / max) * (h - 60)
      const x = 60 + ti * groupW + ci * barW
      return `<rect x="${x}" y="${h - 30 - bh}" width="${barW - 3}" height="${bh}" fill="${palette[ci % palette.length]}"><title>${t} ${c}: ${v.toFixed(1)} MiB/s</title></rect>`
    })
  )
  const labels = targets.map(
    (t, ti) =>
      `<text x="${60 + ti * groupW + (clientNames.length * barW) / 2}" y="${h - 12}" text-anchor="middle">${t}</text>`
  )
  const legend = clientNames.map(
    (c, ci) =>
      `<rect x="${w - 160}" y="${20 + ci * 18}" width="12" height="12" fill="${palette[ci % palette.length]}"/><text x="${w - 142}" y="${30 + ci * 18}">${c}</text>`
  )
  const axis = [0, 0.5, 1].map(
    (f) => `<text x="50" y="${h - 30 - f * (h - 60) + 4}" text-anchor="end">${(f * max).toFixed(0)}</text>`
  )
  return `<svg xmlns="http://www.w3.org/2000/svg" width="${w}" height="${h}" font-family="sans-serif" font-size="11"><title>MiB/s per client and target (medians)</title>
<text x="60" y="14">MiB/s (median)</text>${axis.join("")}${bars.join("")}${labels.join("")}${legend.join("")}</svg>\n`
}
