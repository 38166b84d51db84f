#!/usr/bin/env bash
# Makes sure rclone is installed for the client tests (tests/clients) and prints its path (the only stdout line).
# Uses $RCLONE_PATH if set, else rclone on the PATH, installing Debian's `rclone` package with apt when it is missing
# (needs root and apt; bookworm ships rclone 1.60).
set -euo pipefail

if [[ -n "${RCLONE_PATH:-}" ]]; then
  [[ -x "$RCLONE_PATH" ]] || { echo "ensure-rclone: RCLONE_PATH=$RCLONE_PATH is not an executable file" >&2; exit 1; }
  echo "$RCLONE_PATH"
  exit 0
fi
if command -v rclone >/dev/null 2>&1; then
  command -v rclone
  exit 0
fi

if [[ "$(id -u)" -ne 0 ]]; then
  echo "ensure-rclone: rclone is missing and we are not root, so it cannot be installed." >&2
  echo "ensure-rclone: run as root: apt-get update && apt-get install -y --no-install-recommends rclone" >&2
  exit 1
fi
if ! command -v apt-get >/dev/null 2>&1; then
  echo "ensure-rclone: rclone is missing and apt-get is not available; install rclone or set RCLONE_PATH." >&2
  exit 1
fi

echo "ensure-rclone: installing Debian rclone with apt-get" >&2
export DEBIAN_FRONTEND=noninteractive
apt-get update 1>&2
apt-get install -y --no-install-recommends rclone 1>&2

command -v rclone >/dev/null 2>&1 || { echo "ensure-rclone: apt-get install rclone finished but rclone is missing" >&2; exit 1; }
command -v rclone
