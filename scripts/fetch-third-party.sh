#!/usr/bin/env bash
# Fetches the pinned RE2 + Abseil sources (see third_party/re2.lock) from the
# npm registry, checks the tarball against the pinned integrity hash, and
# unpacks it to third_party/src/re2-<version>. Idempotent.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
# shellcheck disable=SC1091
. <(grep -E '^(package|version|integrity)=' "$root/third_party/re2.lock")
dest="$root/third_party/src/re2-$version"
if [ -f "$dest/.verified" ]; then exit 0; fi

downloads="$root/third_party/downloads"
mkdir -p "$downloads"
tarball="$downloads/$package-$version.tgz"
if [ ! -f "$tarball" ]; then
  (cd "$downloads" && npm pack "$package@$version" --silent >/dev/null)
fi
actual="sha512-$(openssl dgst -sha512 -binary "$tarball" | base64 -w0)"
if [ "$actual" != "$integrity" ]; then
  echo "fetch-third-party: $tarball does not match the pinned integrity" >&2
  echo "  expected $integrity" >&2
  echo "  actual   $actual" >&2
  rm -f "$tarball"
  exit 1
fi
rm -rf "$dest.tmp" && mkdir -p "$dest.tmp"
tar -xzf "$tarball" -C "$dest.tmp" package/vendor/re2 package/vendor/abseil-cpp
rm -rf "$dest" && mv "$dest.tmp" "$dest"
touch "$dest/.verified"
echo "fetch-third-party: RE2 + Abseil from $package@$version ready in ${dest#$root/}"
