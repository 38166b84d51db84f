#!/usr/bin/env bash
# Makes sure a Chromium binary exists for the browser simulation run and prints its path (the only stdout line).
# Uses $CHROMIUM_PATH if set, else Debian's /usr/bin/chromium, installing the `chromium` package with apt when it is
# missing (needs root and apt; see docs/environment.md §4.2: about 15 s).
set -euo pipefail

chromium="${CHROMIUM_PATH:-/usr/bin/chromium}"

if [[ -x "$chromium" ]]; then
  echo "$chromium"
  exit 0
fi

if [[ -n "${CHROMIUM_PATH:-}" ]]; then
  echo "ensure-chromium: CHROMIUM_PATH=$CHROMIUM_PATH is not an executable file" >&2
  exit 1
fi

if [[ "$(id -u)" -ne 0 ]]; then
  echo "ensure-chromium: $chromium is missing and we are not root, so it cannot be installed." >&2
  echo "ensure-chromium: run as root: apt-get update && apt-get install -y --no-install-recommends chromium" >&2
  echo "ensure-chromium: or point CHROMIUM_PATH at an existing Chromium/Chrome binary." >&2
  exit 1
fi
if ! command -v apt-get >/dev/null 2>&1; then
  echo "ensure-chromium: $chromium is missing and apt-get is not available; set CHROMIUM_PATH to a Chromium binary." >&2
  exit 1
fi

echo "ensure-chromium: installing Debian chromium with apt-get" >&2
export DEBIAN_FRONTEND=noninteractive
apt-get update 1>&2
apt-get install -y --no-install-recommends chromium 1>&2

if [[ ! -x "$chromium" ]]; then
  echo "ensure-chromium: apt-get install chromium finished but $chromium is still missing" >&2
  exit 1
fi
echo "$chromium"
