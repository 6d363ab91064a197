#!/usr/bin/env bash
# The command-line contract other tools depend on: exit codes, the JSON
# schema, stdin, and a one-line error on stderr for bad input.
set -u
fineprint=${1:?usage: cli_test.sh path/to/fineprint}
here=$(cd "$(dirname "$0")" && pwd)
corpus="$here/../../../shared/corpus"
x_policy="$corpus/policies/x-twitter/privacy-policy/2024-11-16.md"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
passed=0 failed=0

expect_exit() {  # name expected-code command...
  local name=$1 expected=$2
  shift 2
  "$@" >"$tmp/out" 2>"$tmp/err"
  local actual=$?
  if [ "$actual" -eq "$expected" ]; then
    passed=$((passed + 1))
  else
    failed=$((failed + 1))
    echo "FAIL $name: exit $actual, expected $expected; stderr: $(head -c 300 "$tmp/err")"
  fi
}

expect_one_line_error() {  # name
  if [ "$(wc -l <"$tmp/err")" -eq 1 ] && grep -q '^fineprint: ' "$tmp/err"; then
    passed=$((passed + 1))
  else
    failed=$((failed + 1))
    echo "FAIL $1: stderr is not one 'fineprint: ...' line: $(cat "$tmp/err")"
  fi
}

check_json() {  # name node-expression over `doc`
  if node -e "const doc = JSON.parse(require('fs').readFileSync('$tmp/out', 'utf8')); if (!($2)) process.exit(1);"; then
    passed=$((passed + 1))
  else
    failed=$((failed + 1))
    echo "FAIL $1: JSON check failed: $2"
  fi
}

expect_exit "analyze json" 0 "$fineprint" analyze --format json "$x_policy"
check_json "schema" "doc.schema === 'fineprint.analysis/1' && doc.document.format === 'markdown'"
check_json "third-party AI clause labelled" \
  "doc.clauses.some(c => c.text.includes('train their artificial intelligence') && ['ai_training.third_party','choice.default_on'].every(id => c.labels.some(l => l.id === id)))"
# Where a clause's source holds no markup, the source (white space folded) is its text.
check_json "offsets slice the input" \
  "(() => { const src = require('fs').readFileSync('$x_policy'); const fold = s => s.replace(/\\s+/g, ' '); return doc.clauses.every(c => c.start < c.end && c.end <= src.length) && doc.clauses.map(c => [fold(src.subarray(c.start, c.end).toString()), c.text]).filter(([s]) => !/[*\\[\\]_&<\\\\]/.test(s)).every(([s, t]) => s === t); })()"
expect_exit "analyze default format is json" 0 "$fineprint" analyze "$x_policy"
check_json "default json" "doc.schema === 'fineprint.analysis/1'"
expect_exit "analyze text" 0 "$fineprint" analyze --format text "$x_policy"
if grep -q "ai_training.third_party" "$tmp/out"; then passed=$((passed + 1)); else failed=$((failed + 1)); echo "FAIL text report lacks the label"; fi

printf 'We keep cookies for up to 13 months.\n' >"$tmp/in.txt"
expect_exit "stdin" 0 bash -c "\"$fineprint\" analyze - <\"$tmp/in.txt\""
check_json "stdin labelled" "doc.clauses.length === 1 && doc.clauses[0].labels.some(l => l.id === 'retention.fixed_period')"

