#!/usr/bin/env bash
# Builds the core as WebAssembly with Debian's Emscripten:
#   build/wasm/fineprint_wasm.js    ES module, default export createFineprintModule
#   build/wasm/fineprint_wasm.wasm
# With --names, the same code with its function names kept, in
# build/wasm-names (for bench/wasm_tierup.mjs).
# Incremental: rerunning rebuilds only what changed. A clean build (RE2 and
# Abseil included) takes two to three minutes on two cores.
set -euo pipefail
root=$(cd "$(dirname "$0")" && pwd)
cd "$root"

# Debian's em++ runs Node tools that need the system's acorn module.
export NODE_PATH=/usr/share/nodejs${NODE_PATH:+:$NODE_PATH}

for tool in emcmake emcc cmake; do
  command -v "$tool" >/dev/null || { echo "build-wasm: $tool not found (apt-get install emscripten cmake)" >&2; exit 1; }
done

build=build/wasm
names=OFF
case "${1:-}" in
  "") ;;
  --names) build=build/wasm-names; names=ON ;;
  *) echo "usage: ./build-wasm.sh [--names]" >&2; exit 2 ;;
esac
# Configuring is cheap (~2 s) and idempotent; doing it every time also
# recovers a build dir left half-configured.
mkdir -p "$build"
if ! emcmake cmake -S . -B "$build" -DCMAKE_BUILD_TYPE=Release -DFINEPRINT_WASM_FUNCTION_NAMES=$names >"$build/configure.log" 2>&1; then
  cat "$build/configure.log" >&2
  echo "build-wasm: configuring $build failed" >&2
  exit 1
fi
echo "build-wasm: building $build (from clean, RE2 and Abseil take ~2-3 min)"
# make's progress lines are dropped; compiler messages and errors pass.
cmake --build "$build" --target fineprint_wasm -j"$(nproc)" | sed -u '/^\[ *[0-9]*%\] /d'

for file in fineprint_wasm.js fineprint_wasm.wasm; do
  [ -f "$build/$file" ] || { echo "build-wasm: $build/$file was not produced" >&2; exit 1; }
done
echo "build-wasm: $build/fineprint_wasm.js, $build/fineprint_wasm.wasm ($(stat -c %s "$build/fineprint_wasm.wasm") bytes)"
