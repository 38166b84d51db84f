#!/usr/bin/env bash
# Makes sure a Ceph RGW (a real S3 server) answers at $RGW_ENDPOINT with the test credentials, for the RGW suites.
#
# If one already answers there (a developer's, or one a previous run left), it is reused. Otherwise this script
# installs Debian's Ceph packages when they are missing (root and apt-get needed), then starts a single-node cluster:
# one monitor and one OSD on memstore (all data in RAM, lost at stop; memstore only takes what is written), no
# cephx, no manager, and radosgw bound to 127.0.0.1, all under $RGW_DIR; then it creates the S3 user.
#
# stdout gets exactly one line: `started` (this run started RGW; stop it with `.ci/stop-rgw.sh`, which reads the PID
# files in $RGW_DIR) or `reused` (someone else's RGW: leave it alone). Progress goes to stderr. Every wait is
# bounded; a failure names the log to read.
#
# Environment (defaults in brackets): RGW_PORT [7480], MON_PORT [6789], RGW_ENDPOINT [http://127.0.0.1:$RGW_PORT],
# RGW_DIR [.cache/rgw], RGW_ACCESS_KEY_ID [test], RGW_SECRET_ACCESS_KEY [testtesttest], RGW_MEMSTORE_BYTES [4 GiB],
# RGW_START_TIMEOUT_S [120].
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
port="${RGW_PORT:-7480}"
mon_port="${MON_PORT:-6789}"
endpoint="${RGW_ENDPOINT:-http://127.0.0.1:$port}"
dir="${RGW_DIR:-$root/.cache/rgw}"
access_key="${RGW_ACCESS_KEY_ID:-test}"
secret_key="${RGW_SECRET_ACCESS_KEY:-testtesttest}"
memstore_bytes="${RGW_MEMSTORE_BYTES:-4294967296}"
timeout_s="${RGW_START_TIMEOUT_S:-120}"

