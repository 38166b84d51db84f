#!/usr/bin/env bash
# The whole test gate, in order, stopping at the first failing stage:
#   1. manifests  every package's package.json/tsconfig.json/deno.json matches its code (.ci/packages.mjs: layer
#                 order, dependencies read off the imports), the lock is complete (.ci/lock-check.mjs)
#   2. typecheck  tsc -b: each package in its own project (core and the portable adapters: ES2022 only; browser and
#                 dialects: + DOM; node, server, cli: + Node types), referencing only the packages below it, so an
#                 import that points up or sideways fails; emits dist/ (JS, .d.ts, source maps); then tests/bench
#   3. lint       biome check (formatting, lint rules, import sorting, import cycles, import boundaries)
#   4. node       vitest on the PATH's Node (>= 22.19; .ci/dev provides one), without the RGW suites (with Chromium
#                 installed first, for tests/browser; ensure-chromium.sh), with MOTO_REQUIRED=1: the moto suites
#                 (tests/support/moto.ts starts `python3 -m moto.server` per suite) fail instead of skipping when
#                 python3 cannot import moto, and with CLIENTS_REQUIRED=1: the client suites (tests/clients) fail
#                 when the aws CLI, boto3 or rclone (installed first by ensure-rclone.sh) is missing
#   5. rgw        the RGW suites against Ceph RGW (installed and started by ensure-rgw.sh if missing)
#   6. node22     the library's in-process suites of stage 4 on a pinned Node 22 (installed into .cache/ by
#                 ensure-node.sh): core, adapters, sim, conformance, oss, signer, layers, contracts. Left to stage 4
#                 and the packages stage: the local server's own suites (tests/server) and the HTTP fault and
#                 peer-bug suites over it (tests/http), the browser suites (Chromium does the work there), the
#                 external clients (aws CLI, boto3, rclone: Python and Go), and the CLI end-to-end suites
#                 (*.e2e.test.ts); the packages stage runs the installed binary and the README examples, server
#                 included, on Node 22. This keeps the whole gate within 15 minutes on 2 cores.
#   7. packages   what a user does: npm pack every package, install the tarballs into a scratch project outside the
#                 repo, upload to the local server through the published entry points from Node 22, Node 24, Deno
#                 and Chromium (a bundle the user's bundler makes); the binary from Node and Deno, and its start time
#   8. deno       deno check, deno publish --dry-run (JSR), the Deno adapter tests, the simulation suite under Deno
#   9. chromium   the simulation suite in headless Debian Chromium (installed by ensure-chromium.sh if missing), then
#                 the browser bundle sizes for one dialect (bench/bundle-size.mjs)
#  10. determinism the digests of the simulation runs above agree across runtimes
#  11. mutation   only with MUTATION=1: Stryker over the integrity, resume, cancel and Complete paths
#
# RGW suites are the test files whose name contains "rgw" (any case: tests/conformance/rgw.test.ts,
# tests/adapters/s3Rgw.test.ts, ...). The node and node22 stages exclude them; the rgw stage runs exactly them, once,
# with RGW_REQUIRED=1 so that an RGW that is not there fails the stage instead of skipping (a plain local
# `npx vitest run` includes them and they skip with a message when RGW is not running). The rgw stage reuses an RGW
# already answering at RGW_ENDPOINT (default http://127.0.0.1:7480); if it has to start one (data in .cache/rgw/,
# in RAM), it stops that one again when the stage ends, pass or fail, and leaves any RGW it did not start alone.
#
# Environment (all passed through untouched): MUTATION (adds the mutation stage), KILL_CAMPAIGN=full,
# HOSTILE_REQUESTS and RECURSIVE_FILES=1000 (full-size campaigns; RECURSIVE_SEED replays a cp -r one), SIM_SCENARIOS (read by the vitest simulation test),
# SIM_SCENARIOS_RUNTIMES (Deno and Chromium runs, default 1000), NODE22_VERSION, CHROMIUM_PATH, SIM_BROWSER_TIMEOUT_MS,
# and ensure-rgw.sh's RGW_ENDPOINT, RGW_PORT, MON_PORT, RGW_DIR, RGW_ACCESS_KEY_ID, RGW_SECRET_ACCESS_KEY.
# TEST_STAGES="typecheck lint" runs only the named stages (local use; the npm scripts use it).
#
# Each stage's output is also kept in .cache/ci/<stage>.log. The last line is `total: N passed, M failed`, summing
# the vitest counts of the vitest runs, the two simulation runs and the package checks (a failing stage without
# counts adds one failure).
set -euo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")/.."
export PATH="$PWD/node_modules/.bin:$PATH"
# Colourless tool output in CI logs.
if [[ -n "${CI:-}" ]]; then export NO_COLOR=1; fi

stages="${TEST_STAGES:-manifests typecheck lint node rgw node22 packages deno chromium determinism}"
# Mutation testing takes tens of minutes, so it runs only when asked: MUTATION=1 (or TEST_STAGES=mutation).
if [[ "${MUTATION:-}" == "1" ]]; then stages="$stages mutation"; fi
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
    node | node22 | rgw)
      # vitest's summary: " Tests  2 failed | 113 passed (115)"
      line="$(sed -E 's/\x1b\[[0-9;]*m//g' "$log" | grep -E '^ *Tests +[0-9]' | tail -n 1 || true)"
      [[ -n "$line" ]] || return 0
      echo "$(grep -oE '[0-9]+ passed' <<<"$line" | grep -oE '[0-9]+' || echo 0)" \
        "$(grep -oE '[0-9]+ failed' <<<"$line" | grep -oE '[0-9]+' || echo 0)"
      ;;
    deno | chromium | packages)
      line="$(grep -E '^(sim( \(chromium\))?|packages): [0-9]+ passed, [0-9]+ failed$' "$log" | tail -n 1 || true)"
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