# --url names the service where the title does not: X's terms are titled
# "Terms of Service" only.
x_terms="$corpus/policies/x-twitter/terms-of-service/2024-11-16.md"
expect_exit "analyze without --url" 0 "$fineprint" analyze "$x_terms"
cp "$tmp/out" "$tmp/untitled.json"
check_json "no service without --url" "doc.document.service === ''"
expect_exit "analyze --url" 0 "$fineprint" analyze --url https://help.x.com/en/rules-and-policies/x-tos "$x_terms"
check_json "--url names the service" "doc.document.service === 'X'"
check_json "--url notes say X" \
  "(() => { const before = JSON.parse(require('fs').readFileSync('$tmp/untitled.json', 'utf8')); const notes = d => d.clauses.flatMap(c => c.labels.map(l => l.note)); const b = notes(before), a = notes(doc); return a.length === b.length && a.some(n => /\\bX\\b/.test(n)) && b.every(n => !/\\bX\\b/.test(n)) && a.every((n, i) => n === b[i] || n === b[i].replace(/^This service\\b/, 'X').replace(/\\bthis service\\b/g, 'X')); })()"
expect_exit "--url on a text report" 0 "$fineprint" analyze --format text --url x.com "$x_terms"
if grep -q "^  - .*: X " "$tmp/out"; then passed=$((passed + 1)); else failed=$((failed + 1)); echo "FAIL text report notes do not name X"; fi
expect_exit "--url without a value" 2 "$fineprint" analyze "$x_terms" --url
expect_one_line_error "--url without a value"

expect_exit "no command" 2 "$fineprint"
expect_one_line_error "no command"
expect_exit "unknown option" 2 "$fineprint" analyze --frob x.md
expect_one_line_error "unknown option"
expect_exit "unknown command" 2 "$fineprint" frobnicate
expect_exit "bad format" 2 "$fineprint" analyze --format xml "$x_policy"
expect_exit "no file" 2 "$fineprint" analyze
expect_exit "two files" 2 "$fineprint" analyze a.txt b.txt
expect_exit "missing file" 3 "$fineprint" analyze "$tmp/does-not-exist.md"
expect_one_line_error "missing file"
printf 'abc\0def' >"$tmp/binary.txt"
expect_exit "binary file" 3 "$fineprint" analyze "$tmp/binary.txt"
expect_one_line_error "binary file"
printf 'caf\xe9 au lait' >"$tmp/latin1.txt"
expect_exit "invalid utf-8" 3 "$fineprint" analyze "$tmp/latin1.txt"
expect_one_line_error "invalid utf-8"
: >"$tmp/empty.md"
expect_exit "empty file" 0 "$fineprint" analyze "$tmp/empty.md"
check_json "empty file has no clauses" "doc.clauses.length === 0"
printf '{"schema": "fineprint.rules/1"' >"$tmp/broken-rules.json"
expect_exit "broken rule pack" 3 "$fineprint" analyze --rules "$tmp/broken-rules.json" "$tmp/in.txt"
expect_one_line_error "broken rule pack"

# diff and snapshot: same exit codes; a snapshot stands in for the old page.
x_old="$corpus/policies/x-twitter/privacy-policy/2025-05-21.md"
x_new="$corpus/policies/x-twitter/privacy-policy/2025-07-29.md"
expect_exit "diff json" 0 "$fineprint" diff "$x_old" "$x_new"
check_json "diff schema" "doc.schema === 'fineprint.diff/1' && Array.isArray(doc.changes) && Array.isArray(doc.summary)"
check_json "diff change shape" \
  "doc.changes.every(c => ['added','removed','modified','moved'].includes(c.kind) && 'old' in c && 'new' in c && Array.isArray(c.labels_before) && Array.isArray(c.labels_after) && (c.kind !== 'modified' || c.words.every(w => ['equal','insert','delete'].includes(w.op))))"
check_json "diff reports the retention change" \
  "doc.summary.some(s => s.label === 'retention.fixed_period' && s.change === 'changed' && s.before === 'up to 90 days' && s.after === 'up to 12 months' && s.severity === 'caution')"
check_json "diff offsets slice the new input" \
  "(() => { const src = require('fs').readFileSync('$x_new'); return doc.changes.filter(c => c.new).every(c => c.new.start < c.new.end && c.new.end <= src.length); })()"
