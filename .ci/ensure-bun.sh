#!/usr/bin/env bash
# Makes sure Bun $1 (default 1.4.5) is installed under .cache/bun-<version>/ and prints the absolute path of its
# binary (the only stdout line). It comes from the npm package `@oven/bun-<os>-<arch>`, the plain binary that the
# `bun` package's install script would move into place, so no install script runs.
set -euo pipefail

version="${1:-1.4.5}"
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
dest="$root/.cache/bun-$version"

case "$(uname -s)" in Linux) os=linux ;; Darwin) os=darwin ;; *) echo "ensure-bun: unsupported OS $(uname -s)" >&2; exit 1 ;; esac
case "$(uname -m)" in x86_64 | amd64) arch=x64 ;; aarch64 | arm64) arch=aarch64 ;; *) echo "ensure-bun: unsupported CPU $(uname -m)" >&2; exit 1 ;; esac
bin="$dest/node_modules/@oven/bun-$os-$arch/bin/bun"

works() { [[ -x "$1" ]] && [[ "$("$1" --version 2>/dev/null)" == "$version" ]]; }
if works "$bin"; then
  echo "$bin"
  exit 0
fi

echo "ensure-bun: installing @oven/bun-$os-$arch@$version into $dest" >&2
mkdir -p "$root/.cache"
tmp="$(mktemp -d "$root/.cache/bun-$version.tmp.XXXXXX")"
trap 'rm -rf "$tmp"' EXIT
(cd "$tmp" && npm install --prefix "$tmp" --no-save --no-package-lock --no-audit --no-fund "@oven/bun-$os-$arch@$version") 1>&2
chmod +x "$tmp/node_modules/@oven/bun-$os-$arch/bin/bun" 2>/dev/null || true
works "$tmp/node_modules/@oven/bun-$os-$arch/bin/bun" || {
  echo "ensure-bun: @oven/bun-$os-$arch@$version gave no working Bun $version" >&2
  exit 1
}
rm -rf "$dest"
mv "$tmp" "$dest"
trap - EXIT
echo "$bin"
