#!/usr/bin/env bash
# Command 1 of the README: set up a fresh machine, build everything (native
# core + CLI, WASM module, unpacked Chromium and Firefox extensions), then show
# the main job on the bundled X privacy policy (Nov 15 2024 version).
#   ./build.sh            set up, build, and run the demo
#   ./build.sh --no-demo  set up and build only (used by run-tests.sh)
set -euo pipefail
root=$(cd "$(dirname "$0")" && pwd)
cd "$root"
jobs=$(nproc)

"$root/scripts/setup.sh"

echo "build: native core, CLI and tests (build/native)"
cmake -S . -B build/native -DCMAKE_BUILD_TYPE=Release >/dev/null
cmake --build build/native -j"$jobs"

echo "build: WASM module (build/wasm)"
"$root/build-wasm.sh"

echo "build: extensions (dist/chromium, dist/firefox)"
node scripts/build-extension.mjs

if [ "${1:-}" != "--no-demo" ]; then
  policy="$root/../shared/corpus/policies/x-twitter/privacy-policy/2024-11-16.md"
  echo
  echo "== fineprint analyze --format text $(basename "$(dirname "$(dirname "$policy")")")/privacy-policy/2024-11-16.md"
  build/native/fineprint analyze --format text "$policy"
fi