expect_exit "diff text" 0 "$fineprint" diff --format text "$x_old" "$x_new"
if grep -q "\[-90 days-\]{+12 months+}" "$tmp/out"; then passed=$((passed + 1)); else failed=$((failed + 1)); echo "FAIL diff text lacks the word diff"; fi

expect_exit "snapshot to stdout" 0 "$fineprint" snapshot "$x_old"
check_json "snapshot schema" "doc.schema === 'fineprint.snapshot/1' && doc.date === '2025-05-21' && doc.clauses.text.length > 100"
expect_exit "snapshot -o" 0 "$fineprint" snapshot --date 2025-05-30 -o "$tmp/old.snapshot.json" "$x_old"
if [ -s "$tmp/old.snapshot.json" ] && [ ! -s "$tmp/out" ]; then passed=$((passed + 1)); else failed=$((failed + 1)); echo "FAIL snapshot -o wrote nothing or also wrote stdout"; fi
size_ok=$(node -e "const fs = require('fs'); const s = fs.statSync('$tmp/old.snapshot.json').size; const d = JSON.parse(fs.readFileSync('$tmp/old.snapshot.json', 'utf8')); console.log(s <= 1.2 * d.document.text_bytes ? 'yes' : 'no')")
if [ "$size_ok" = yes ]; then passed=$((passed + 1)); else failed=$((failed + 1)); echo "FAIL snapshot larger than 1.2x the plain text"; fi
"$fineprint" diff "$x_old" "$x_new" >"$tmp/doc-vs-doc.json" 2>/dev/null
expect_exit "diff snapshot against current" 0 "$fineprint" diff "$tmp/old.snapshot.json" "$x_new"
check_json "snapshot diff has the same summary" \
  "JSON.stringify(doc.summary) === JSON.stringify(JSON.parse(require('fs').readFileSync('$tmp/doc-vs-doc.json', 'utf8')).summary) && doc.before.date === '2025-05-30'"
expect_exit "diff snapshot against itself" 0 "$fineprint" diff "$tmp/old.snapshot.json" "$tmp/old.snapshot.json"
check_json "no changes against itself" "doc.changes.length === 0 && doc.summary.length === 0"
expect_exit "diff against an empty document" 0 "$fineprint" diff "$tmp/empty.md" "$x_new"
check_json "everything added" "doc.changes.length > 100 && doc.changes.every(c => c.kind === 'added')"

head -c 5000 "$tmp/old.snapshot.json" >"$tmp/truncated.json"
expect_exit "truncated snapshot" 3 "$fineprint" diff "$tmp/truncated.json" "$x_new"
expect_one_line_error "truncated snapshot"
if grep -q "corrupt snapshot" "$tmp/err"; then passed=$((passed + 1)); else failed=$((failed + 1)); echo "FAIL truncated snapshot not reported as corrupt: $(cat "$tmp/err")"; fi
sed 's/We keep information shared by ad and business partners/We keep nothing shared by ad and business partners/' "$tmp/old.snapshot.json" >"$tmp/tampered.json"
expect_exit "tampered snapshot" 3 "$fineprint" diff "$tmp/tampered.json" "$x_new"
expect_one_line_error "tampered snapshot"
if grep -q "corrupt snapshot: clause [0-9]* does not match its hash" "$tmp/err"; then passed=$((passed + 1)); else failed=$((failed + 1)); echo "FAIL tampered snapshot: $(cat "$tmp/err")"; fi
cp "$tmp/tampered.json" "$tmp/tampered-copy.json"
expect_exit "snapshot refuses to rewrite a corrupt snapshot" 3 "$fineprint" snapshot -o "$tmp/tampered.json" "$tmp/tampered.json"
if cmp -s "$tmp/tampered.json" "$tmp/tampered-copy.json"; then passed=$((passed + 1)); else failed=$((failed + 1)); echo "FAIL corrupt snapshot was replaced"; fi

