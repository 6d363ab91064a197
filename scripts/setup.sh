#!/usr/bin/env bash
# Everything a fresh Debian 12 machine needs before building: Debian packages,
# the npm packages of package-lock.json, and the pinned RE2 + Abseil sources.
# Safe to run again: it only installs what is missing.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)

packages=(
  cmake g++ make pkg-config openssl ca-certificates
  nlohmann-json3-dev catch2
  emscripten
  chromium chromium-driver firefox-esr
)
# Node.js may come from elsewhere than Debian's archive (an image's own
# nodesource build, which bundles npm and conflicts with Debian's npm): only
# ask Debian for it when the commands are missing.
command -v node >/dev/null && command -v npm >/dev/null || packages+=(nodejs npm)
missing=()
for package in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q "install ok installed" || missing+=("$package")
done
if [ ${#missing[@]} -gt 0 ]; then
  echo "setup: installing Debian packages: ${missing[*]}"
  sudo=""
  [ "$(id -u)" -eq 0 ] || sudo="sudo"
  $sudo apt-get update -q
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -q --no-install-recommends "${missing[@]}"
fi

# npm ci only when the lock file changed since the last install.
stamp="$root/node_modules/.fineprint-lock.sha256"
want=$(sha256sum "$root/package-lock.json" | cut -d' ' -f1)
if [ ! -f "$stamp" ] || [ "$(cat "$stamp")" != "$want" ]; then
  echo "setup: installing npm packages (package-lock.json)"
  (cd "$root" && npm ci --no-audit --no-fund --loglevel=error)
  echo "$want" >"$stamp"
fi

"$root/scripts/fetch-third-party.sh"
