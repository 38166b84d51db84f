#!/usr/bin/env bash
# The whole test gate, in order, stopping at the first failing stage:
#   1. typecheck  tsc: core purity gate, portable-adapters gate (both ES2022 only), then the whole repo
#   2. lint       biome check (formatting, lint rules, import sorting, import boundaries)
#   3. node       vitest on this machine's Node, without the RGW suites (with Chromium installed first, for
#                 tests/browser; ensure-chromium.sh)
#   4. rgw        the RGW suites against Ceph RGW (installed and started by ensure-rgw.sh if missing)
#   5. node24     the vitest suite of stage 3 on a pinned Node 24 (installed into .cache/node24/ by ensure-node24.sh)
#   6. deno       deno check + the simulation suite under Deno
#   7. chromium   the simulation suite in headless Debian Chromium (installed by ensure-chromium.sh if missing)
#   8. determinism the digests of the simulation runs above agree across runtimes
#
# RGW suites are the test files whose name contains "rgw" (any case: tests/conformance/rgw.test.ts,
# tests/adapters/s3Rgw.test.ts, ...). The node and node24 stages exclude them; the rgw stage runs exactly them, once,
# with RGW_REQUIRED=1 so that an RGW that is not there fails the stage instead of skipping (a plain local
# `npx vitest run` includes them and they skip with a message when RGW is not running). The rgw stage reuses an RGW
# already answering at RGW_ENDPOINT (default http://127.0.0.1:7480); if it has to start one (data in .cache/rgw/,
# in RAM), it stops that one again when the stage ends, pass or fail, and leaves any RGW it did not start alone.
#
# Environment (all passed through untouched): SIM_SCENARIOS (read by the vitest simulation test),
# SIM_SCENARIOS_RUNTIMES (Deno and Chromium runs, default 1000), NODE24_VERSION, CHROMIUM_PATH, SIM_BROWSER_TIMEOUT_MS,
# and ensure-rgw.sh's RGW_ENDPOINT, RGW_PORT, MON_PORT, RGW_DIR, RGW_ACCESS_KEY_ID, RGW_SECRET_ACCESS_KEY.
# TEST_STAGES="typecheck lint" runs only the named stages (local use; the npm scripts use it).
#
# Each stage's output is also kept in .cache/ci/<stage>.log. The last line is `total: N passed, M failed`, summing
# the vitest counts of the three vitest runs and the two simulation runs (a failing stage without counts adds one
# failure).
set -euo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")/.."
export PATH="$PWD/node_modules/.bin:$PATH"
# Colourless tool output in CI logs.
if [[ -n "${CI:-}" ]]; then export NO_COLOR=1; fi

stages="${TEST_STAGES:-typecheck lint node rgw node24 deno chromium determinism}"
log_dir="$PWD/.cache/ci"
mkdir -p "$log_dir"
summary=()
passed_total=0
failed_total=0
started_total=$SECONDS

banner() { printf '\n==================== %s ====================\n' "$*"; }

# Prints "passed failed" for a stage from its log, or nothing when the stage reports no test counts.
counts_of() {
  local name="$1" line
  local log="$log_dir/$name.log"
  case "$name" in
    node | node24 | rgw)
      # vitest's summary: " Tests  2 failed | 113 passed (115)"
      line="$(sed -E 's/\x1b\[[0-9;]*m//g' "$log" | grep -E '^ *Tests +[0-9]' | tail -n 1 || true)"
      [[ -n "$line" ]] || return 0
      echo "$(grep -oE '[0-9]+ passed' <<<"$line" | grep -oE '[0-9]+' || echo 0)" \
        "$(grep -oE '[0-9]+ failed' <<<"$line" | grep -oE '[0-9]+' || echo 0)"
      ;;
    deno | chromium)
      line="$(grep -E '^sim( \(chromium\))?: [0-9]+ passed, [0-9]+ failed$' "$log" | tail -n 1 || true)"
      [[ -n "$line" ]] || return 0
      sed -E 's/^.*: ([0-9]+) passed, ([0-9]+) failed$/\1 \2/' <<<"$line"
      ;;
  esac
}

print_summary() {
  banner "summary ($((SECONDS - started_total)) s)"
  printf '%s\n' "${summary[@]}"
  echo "total: $passed_total passed, $failed_total failed"
}

run_stage() {
  local name="$1" rc counts passed="" failed=""
  shift
  [[ " $stages " == *" $name "* ]] || return 0
  banner "stage: $name"
  local started=$SECONDS
  # The stage runs in a subshell that is a plain command (not inside `if` or `||`), so `set -e` holds inside it.
  set +e
  (
    set -e
    "$@"
  ) 2>&1 | tee "$log_dir/$name.log"
  rc=${PIPESTATUS[0]}
  set -e
  counts="$(counts_of "$name")"
  if [[ -n "$counts" ]]; then
    read -r passed failed <<<"$counts"
    passed_total=$((passed_total + passed))
    failed_total=$((failed_total + failed))
  fi
  if [[ $rc -ne 0 && ${failed:-0} -eq 0 ]]; then failed_total=$((failed_total + 1)); fi
  local took=$((SECONDS - started))
  local tests="${counts:+$passed passed, $failed failed}"
  if [[ $rc -eq 0 ]]; then
    summary+=("$(printf '%-10s ok    %4s s   %s' "$name" "$took" "$tests")")
    echo "---- stage $name: ok (${took} s)"
  else
    summary+=("$(printf '%-10s FAIL  %4s s   %s' "$name" "$took" "$tests")")
    echo "---- stage $name: FAILED (exit $rc, ${took} s)"
    print_summary
    exit "$rc"
  fi
}

