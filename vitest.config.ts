import { defineConfig } from "vitest/config"

// vitest 5's reporter calls Map.groupBy (Node >= 21) when printing a failure; on Node 20 that crash would hide the
// failure itself. A faithful shim for the reporter process only; library code never relies on it.
const mapWithGroupBy = Map as unknown as {
  groupBy?: <K, V>(items: Iterable<V>, key: (v: V, i: number) => K) => Map<K, Array<V>>
}
if (typeof mapWithGroupBy.groupBy !== "function") {
  mapWithGroupBy.groupBy = (items, key) => {
    const groups = new Map()
    let i = 0
    for (const item of items) {
      const k = key(item, i++)
      const group = groups.get(k)
      if (group === undefined) groups.set(k, [item])
      else group.push(item)
    }
    return groups
  }
}

export default defineConfig({
  test: {
    include: ["tests/**/*.test.ts"],
    testTimeout: 120_000
  }
})
