#!/usr/bin/env bash
# Stops the Ceph RGW that .ci/ensure-rgw.sh started in $RGW_DIR (default .cache/rgw): radosgw, then the OSD, then the
# monitor, each by the PID its file records, and only if that process still runs with this directory's ceph.conf (a
# PID reused by some other process is left alone). Waits up to 20 s per daemon, then kills it. Data is in RAM and
# goes with the OSD; the logs stay in $RGW_DIR/log/.
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
dir="${RGW_DIR:-$root/.cache/rgw}"

say() { echo "stop-rgw: $*" >&2; }

for name in rgw osd mon; do
  pid_file="$dir/$name.pid"
  [[ -f "$pid_file" ]] || continue
  pid="$(cat "$pid_file")"
  if [[ "$pid" =~ ^[0-9]+$ ]] && tr '\0' ' ' <"/proc/$pid/cmdline" 2>/dev/null | grep -qF -- "$dir/ceph.conf"; then
    kill "$pid" 2>/dev/null || true
    for _ in $(seq 1 100); do
      kill -0 "$pid" 2>/dev/null || break
      sleep 0.2
    done
    if kill -0 "$pid" 2>/dev/null; then
      say "$name ($pid) did not stop within 20 s; killing it"
      kill -9 "$pid" 2>/dev/null || true
    fi
    say "stopped $name ($pid)"
  else
    say "$name: PID $pid is not running with $dir/ceph.conf; nothing to stop"
  fi
  rm -f "$pid_file"
done