say() { echo "ensure-rgw: $*" >&2; }
# Fails with the message; once this run has started daemons, also shows the ends of their logs and stops them.
die() {
  say "FAILED: $*"
  if [[ "${cleanup_on_failure:-}" == 1 ]]; then
    for log in "$dir"/log/*; do
      [[ -f "$log" ]] || continue
      say "---- last lines of $log"
      tail -n 15 "$log" >&2 || true
    done
    say "full logs: $dir/log/"
    RGW_DIR="$dir" bash "$root/.ci/stop-rgw.sh" || true
  fi
  exit 1
}

# The SHA-256 of an empty body: S3 wants x-amz-content-sha256 on every SigV4 request, and curl does not add it.
empty_sha256=e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855

# HTTP status of a signed ListBuckets with the test credentials ("000" when nothing answers).
signed_status() {
  curl -s -o /dev/null -w '%{http_code}' --max-time 5 -H "x-amz-content-sha256: $empty_sha256" \
    --aws-sigv4 "aws:amz:us-east-1:s3" --user "$access_key:$secret_key" "$endpoint/" || true
}

# Installs Debian packages (root only), refreshing the package lists once per run.
apt_updated=""
apt_install() {
  [[ $(id -u) -eq 0 ]] && command -v apt-get >/dev/null || die "$* missing; install them as root with apt-get"
  export DEBIAN_FRONTEND=noninteractive
  if [[ -z "$apt_updated" ]]; then
    apt-get update >&2 || die "apt-get update failed"
    apt_updated=1
  fi
  apt-get install -y --no-install-recommends "$@" >&2 || die "apt-get install $* failed"
}

command -v curl >/dev/null || {
  say "installing curl"
  apt_install curl
}

status="$(signed_status)"
if [[ "$status" == 200 ]]; then
  say "an S3 server already answers at $endpoint with the test credentials; reusing it"
  echo reused
  exit 0
fi
[[ "$status" == 000 ]] ||
  die "something answers at $endpoint with HTTP $status to the test credentials ($access_key); not an RGW we can use"

# Only an endpoint we would bind ourselves can be started here.
[[ "$endpoint" == "http://127.0.0.1:$port" ]] ||
  die "nothing answers at $endpoint, and only http://127.0.0.1:\$RGW_PORT can be started here"

# ---- packages
# The tools this script runs; radosgw, ceph-mon and ceph-osd bring the rest (ceph-base, ceph-common).
missing=()
for tool in ceph-mon ceph-osd radosgw radosgw-admin ceph ceph-authtool monmaptool; do
  command -v "$tool" >/dev/null || missing+=("$tool")
done
if [[ ${#missing[@]} -gt 0 ]]; then
  say "installing radosgw ceph-mon ceph-osd (missing: ${missing[*]}; about 115 packages)"
  started_install=$SECONDS
  apt_install radosgw ceph-mon ceph-osd
  say "installed in $((SECONDS - started_install)) s"
fi

# ---- a fresh cluster under $dir
if [[ -f "$dir/rgw.pid" || -f "$dir/mon.pid" || -f "$dir/osd.pid" ]]; then
  say "stopping what a previous run left in $dir"
  RGW_DIR="$dir" bash "$root/.ci/stop-rgw.sh" >&2
fi
rm -rf "$dir"
# From here on, a failure stops the daemons this run started (their PID files are in $dir).
cleanup_on_failure=1
mkdir -p "$dir"/{mon,osd0,run,log}
fsid="$(cat /proc/sys/kernel/random/uuid)"
conf="$dir/ceph.conf"
cat >"$conf" <<EOF
[global]
fsid = $fsid
mon initial members = a
mon host = v1:127.0.0.1:$mon_port
public addr = 127.0.0.1
cluster addr = 127.0.0.1
ms bind msgr2 = false
auth cluster required = none
auth service required = none
auth client required = none
osd pool default size = 1
osd pool default min size = 1
osd pool default pg num = 8
osd pool default pgp num = 8
osd crush chooseleaf type = 0
mon allow pool size one = true
mon warn on pool no redundancy = false
mon data avail warn = 1
mon max pg per osd = 1000
osd objectstore = memstore
memstore device bytes = $memstore_bytes
osd memory target = 1073741824
# The OSD is placed in the CRUSH map by this script before it starts; at start it would send its own commands for
# that, which the monitor sometimes rejects as 'wrong fsid' while the OSD's monitor session is still being set up,
# and the OSD exits. Nothing depends on them here.
osd crush update on start = false
osd class update on start = false
run dir = $dir/run
admin socket = $dir/run/\$name.asok
log file = $dir/log/\$name.log
pid file = $dir/run/\$name.pid
keyring = $dir/keyring
[mon]
mon data = $dir/mon
[osd]
osd data = $dir/osd\$id
[client.rgw]
rgw frontends = beast endpoint=127.0.0.1:$port
rgw dns name = localhost
rgw thread pool size = 64
# Deleted objects and aborted uploads are freed by RGW's garbage collector, two hours later by default; memstore holds
# everything in RAM, so a long session of uploads would fill the OSD (then every write hangs). Collect within a minute.
rgw gc obj min wait = 30
rgw gc processor period = 30
EOF

started_at=$SECONDS
deadline=$((SECONDS + timeout_s))
c=(-c "$conf")
ceph_cli() { timeout 15 ceph "${c[@]}" --connect-timeout 10 "$@"; }

# Starts a daemon in its own session (so it outlives this script and the CI stage's process group) and records its
# PID; stdout/stderr go to $dir/log/<name>.stdout.
daemon() {
  local name="$1"
  shift
  setsid "$@" >"$dir/log/$name.stdout" 2>&1 </dev/null &
  echo $! >"$dir/$name.pid"
}
alive() { kill -0 "$(cat "$dir/$1.pid")" 2>/dev/null || die "$1 exited (see $dir/log/$1.stdout)"; }
# Runs "$@" until it succeeds, checking that the named daemons still run; gives up at the deadline.
wait_until() {
  local what="$1" daemons="$2"
  shift 2
  until "$@" >/dev/null 2>&1; do
    for d in $daemons; do alive "$d"; done
    ((SECONDS < deadline)) || die "timed out after ${timeout_s} s waiting for $what"
    sleep 0.3
  done
}

say "starting ceph-mon on 127.0.0.1:$mon_port in $dir"
ceph-authtool --create-keyring "$dir/keyring" --gen-key -n mon. --cap mon 'allow *' >/dev/null
ceph-authtool "$dir/keyring" --gen-key -n client.admin --cap mon 'allow *' --cap osd 'allow *' >/dev/null
monmaptool --create --add a "v1:127.0.0.1:$mon_port" --fsid "$fsid" "$dir/monmap" >/dev/null
ceph-mon "${c[@]}" --mkfs -i a --monmap "$dir/monmap" --keyring "$dir/keyring" >"$dir/log/mon-mkfs.stdout" 2>&1 ||
  die "ceph-mon --mkfs failed (see $dir/log/mon-mkfs.stdout)"
daemon mon ceph-mon "${c[@]}" -i a -f

say "creating and starting the memstore OSD ($((memstore_bytes / 1024 / 1024)) MiB device)"
osd_uuid="$(cat /proc/sys/kernel/random/uuid)"
wait_until "the monitor to accept 'osd new'" mon ceph_cli osd new "$osd_uuid"
ceph-osd "${c[@]}" -i 0 --mkfs --osd-uuid "$osd_uuid" >"$dir/log/osd-mkfs.stdout" 2>&1 ||
  die "ceph-osd --mkfs failed (see $dir/log/osd-mkfs.stdout)"
{
  ceph_cli osd crush add-bucket localhost host &&
    ceph_cli osd crush move localhost root=default &&
    ceph_cli osd crush add osd.0 1.0 host=localhost
} >"$dir/log/crush.stdout" 2>&1 || die "placing the OSD in the CRUSH map failed (see $dir/log/crush.stdout)"
daemon osd ceph-osd "${c[@]}" -i 0 -f

say "starting radosgw on 127.0.0.1:$port (it creates its pools on first start)"
daemon rgw radosgw "${c[@]}" -n client.rgw -f
wait_until "radosgw to listen on 127.0.0.1:$port" "mon osd rgw" curl -s -o /dev/null --max-time 2 "http://127.0.0.1:$port/"

say "creating the S3 user $access_key"
wait_until "radosgw-admin user create" "mon osd rgw" timeout 30 radosgw-admin "${c[@]}" -n client.admin \
  user create --uid="$access_key" --display-name="$access_key" --access-key="$access_key" --secret="$secret_key"
signed_ok() { [[ "$(signed_status)" == 200 ]]; }
wait_until "a signed request with the new user to succeed" "mon osd rgw" signed_ok

say "RGW ready at $endpoint after $((SECONDS - started_at)) s (stop with: RGW_DIR=$dir bash .ci/stop-rgw.sh)"
echo started