# --url on snapshot and diff: a snapshot keeps the service the address
# names, and a change summary names the newer version's (else the older's).
printf '# Terms of Service\n\nWe keep cookies for up to 13 months.\n' >"$tmp/tos-old.md"
printf '# Terms of Service\n\nWe keep cookies for up to 13 months.\n\nWe may use your posts to train our artificial intelligence models.\n' >"$tmp/tos-new.md"
ai_note() {  # name expected-note: the summary's note on the new first-party AI clause
  check_json "$1" "doc.summary.some(s => s.label === 'ai_training.first_party' && s.note === '$2')"
}
expect_exit "snapshot --url" 0 "$fineprint" snapshot --url https://help.x.com/en/tos -o "$tmp/tos-old.snapshot.json" "$tmp/tos-old.md"
cp "$tmp/tos-old.snapshot.json" "$tmp/out"
check_json "snapshot --url keeps the service" "doc.document.service === 'X'"
expect_exit "snapshot without --url" 0 "$fineprint" snapshot "$tmp/tos-old.md"
check_json "no service kept without --url" "!('service' in doc.document)"
expect_exit "diff without --url" 0 "$fineprint" diff "$tmp/tos-old.md" "$tmp/tos-new.md"
ai_note "unnamed service" "A new clause lets the service train AI on your data"
expect_exit "diff --url" 0 "$fineprint" diff --url https://x.com/en/tos "$tmp/tos-old.md" "$tmp/tos-new.md"
ai_note "diff --url names the service" "A new clause lets X train AI on your data"
expect_exit "diff a snapshot made with --url" 0 "$fineprint" diff "$tmp/tos-old.snapshot.json" "$tmp/tos-new.md"
ai_note "the stored service names it" "A new clause lets X train AI on your data"
# A snapshot from before the service was kept (the field absent) still loads.
node -e "const fs = require('fs'); const d = JSON.parse(fs.readFileSync('$tmp/tos-old.snapshot.json', 'utf8')); delete d.document.service; fs.writeFileSync('$tmp/tos-old.v0.json', JSON.stringify(d));"
expect_exit "diff an old snapshot" 0 "$fineprint" diff "$tmp/tos-old.v0.json" "$tmp/tos-new.md"
ai_note "old snapshot, no service" "A new clause lets the service train AI on your data"
expect_exit "diff an old snapshot --url" 0 "$fineprint" diff --url https://x.com/en/tos "$tmp/tos-old.v0.json" "$tmp/tos-new.md"
ai_note "old snapshot, newer version named" "A new clause lets X train AI on your data"
expect_exit "snapshot --url without a value" 2 "$fineprint" snapshot "$tmp/tos-old.md" --url
expect_one_line_error "snapshot --url without a value"
expect_exit "diff --url without a value" 2 "$fineprint" diff "$tmp/tos-old.md" "$tmp/tos-new.md" --url
expect_one_line_error "diff --url without a value"
expect_exit "help lists --url for diff and snapshot" 0 "$fineprint" --help
if grep -q "fineprint diff .*--url URL" "$tmp/out" && grep -q "fineprint snapshot .*--url URL" "$tmp/out"; then passed=$((passed + 1)); else failed=$((failed + 1)); echo "FAIL --help lacks --url for diff or snapshot"; fi

expect_exit "diff needs two files" 2 "$fineprint" diff "$x_old"
expect_exit "diff three files" 2 "$fineprint" diff "$x_old" "$x_new" "$x_new"
expect_exit "diff bad format" 2 "$fineprint" diff --format xml "$x_old" "$x_new"
expect_exit "diff missing file" 3 "$fineprint" diff "$x_old" "$tmp/does-not-exist.md"
expect_one_line_error "diff missing file"
expect_exit "snapshot no file" 2 "$fineprint" snapshot
expect_exit "snapshot bad date" 2 "$fineprint" snapshot --date yesterday "$x_old"

echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
