// Diff speed and noise against the peers, in one run under Node:
//   fineprint (the WASM build, as the extension ships it),
//   jsdiff (npm `diff`: diffSentences and diffWords),
//   diff-match-patch (npm `diff-match-patch`: diff_main, default 1 s timeout).
//
//   node bench/diff_peers.mjs [--repeat N]
//
// For every consecutive pair of versions in ../shared/corpus/policies it
// prints the median time of each tool, and the ratios peer / fineprint. The
// peers diff the raw Markdown; fineprint is timed twice: from the two raw
// documents (read, segment, classify, snapshot both, align, summarise) and
// diff-only (stored snapshot against the current one, which is what the
// extension does on a return visit). Last, the formatting-only pair (X privacy
// 2025-07-29 -> 2026-01-16) shows how many changes each reports.
import { readFileSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { diffSentences, diffWords } from 'diff';
import DiffMatchPatch from 'diff-match-patch';
import { corpusRoot, createTestEngine } from '../tests/wasm/helpers.mjs';
import { median } from './stats.mjs';

const repeatArg = process.argv.indexOf('--repeat');
const repeat = repeatArg > 0 ? Number(process.argv[repeatArg + 1]) : 5;
// A single jsdiff word diff of two rewritten 200 KB documents can run for
// minutes; past this it gives up and the table says so.
const JSDIFF_TIMEOUT_MS = 5000;

function versionPairs() {
  const policies = path.join(corpusRoot, 'policies');
  const pairs = [];
  // Directories only: the corpus keeps other files (label tables) beside them.
  const folders = (dir) => readdirSync(dir, { withFileTypes: true }).filter((e) => e.isDirectory()).map((e) => e.name).sort();
  for (const service of folders(policies)) {
    for (const kind of folders(path.join(policies, service))) {
      const dir = path.join(policies, service, kind);
      const versions = readdirSync(dir).filter((f) => f.endsWith('.md')).sort();
      for (let i = 1; i < versions.length; i++) {
        pairs.push({
          name: `${service}/${kind} ${versions[i - 1].slice(0, -3)} -> ${versions[i].slice(0, -3)}`,
          old: readFileSync(path.join(dir, versions[i - 1]), 'utf8'),
          new: readFileSync(path.join(dir, versions[i]), 'utf8'),
        });
      }
    }
  }
  return pairs;
}

// Median wall time of `repeat` runs of fn (one run when the first is slow),
// and fn's last result.
function time(fn) {
  const times = [];
  let result;
  for (let i = 0; i < repeat; i++) {
    const started = performance.now();
    result = fn();
    times.push(performance.now() - started);
    if (times[0] > 1000) break;
  }
  return { ms: median(times), result };
}

const changedParts = (parts) => (parts ? parts.filter((p) => p.added || p.removed).length : null);
const fmt = (ms) => (ms === null ? 'timeout' : ms < 10 ? ms.toFixed(2) : ms.toFixed(1));
const ratio = (ms, base) => (ms === null ? '  -' : `${(ms / base).toFixed(1)}x`);

const engine = await createTestEngine();
const dmp = new DiffMatchPatch();
const pairs = versionPairs();

console.log(`diff peers: ${pairs.length} version pairs, median of ${repeat} runs, times in ms`);
console.log(
  ['pair'.padEnd(58), 'KB', 'fp-full', 'fp-diff', 'jsd-sent', 'jsd-word', 'dmp', ' sent/fp', ' word/fp', ' dmp/fp'].join('  '),
);
const totals = { full: 0, diff: 0, sentences: 0, words: 0, dmp: 0 };
let formattingOnly = null;
for (const pair of pairs) {
  const full = time(() => engine.diffJson(engine.snapshotJson(pair.old, 'markdown'), engine.snapshotJson(pair.new, 'markdown')));
  const before = engine.snapshotJson(pair.old, 'markdown');
  const after = engine.snapshotJson(pair.new, 'markdown');
  const diffOnly = time(() => engine.diff(before, after));
  const sentences = time(() => diffSentences(pair.old, pair.new, { timeout: JSDIFF_TIMEOUT_MS }));
  const words = time(() => diffWords(pair.old, pair.new, { timeout: JSDIFF_TIMEOUT_MS }));
  const patch = time(() => dmp.diff_main(pair.old, pair.new));
  const wordsMs = words.result === undefined ? null : words.ms;
  const sentencesMs = sentences.result === undefined ? null : sentences.ms;
  totals.full += full.ms;
  totals.diff += diffOnly.ms;
  totals.sentences += sentencesMs ?? 0;
  totals.words += wordsMs ?? 0;
  totals.dmp += patch.ms;
  const kb = Math.round((pair.old.length + pair.new.length) / 2048);
  console.log(
    [pair.name.padEnd(58), String(kb).padStart(3), fmt(full.ms).padStart(7), fmt(diffOnly.ms).padStart(7),
      fmt(sentencesMs).padStart(8), fmt(wordsMs).padStart(8), fmt(patch.ms).padStart(6),
      ratio(sentencesMs, full.ms).padStart(8), ratio(wordsMs, full.ms).padStart(8), ratio(patch.ms, full.ms).padStart(7)].join('  '),
  );
  if (pair.name.startsWith('x-twitter/privacy-policy 2025-07-29 -> 2026-01-16')) {
    formattingOnly = {
      fineprintChanges: diffOnly.result.changes.length,
      fineprintSummary: diffOnly.result.summary.length,
      sentences: changedParts(sentences.result),
      words: changedParts(words.result),
      dmp: patch.result.filter(([op]) => op !== 0).length,
    };
  }
}
console.log(
  `total: fineprint full ${totals.full.toFixed(1)} ms, diff-only ${totals.diff.toFixed(1)} ms; ` +
    `jsdiff sentences ${totals.sentences.toFixed(1)} ms (${(totals.sentences / totals.full).toFixed(1)}x), ` +
    `words ${totals.words.toFixed(1)} ms (${(totals.words / totals.full).toFixed(1)}x); ` +
    `diff-match-patch ${totals.dmp.toFixed(1)} ms (${(totals.dmp / totals.full).toFixed(1)}x)`,
);
if (formattingOnly) {
  console.log(
    'formatting-only pair (X privacy 2025-07-29 -> 2026-01-16), changes reported: ' +
      `fineprint ${formattingOnly.fineprintChanges} clause changes, ${formattingOnly.fineprintSummary} summary items; ` +
      `jsdiff sentences ${formattingOnly.sentences} changed parts; jsdiff words ${formattingOnly.words}; ` +
      `diff-match-patch ${formattingOnly.dmp} edits`,
  );
}
engine.delete();
