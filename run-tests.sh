#!/usr/bin/env bash
# Command 2 of the README (and what CI runs): set up and build exactly as
# build.sh does, then run every test: C++ unit and CLI tests (ctest), the WASM
# module under Node, and the extension end to end in headless Chromium and
# Firefox. Ends with one line: "N passed, N failed" over all suites.
set -uo pipefail
root=$(cd "$(dirname "$0")" && pwd)
cd "$root"

"$root/build.sh" --no-demo || { echo "run-tests: build failed"; echo "0 passed, 1 failed"; exit 1; }

logs=$(mktemp -d)
trap 'rm -rf "$logs"' EXIT
status=0
passed=0
failed=0
run() {  # name kind(ctest|node) command...
  local name=$1 kind=$2
  shift 2
  echo
  echo "== $name"
  local started=$SECONDS log="$logs/$kind-$SECONDS.log"
  "$@" 2>&1 | tee "$log"
  local code=${PIPESTATUS[0]}
  local p=0 f=0
  if [ "$kind" = ctest ]; then
    read -r p f < <(sed -nE 's/^[0-9]+% tests passed, ([0-9]+) tests failed out of ([0-9]+)$/\2 \1/p' "$log" | awk '{print $1 - $2, $2}')
  else
    p=$(sed -nE 's/^# pass ([0-9]+)$/\1/p' "$log" | tail -1)
    f=$(sed -nE 's/^# fail ([0-9]+)$/\1/p' "$log" | tail -1)
  fi
  p=${p:-0} f=${f:-0}
  if [ "$code" -ne 0 ] && [ "$f" -eq 0 ]; then f=1; fi  # a crash before any count
  passed=$((passed + p)) failed=$((failed + f))
  if [ "$code" -eq 0 ]; then
    echo "== $name: ok, $p passed ($((SECONDS - started)) s)"
  else
    echo "== $name: FAILED, $f failed ($((SECONDS - started)) s)"
    status=1
  fi
}

run "C++ unit, CLI and accuracy tests" ctest ctest --test-dir build/native --output-on-failure
run "WASM tests (Node)" node node --test tests/wasm/
run "Extension background and locale tests (Node)" node node --test tests/extension/
run "Browser end-to-end tests" node node --test --test-concurrency=1 tests/e2e/
echo
echo "$passed passed, $failed failed"
exit $status