manifests() {
  echo "+ node .ci/packages.mjs --check   (package manifests derived from the code; layer order)"
  node .ci/packages.mjs --check
  echo "+ node .ci/lock-check.mjs   (npm ci works on a fresh clone)"
  node .ci/lock-check.mjs
}

typecheck() {
  echo "+ tsc -b   (every package in its own project, referencing only the packages below it; then tests and bench)"
  tsc -b
  echo "+ node adapters/cli/bundle.mjs   (the resumable-upload executable, bundled)"
  node adapters/cli/bundle.mjs
  echo "+ node examples/browser-demo/build.mjs   (the demo page serve offers at /_demo/, next to the executable)"
  node examples/browser-demo/build.mjs adapters/cli/dist/bundle/demo
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

# The moto suites start their own `python3 -m moto.server` (tests/support/moto.ts); in CI a missing moto fails them.
require_moto() {
  export MOTO_REQUIRED=1
}

# The client suites (tests/clients) drive the aws CLI, boto3 and rclone; in CI a missing one fails them instead of
# skipping. rclone is installed first (ensure-rclone.sh, Debian's package).
require_clients() {
  RCLONE_PATH="$(bash .ci/ensure-rclone.sh)"
  export RCLONE_PATH CLIENTS_REQUIRED=1
}

node_tests() {
  require_chromium
  require_moto
  require_clients
  echo "+ vitest run --exclude '$rgw_suites_glob'   (node $(node --version))"
  vitest run --exclude "$rgw_suites_glob"
}

rgw_tests() {
  local started suites
  require_chromium
  require_clients
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

node22_version="${NODE22_VERSION:-22.23.3}"
node22_tests() {
  local node22
  require_chromium
  require_moto
  require_clients
  node22="$(bash .ci/ensure-node.sh "$node22_version")"
  local excluded=("$rgw_suites_glob" "tests/browser/**" "tests/clients/**" "tests/server/**" "tests/http/**" "**/*.e2e.test.ts")
  echo "+ $node22 node_modules/vitest/vitest.mjs run ${excluded[*]/#/--exclude }   (node $("$node22" --version))"
  "$node22" node_modules/vitest/vitest.mjs run "${excluded[@]/#/--exclude=}"
}

packages_test() {
  require_chromium
  NODE22_BIN="$(bash .ci/ensure-node.sh "$node22_version")" BUN_BIN="$(bash .ci/ensure-bun.sh)" node tests/packages/packageSmoke.mjs
}

deno_sim() {
  echo "+ deno check tests/sim/runners/deno.ts"
  deno check tests/sim/runners/deno.ts
  local entries=(core/mod.ts adapters/{portable,http,oss,s3,signer,sim,deno,browser}/mod.ts)
  echo "+ deno check ${entries[*]}   (the public entry points of the packages Deno users import)"
  deno check "${entries[@]}"
  # --allow-slow-types: Effect services and tagged errors are classes whose superclass is a call
  # (`Context.Service<…>()(…)`, `Data.TaggedError(…)`), which JSR's fast check cannot type without running it; Deno
  # users still get full types, from the sources.
  echo "+ deno publish --dry-run --allow-dirty --allow-slow-types   (the JSR workspace: every package's deno.json)"
  deno publish --dry-run --allow-dirty --allow-slow-types
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
  # What a page ships for one dialect; fails when a bundle carries the other dialect's code.
  echo "+ node bench/bundle-size.mjs   (minimal browser upload, S3 only and OSS only)"
  node bench/bundle-size.mjs
}

determinism() {
  # The simulation is seeded and runs on a controlled scheduler and clock, so the same scenarios must run step for
  # step alike on every runtime: each runtime's log carries a digest of all steps, and equal runs must agree.
  local lines
  lines="$(grep -hoE 'sim digest: [0-9a-f]+ \([0-9]+ scenarios, seed [0-9]+\)' "$log_dir"/node.log "$log_dir"/node22.log "$log_dir"/deno.log "$log_dir"/chromium.log 2>/dev/null || true)"
  [[ -n "$lines" ]] || { echo "no simulation digests found"; return 1; }
  printf '%s\n' "$lines" | sort | uniq -c
  printf '%s\n' "$lines" | awk '{ key = $4 " " $7; digest[key] = digest[key] " " $3 } END {
    bad = 0
    for (k in digest) { n = split(digest[k], d, " "); for (i = 2; i <= n; i++) if (d[i] != d[1]) bad = 1 }
    if (bad) { print "runtimes disagree: the simulation is not deterministic"; exit 1 }
    print "all runtimes ran the same simulation"
  }'
}

mutation() {
  # Stryker mutates the integrity, resume, cancel and Complete paths (stryker.config.json) and reruns the in-process
  # suites (bench/mutation/vitest.config.ts) per mutant; the score and every surviving mutant are in its report.
  echo "+ stryker run   (report: .cache/mutation/report.json)"
  stryker run
}

run_stage manifests manifests
run_stage typecheck typecheck
run_stage lint lint
run_stage node node_tests
run_stage rgw rgw_tests
run_stage node22 node22_tests
run_stage packages packages_test
run_stage deno deno_sim
run_stage chromium chromium_sim
run_stage determinism determinism
run_stage mutation mutation
print_summary
