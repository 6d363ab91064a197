#!/usr/bin/env bash
# Command 2 of the README (and what CI runs): set up and build exactly as
# build.sh does, then run every test: C++ unit and CLI tests (ctest), the WASM
# module under Node, and the extension end to end in headless Chromium.
set -uo pipefail
root=$(cd "$(dirname "$0")" && pwd)
cd "$root"

"$root/build.sh" --no-demo || { echo "run-tests: build failed"; exit 1; }

status=0
run() {  # name command...
  local name=$1
  shift
  echo
  echo "== $name"
  local started=$SECONDS
  if "$@"; then
    echo "== $name: ok ($((SECONDS - started)) s)"
  else
    echo "== $name: FAILED ($((SECONDS - started)) s)"
    status=1
  fi
}

run "C++ unit + CLI tests" ctest --test-dir build/native --output-on-failure
run "WASM tests (Node)" node --test tests/wasm/
run "Browser end-to-end tests" node --test --test-concurrency=1 tests/e2e/
exit $status