typecheck() {
  echo "+ tsc -p core   (purity gate: ES2022 only, no DOM/Node types)"
  tsc -p core
  echo "+ tsc -p adapters/tsconfig.portable.json   (portable adapters: ES2022 only, no DOM/Node types)"
  tsc -p adapters/tsconfig.portable.json
  echo "+ tsc -p adapters/tsconfig.web.json   (browser bundle + portable adapters: ES2022 + DOM, no Node types)"
  tsc -p adapters/tsconfig.web.json
  echo "+ tsc -p adapters/tsconfig.deno.json   (Deno adapters against adapters/deno/denoTypes.d.ts, no Node types)"
  tsc -p adapters/tsconfig.deno.json
  echo "+ tsc -p .   (whole repo: ES2022 + DOM + Node types)"
  tsc -p .
}

lint() {
  echo "+ biome check ."
  biome check --max-diagnostics=200 .
}

# The RGW suites, by file name (see the header); they run in the rgw stage only.
rgw_suites_glob='**/*[rR]gw*.test.ts'

# The browser end-to-end tests (tests/browser) drive a real Chromium from vitest: install it before the vitest stages
# and make a missing one a failure, so those tests cannot pass by skipping.
require_chromium() {
  CHROMIUM_PATH="$(bash .ci/ensure-chromium.sh)"
  export CHROMIUM_PATH CHROMIUM_REQUIRED=1
}

node_tests() {
  require_chromium
  echo "+ vitest run --exclude '$rgw_suites_glob'   (node $(node --version))"
  vitest run --exclude "$rgw_suites_glob"
}

rgw_tests() {
  local started suites
  require_chromium
  # The suites and ensure-rgw.sh must agree on where RGW is.
  export RGW_ENDPOINT="${RGW_ENDPOINT:-http://127.0.0.1:${RGW_PORT:-7480}}"
  started="$(bash .ci/ensure-rgw.sh)"
  # Stop only an RGW this stage started, whatever the tests do (the stage runs in its own subshell).
  if [[ "$started" == started ]]; then trap 'bash .ci/stop-rgw.sh' EXIT; fi
  mapfile -t suites < <(find tests -iname '*rgw*.test.ts' | sort)
  [[ ${#suites[@]} -gt 0 ]] || { echo "no RGW suites found (tests/**/*rgw*.test.ts)"; return 1; }
  echo "+ RGW_REQUIRED=1 vitest run ${suites[*]}   (RGW $started)"
  RGW_REQUIRED=1 vitest run "${suites[@]}"
}

node24_tests() {
  local node24
  require_chromium
  node24="$(bash .ci/ensure-node24.sh)"
  echo "+ $node24 node_modules/vitest/vitest.mjs run --exclude '$rgw_suites_glob'   (node $("$node24" --version))"
  "$node24" node_modules/vitest/vitest.mjs run --exclude "$rgw_suites_glob"
}

deno_sim() {
  echo "+ deno check tests/sim/runners/deno.ts"
  deno check tests/sim/runners/deno.ts
  echo "+ deno check core/mod.ts adapters/deno/mod.ts adapters/browser/mod.ts   (the public entry points)"
  deno check core/mod.ts adapters/deno/mod.ts adapters/browser/mod.ts
  echo "+ deno test -A tests/deno/   (Deno-native adapters)"
  deno test -A tests/deno/
  echo "+ deno run -A tests/sim/runners/deno.ts"
  deno run -A tests/sim/runners/deno.ts
}

chromium_sim() {
  local chromium
  chromium="$(bash .ci/ensure-chromium.sh)"
  echo "+ tsx tests/sim/runners/browser.ts   (CHROMIUM_PATH=$chromium)"
  CHROMIUM_PATH="$chromium" tsx tests/sim/runners/browser.ts
}

determinism() {
  # The simulation is seeded and runs on a controlled scheduler and clock, so the same scenarios must run step for
  # step alike on every runtime: each runtime's log carries a digest of all steps, and equal runs must agree.
  local lines
  lines="$(grep -hoE 'sim digest: [0-9a-f]+ \([0-9]+ scenarios, seed [0-9]+\)' "$log_dir"/node.log "$log_dir"/node24.log "$log_dir"/deno.log "$log_dir"/chromium.log 2>/dev/null || true)"
  [[ -n "$lines" ]] || { echo "no simulation digests found"; return 1; }
  printf '%s\n' "$lines" | sort | uniq -c
  printf '%s\n' "$lines" | awk '{ key = $4 " " $7; digest[key] = digest[key] " " $3 } END {
    bad = 0
    for (k in digest) { n = split(digest[k], d, " "); for (i = 2; i <= n; i++) if (d[i] != d[1]) bad = 1 }
    if (bad) { print "runtimes disagree: the simulation is not deterministic"; exit 1 }
    print "all runtimes ran the same simulation"
  }'
}

run_stage typecheck typecheck
run_stage lint lint
run_stage node node_tests
run_stage rgw rgw_tests
run_stage node24 node24_tests
run_stage deno deno_sim
run_stage chromium chromium_sim
run_stage determinism determinism
print_summary
