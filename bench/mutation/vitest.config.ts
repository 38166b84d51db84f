/**
 * The test run Stryker repeats per mutant (bench/mutation/run.sh): the unit, dialect and simulation suites that
 * exercise the mutated modules in-process. The end-to-end suites (child processes, RGW, browsers) are left out: they
 * cover the same paths through processes Stryker's per-test coverage cannot see, at minutes per mutant.
 */
import { resolve } from "node:path"
import { defineConfig, mergeConfig } from "vitest/config"
import base from "../../vitest.config.ts"

export default mergeConfig(
  base,
  defineConfig({
    root: resolve(import.meta.dirname, "../.."),
    test: {
      include: [
        "tests/core/**/*.test.ts",
        "tests/oss/**/*.test.ts",
        "tests/http/**/*.test.ts",
        "tests/adapters/**/*.test.ts",
        "tests/conformance/**/*.test.ts",
        "tests/sim/**/*.test.ts"
      ],
      exclude: ["**/*[Rr]gw*", "**/*Moto*", "**/*moto*"]
    }
  }),
  false
)
