#!/usr/bin/env bash
# Makes sure the Node version given as $1 (e.g. 24.21.0) is installed under .cache/node-<version>/ and prints the
# absolute path of its `node` binary (the only line on stdout; npm's output goes to stderr).
#
# It comes from the npm package `node-<os>-<arch>@<version>`, the plain binary that the `node` package's install
# script would fetch, so no install script has to run. It goes into .cache/, never into the project's node_modules:
# a `node` bin in node_modules/.bin would shadow the chosen node inside every npm script.
set -euo pipefail

version="${1:?usage: ensure-node.sh <version>, e.g. 24.21.0}"

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
dest="$root/.cache/node-$version"
bin="$dest/node_modules/.bin/node"

works() { [[ -x "$1" ]] && [[ "$("$1" --version 2>/dev/null)" == "v$version" ]]; }

if works "$bin"; then
  readlink -f "$bin"
  exit 0
fi

case "$(uname -s)" in Linux) os=linux ;; Darwin) os=darwin ;; *) echo "ensure-node: unsupported OS $(uname -s)" >&2; exit 1 ;; esac
case "$(uname -m)" in x86_64 | amd64) arch=x64 ;; aarch64 | arm64) arch=arm64 ;; *) echo "ensure-node: unsupported CPU $(uname -m)" >&2; exit 1 ;; esac

echo "ensure-node: installing node@$version into $dest" >&2
mkdir -p "$root/.cache"
tmp="$(mktemp -d "$root/.cache/node-$version.tmp.XXXXXX")"
trap 'rm -rf "$tmp"' EXIT
npm_install() {
  (cd "$tmp" && npm install --prefix "$tmp" --no-save --no-package-lock --no-audit --no-fund "$@") 1>&2
}

npm_install "node-$os-$arch@$version"
works "$tmp/node_modules/.bin/node" || {
  echo "ensure-node: node-$os-$arch@$version from npm gave no working Node $version" >&2
  exit 1
}

rm -rf "$dest"
mv "$tmp" "$dest"
trap - EXIT
readlink -f "$bin"
